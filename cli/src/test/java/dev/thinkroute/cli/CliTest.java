package dev.thinkroute.cli;

import dev.thinkroute.core.Outcome;
import dev.thinkroute.learn.outcome.OutcomeLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CliTest {

    /** The repository root (surefire sets thinkroute.home), so tests can use the shipped example config. */
    private static final Path ROOT = Path.of(System.getProperty("thinkroute.home", "..")).toAbsolutePath().normalize();

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void demoTrainsARouterServesItThroughTheGatewayAndComparesItWithTheBaselines(@TempDir Path dir) {
        Path reports = dir.resolve("reports");
        Run r = run("demo", "--questions", "60", "--cache", EvalCommandTest.EMBEDDINGS.toString(), "--out", reports.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out())
                .contains("RouteLLM's recorded GSM8K answers", "1319 questions", "train a router on 659 questions")
                .containsPattern("router 'demo-gsm8k-knn' trained in [0-9.]+ s on 659 questions; α=[0-9.]+ calibrated for quality-drop=0.01")
                .contains("first request streamed (model=auto, stream=true)", "[learned]")
                .contains("60 held-out GSM8K questions")
                .contains("HTTP 400").contains("\"param\":\"reasoning_effort\"")
                .contains("HTML report", reports.resolve("demo-gsm8k.html").toAbsolutePath().toString());
        // The table: each baseline and the router at three α, each with accuracy, cost per query and share of calls to GPT-4.
        String cells = " +\\d+\\.\\d% +\\$0\\.\\d{6} +\\d+%.*";
        List<String> lines = r.out().lines().toList();
        for (String label : List.of("always mixtral-8x7b", "always gpt-4-1106-preview", "random at the router's cost",
                "oracle \\(best model per question\\)")) {
            assertThat(lines).as(label).anyMatch(l -> l.matches(" +" + label + cells));
        }
        // Three router lines per table: GSM8K, then NQ.
        assertThat(lines).filteredOn(l -> l.matches(" +router α=[0-9.]+ \\((calibrated|cheaper|best quality)\\)" + cells + "pt")).hasSize(6);
        assertThat(lines).anyMatch(l -> l.matches(" +always mixtral-8x7b +[0-9.]+% +\\$0\\.\\d+ +0% *"));
        assertThat(lines).anyMatch(l -> l.matches(" +always gpt-4-1106-preview +[0-9.]+% +\\$0\\.\\d+ +100% *"));
        assertThat(reports.resolve("demo-gsm8k.html")).isNotEmptyFile();
        assertThat(reports.resolve("demo-gsm8k.png")).isNotEmptyFile();
        assertThat(r.err()).contains("model=auto, routing.alpha=0: 60/60", "model=gpt-4-1106-preview: 60/60");

        // The second table: LLMRouter's NQ answers of six open models, scored by token F1 against NQ's gold.
        assertThat(r.out())
                .contains("LLMRouter's recorded Natural Questions answers of 6 models, 500 questions", "train a router on 250 questions")
                .containsPattern("router 'demo-nq-knn' trained in [0-9.]+ s on 250 questions")
                .contains("60 held-out NQ questions", "(qa-f1)")
                .contains("HTML report", reports.resolve("demo-nq.html").toAbsolutePath().toString());
        for (String model : List.of("llama-3.1-8b", "mistral-7b", "qwen2.5-7b", "gemma-2-27b", "llama-3.1-70b", "mixtral-8x22b")) {
            assertThat(lines).as(model).anyMatch(l -> l.matches(" +always " + model + cells));
        }
        assertThat(reports.resolve("demo-nq.html")).isNotEmptyFile();
    }

    @Test
    void demoRefusesAnUnknownTable() {
        Run r = run("demo", "--tables", "gsm8k,mmlu");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--tables: unknown table 'mmlu'; known: gsm8k, nq");
    }

    @Test
    void demoRefusesANonsenseQuestionCount() {
        Run r = run("demo", "--questions", "0");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--questions must be at least 1");
    }

    @Test
    void demoWithAMissingDataFolderSaysHowToPointAtTheData(@TempDir Path empty) {
        Run r = run("demo", "--data", empty.resolve("nowhere").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("nowhere").contains("THINKROUTE_DATA");
    }

    @Test
    void routePrintsTheDecisionAndWhyWithoutCallingAModel() {
        Run r = run("route", "--config", ROOT.resolve("config/example.yaml").toString(), "Prove that there are infinitely many primes.");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("arm:     deepseek-v3.1:on").contains("reason:  profile-rule").contains("'prove'");
    }

    @Test
    void routeHonoursTheSoftSwitchAndForcedThinking() {
        Path config = ROOT.resolve("config/example.yaml");
        assertThat(run("route", "-c", config.toString(), "-m", "qwen3-8b", "What is 7*8? /no_think").out())
                .contains("arm:     qwen3-8b:off").contains("(/no_think)");
        Run refused = run("route", "-c", config.toString(), "-m", "o4-mini", "-t", "off", "hi");
        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.err()).contains("always reasons").contains("(--thinking)");
    }

    @Test
    void aBadConfigListsItsProblemsWithoutAStackTrace(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, """
                models:
                  - name: a
                    dialect: openai
                    base_url: not a url
                    price: {input: -1}
                profiles:
                  auto: {arm: b:off}
                """);
        Run r = run("serve", "--config", bad.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("bad.yaml").contains("models[0].base_url").contains("models[0].price.input")
                .contains("profiles.auto").doesNotContain("\tat ");
    }

    @Test
    void aMissingConfigFileIsNamed() {
        Run r = run("route", "--config", "/no/such/thinkroute.yaml", "q");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("/no/such/thinkroute.yaml");
    }

    /** A user's own outcome log: arithmetic is easy for both arms, proofs only for the strong one. */
    /** Question {@code i} of the hand-made logs: odd ones need proof (a strong arm, or thinking), even ones are sums. */
    static String question(int i) {
        String[] easy = {"What is %d plus %d?", "Add %d and %d.", "Compute %d + %d.", "How much is %d plus %d?"};
        String[] hard = {"Prove that %d divides %d factorial.", "Show a rigorous proof that the sum of %d and %d odd numbers is even.",
                "Derive a closed form for the series with %d terms starting at %d.", "Prove by induction on %d that the bound holds past %d."};
        return String.format((i % 2 == 1 ? hard : easy)[i / 2 % 4], i + 3, i * 7 + 1);
    }

    private static Path ownLog(Path dir) throws IOException {
        StringBuilder log = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            boolean isHard = i % 2 == 1;
            String q = question(i);
            log.append(String.format(java.util.Locale.ROOT,
                    "{\"query_id\":\"q%d\",\"query\":\"%s\",\"model\":\"small\",\"thinking\":\"off\",\"score\":%d,\"cost_usd\":0.0001}%n",
                    i, q, isHard ? 0 : 1));
            log.append(String.format(java.util.Locale.ROOT,
                    "{\"query_id\":\"q%d\",\"query\":\"%s\",\"model\":\"large\",\"thinking\":\"on\",\"score\":1,\"cost_usd\":0.01}%n", i, q));
        }
        log.append("{\"query_id\": \"broken\"\n");
        Path file = dir.resolve("mine.jsonl");
        Files.writeString(file, log.toString());
        return file;
    }

    @Test
    void trainCalibrateAndRouteWithAUsersOwnLog(@TempDir Path dir) throws IOException {
        Path log = ownLog(dir);
        Path artifact = dir.resolve("router.json");
        Run train = run("train", "--log", log.toString(), "--test-fraction", "0.25", "--predictor", "knn", "--folds", "3",
                "--target", "quality-drop=0.05", "--cache", dir.resolve("cache").toString(), "--out", artifact.toString());
        assertThat(train.code()).as(train.err()).isZero();
        assertThat(train.err()).contains("mine.jsonl:121", "skipped 1 bad lines");
        assertThat(train.out()).contains("held-out (15 queries", "artifact: " + artifact);
        assertThat(Files.readString(artifact)).contains("\"format\" : \"thinkroute-router/1\"", "\"sha256\"", "quality-drop=0.05");

        Run calibrate = run("calibrate", "--router", artifact.toString(), "--log", log.toString(), "--target", "strong-share=0.6",
                "--cache", dir.resolve("cache").toString());
        assertThat(calibrate.code()).as(calibrate.err()).isZero();
        assertThat(calibrate.out()).contains("for strong-share=0.6", "% of calls to large:on");

        Path config = dir.resolve("gateway.yaml");
        Files.writeString(config, """
                models:
                  - {name: small, dialect: openai, base_url: "http://127.0.0.1:9/v1", price: {input: 0.1, output: 0.1}}
                  - {name: large, dialect: openai, base_url: "http://127.0.0.1:9/v1", thinking: always, price: {input: 10, output: 10}}
                profiles:
                  auto: {router: router.json}
                """);
        Run easy = run("route", "-c", config.toString(), "What is 101 plus 5?");
        assertThat(easy.code()).as(easy.err()).isZero();
        assertThat(easy.out()).contains("reason:  learned", "predictions of router", "* small:off");
        Run hard = run("route", "-c", config.toString(), "Prove that 11 divides 99 factorial.");
        assertThat(hard.out()).contains("* large:on");
    }

    @Test
    void trainRefusesAnUnknownPredictorOrTarget(@TempDir Path dir) throws IOException {
        Path log = ownLog(dir);
        assertThat(run("train", "--log", log.toString(), "--predictor", "forest").err()).contains("--predictor", "knn");
        assertThat(run("train", "--log", log.toString(), "--target", "cheap").err()).contains("--target", "cost=<USD per query>");
    }

    @Test
    void collectWritesAnOutcomeLogAndResumesFromItsCache(@TempDir Path dir) throws IOException {
        Path config = dir.resolve("pool.yaml");
        Files.writeString(config, """
                models:
                  - {name: gpt-4-1106-preview, dialect: replay, table: routellm-gsm8k, price: {input: 10, output: 30}}
                  - {name: mixtral, dialect: replay, table: routellm-gsm8k, upstream_model: mistralai/Mixtral-8x7B-Instruct-v0.1, price: {input: 0.6, output: 0.6}}
                """);
        Path log = dir.resolve("collected.jsonl");
        String[] args = {"collect", "-c", config.toString(), "--dataset", "gsm8k", "--limit", "12", "--run-dir", dir.resolve("run").toString(),
                "--out", log.toString()};
        Run first = run(args);
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out()).contains("24 outcomes", "0 answered from the cache", "0 failed");
        assertThat(Files.readAllLines(log)).hasSize(24).allSatisfy(l -> assertThat(l).contains("\"dataset\":\"gsm8k\""));
        assertThat(dir.resolve("collected.jsonl.provenance.json")).exists();
        // Each line keeps its answer text, for training a judge later.
        var collected = OutcomeLog.read(log);
        assertThat(collected.problems()).isEmpty();
        assertThat(collected.outcomes()).hasSize(24).allSatisfy(o -> assertThat(o.response()).isNotBlank());

        Run again = run(args);
        assertThat(again.code()).isZero();
        assertThat(again.out()).contains("24 answered from the cache");
        assertThat(Files.readAllLines(log)).hasSize(24);

        // --no-responses: the same outcomes, without the answer texts.
        Path bare = dir.resolve("bare.jsonl");
        Run noResponses = run("collect", "-c", config.toString(), "--dataset", "gsm8k", "--limit", "12", "--run-dir",
                dir.resolve("run").toString(), "--out", bare.toString(), "--no-responses");
        assertThat(noResponses.code()).as(noResponses.err()).isZero();
        assertThat(noResponses.out()).contains("24 answered from the cache");
        assertThat(Files.readAllLines(bare)).hasSize(24).noneSatisfy(l -> assertThat(l).contains("\"response\""));
        var bareOutcomes = OutcomeLog.read(bare).outcomes();
        assertThat(bareOutcomes).extracting(Outcome::response).containsOnlyNulls();
        assertThat(bareOutcomes).extracting(Outcome::queryId)
                .containsExactlyElementsOf(collected.outcomes().stream().map(Outcome::queryId).toList());

        Run bad = run("collect", "-c", config.toString(), "--dataset", "gsm9k");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("gsm9k", "gsm8k");
    }
}
