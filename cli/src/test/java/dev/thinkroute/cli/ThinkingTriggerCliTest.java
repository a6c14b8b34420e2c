package dev.thinkroute.cli;

import static dev.thinkroute.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.thinkroute.cli.CliTest.Run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The adaptive thinking trigger as a user builds it: an outcome log with both thinking modes of one hybrid model
 * (what {@code collect --arms m:off,m:on} writes), a router trained on it, and that router serving one model card,
 * choosing per query whether it thinks. The caller's own thinking switch still wins.
 */
class ThinkingTriggerCliTest {

    /** Easy questions are right without thinking; hard ones only with it, which costs 50× more. */
    private static Path bothModesLog(Path dir) throws IOException {
        StringBuilder log = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            boolean isHard = i % 2 == 1;
            String q = CliTest.question(i);
            log.append(String.format(Locale.ROOT, "{\"query_id\":\"q%d\",\"query\":\"%s\",\"model\":\"qwen3-8b\",\"thinking\":\"off\","
                    + "\"score\":%d,\"output_tokens\":40,\"cost_usd\":0.00002}%n", i, q, isHard ? 0 : 1));
            log.append(String.format(Locale.ROOT, "{\"query_id\":\"q%d\",\"query\":\"%s\",\"model\":\"qwen3-8b\",\"thinking\":\"on\","
                    + "\"score\":1,\"output_tokens\":2000,\"reasoning_tokens\":1900,\"cost_usd\":0.001}%n", i, q));
        }
        Path file = dir.resolve("both-modes.jsonl");
        Files.writeString(file, log.toString());
        return file;
    }

    @Test
    void aRouterTrainedOnBothModesOfOneModelDecidesPerQueryWhetherItThinks(@TempDir Path dir) throws IOException {
        Path artifact = dir.resolve("trigger.json");
        Run train = run("train", "--log", bothModesLog(dir).toString(), "--test-fraction", "0.25", "--predictor", "knn",
                "--folds", "3", "--target", "quality-drop=0.02", "--cache", EvalCommandTest.EMBEDDINGS.toString(),
                "--out", artifact.toString());
        assertThat(train.code()).as(train.err()).isZero();
        assertThat(Files.readString(artifact)).contains("qwen3-8b:off", "qwen3-8b:on");

        Path config = dir.resolve("gateway.yaml");
        Files.writeString(config, """
                models:
                  - {name: qwen3-8b, dialect: openai, base_url: "http://127.0.0.1:9/v1", thinking: qwen3, price: {input: 0.05, output: 0.25}}
                profiles:
                  auto: {router: trigger.json}
                """);
        Run easy = run("route", "-c", config.toString(), "What is 101 plus 5?");
        assertThat(easy.code()).as(easy.err()).isZero();
        assertThat(easy.out()).contains("arm:     qwen3-8b:off", "reason:  learned");
        Run hard = run("route", "-c", config.toString(), "Prove that 11 divides 99 factorial.");
        assertThat(hard.out()).contains("arm:     qwen3-8b:on", "reason:  learned");

        // The caller's switch wins over the trigger, and the reason says the caller decided.
        Run forced = run("route", "-c", config.toString(), "--thinking", "off", "Prove that 11 divides 99 factorial.");
        assertThat(forced.code()).as(forced.err()).isZero();
        assertThat(forced.out()).contains("arm:     qwen3-8b:off", "reason:  caller-forced");
    }
}
