package dev.thinkroute.cli;

import static dev.thinkroute.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.thinkroute.cli.CliTest.Run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code think --log}: the trigger and the cascades on a user's own outcome log, the judge reading the cheap arm's
 * responses (what {@code collect --arms m:off,m:on} keeps by default).
 */
class ThinkLogCliTest {

    private static final List<String> AGREEMENT = List.of("cascade-agree —", "cascade-agree+form —", "cascade-lr-form+agree —");

    /**
     * 80 questions. The cheap arm {@code m:off} is right on about 60%; its wrong answers mostly show it in their form
     * (a non-integer final answer, a wrong calculator annotation). The expensive {@code m:on} is right on about 95% and
     * 50× dearer. A second cheap arm {@code s:off} agrees with a right cheap answer and rarely with a wrong one.
     *
     * @param dropResponseOf the query whose cheap answer has no response, or -1
     */
    private static Path log(Path dir, int dropResponseOf) throws IOException {
        SplittableRandom r = new SplittableRandom(7);
        StringBuilder log = new StringBuilder();
        for (int i = 0; i < 80; i++) {
            String q = CliTest.question(i);
            boolean cheapOk = r.nextDouble() < 0.6;
            boolean dearOk = cheapOk || r.nextDouble() < 0.9;
            int a = 10 + i, b = 3 + i % 7, sum = a + b;
            String right = "She has " + a + " + " + b + " = <<" + a + "+" + b + "=" + sum + ">>" + sum + " apples.\\nA: " + sum;
            String wrong = switch (r.nextInt(3)) {
                case 0 -> "Each gets " + sum + " / 4 = <<" + sum + "/4=" + (sum / 4.0) + ">>" + (sum / 4.0) + " apples.\\nA: " + (sum / 4.0);
                case 1 -> "She has " + a + " + " + b + " = <<" + a + "+" + b + "=" + (sum + 3) + ">>" + (sum + 3) + " apples.\\nA: " + (sum + 3);
                default -> "She has " + a + " - " + b + " = <<" + a + "-" + b + "=" + (a - b) + ">>" + (a - b) + " apples.\\nA: " + (a - b);
            };
            String cheap = cheapOk ? right : wrong;
            String second = cheapOk || r.nextDouble() < 0.2 ? cheap : "She has " + a + " * 2 = <<" + a + "*2=" + 2 * a + ">>" + 2 * a + " apples.\\nA: " + 2 * a;
            String response = i == dropResponseOf ? "" : ",\"response\":\"" + cheap + "\"";
            log.append(String.format(Locale.ROOT, "{\"query_id\":\"q%d\",\"query\":\"%s\",\"model\":\"m\",\"thinking\":\"off\","
                    + "\"score\":%d,\"input_tokens\":60,\"output_tokens\":40,\"cost_usd\":0.0001%s}%n", i, q, cheapOk ? 1 : 0, response));
            log.append(String.format(Locale.ROOT, "{\"query_id\":\"q%d\",\"query\":\"%s\",\"model\":\"m\",\"thinking\":\"on\","
                    + "\"score\":%d,\"input_tokens\":60,\"output_tokens\":2000,\"reasoning_tokens\":1900,\"cost_usd\":0.005,"
                    + "\"response\":\"A: %d\"}%n", i, q, dearOk ? 1 : 0, sum));
            log.append(String.format(Locale.ROOT, "{\"query_id\":\"q%d\",\"query\":\"%s\",\"model\":\"s\",\"thinking\":\"off\","
                    + "\"score\":%d,\"input_tokens\":60,\"output_tokens\":40,\"cost_usd\":0.00005,\"response\":\"%s\"}%n",
                    i, q, second.equals(right) ? 1 : 0, second));
        }
        Path file = dir.resolve("own.jsonl");
        Files.writeString(file, log.toString());
        return file;
    }

    private static Run think(Path dir, Path log, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("think", "--log", log.toString(), "--cheap", "m:off", "--expensive", "m:on",
                "--predictor", "knn", "--cache", EvalCommandTest.EMBEDDINGS.toString(), "--out", dir.resolve("reports").toString()));
        args.addAll(List.of(more));
        return run(args.toArray(String[]::new));
    }

    @Test
    void studiesTheTriggerAndTheFormCascadesOnAnOwnLogWithoutAgreementWhenThereIsNoSecondArm(@TempDir Path dir) throws IOException {
        Run r = think(dir, log(dir, -1));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("m: off = m:off, on = m:on; 80 held-out queries", "never think (always m:off)", "always think (always m:on)",
                "trigger —", "cascade-form —", "cascade-lr-form —", "cascade-lr-form+emb —", "cascade-lr-form+difficulty —",
                "no second cheap arm (--second): the agreement-based strategies are skipped", "any_form_check_fails");
        for (String s : AGREEMENT) assertThat(r.out()).doesNotContain(s);
        assertThat(r.out()).doesNotContain("[pays for");
        assertThat(dir.resolve("reports/think-own.json")).isNotEmptyFile();
        assertThat(dir.resolve("reports/think-own-m.png")).isNotEmptyFile();
    }

    @Test
    void withASecondCheapArmTheAgreementStrategiesRunAndPayForIt(@TempDir Path dir) throws IOException {
        Run r = think(dir, log(dir, -1), "--second", "s:off");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("trigger —", "cascade-form —", "cascade-lr-form —", "[pays for s:off]", "cascade-lr-form+agree+difficulty —");
        for (String s : AGREEMENT) assertThat(r.out()).contains(s);
        assertThat(r.out()).doesNotContain("no second cheap arm");
    }

    @Test
    void aCheapAnswerWithoutItsResponseIsAnErrorNamingTheQuery(@TempDir Path dir) throws IOException {
        Run r = think(dir, log(dir, 17));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("'q17'", "m:off", "collect with responses", "--no-responses");
    }

    @Test
    void anUnknownArmIsAnErrorListingTheLogsArms(@TempDir Path dir) throws IOException {
        Path log = log(dir, -1);
        Run r = run("think", "--log", log.toString(), "--cheap", "m:low", "--expensive", "m:on");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--cheap", "m:low", "m:off", "m:on", "s:off");
        Run second = run("think", "--log", log.toString(), "--cheap", "m:off", "--expensive", "m:on", "--second", "x:off");
        assertThat(second.code()).isEqualTo(2);
        assertThat(second.err()).contains("--second", "x:off", "m:off, m:on, s:off");
    }

    @Test
    void tooFewQueriesAndMixedSourcesAreRefused(@TempDir Path dir) throws IOException {
        Path log = log(dir, -1);
        Run few = run("think", "--log", log.toString(), "--cheap", "m:off", "--expensive", "m:on", "--folds", "9");
        assertThat(few.code()).isEqualTo(2);
        assertThat(few.err()).contains("only 80 queries", "90");
        Run both = run("think", "--log", log.toString(), "--dataset", "openai-gsm8k", "--cheap", "m:off", "--expensive", "m:on");
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).contains("--log and --dataset are exclusive");
        Run noArms = run("think", "--log", log.toString());
        assertThat(noArms.code()).isEqualTo(2);
        assertThat(noArms.err()).contains("--cheap", "--expensive");
        Run armsOnly = run("think", "--cheap", "m:off");
        assertThat(armsOnly.code()).isEqualTo(2);
        assertThat(armsOnly.err()).contains("need --log");
    }
}
