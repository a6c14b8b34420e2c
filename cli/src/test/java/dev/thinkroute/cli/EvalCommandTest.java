package dev.thinkroute.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.thinkroute.cli.CliTest.Run;
import dev.thinkroute.eval.run.FakeOpenAiServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;

import static dev.thinkroute.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code thinkroute eval}: replay against {@code compare}, a user's own log and router, bad input, live runs against a fake server, kill and resume. */
class EvalCommandTest {

    /**
     * The embedding cache every test of this module shares, so the 1,319 GSM8K questions are embedded once per build
     * (surefire runs in the module directory).
     */
    static final Path EMBEDDINGS = Path.of("target", "test-cache", "embeddings").toAbsolutePath();

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    // ------------------------------------------------------------------ replay of the RouteLLM GSM8K table

    /** compare and eval --replay on the same split, run once for the tests that read them. */
    private record Replay(Run compare, Run eval, Path compareDir, Path evalDir) {
    }

    private static Replay replay;

    private static synchronized Replay replay() {
        if (replay == null) {
            Path a = shared.resolve("compare"), b = shared.resolve("eval");
            Run compare = run("compare", "--dataset", "routellm-gsm8k", "--predictors", "knn", "--test-fraction", "0.5", "--seed", "42",
                    "--cache", EMBEDDINGS.toString(), "--out", a.toString());
            Run eval = run("eval", "--replay", "routellm-gsm8k", "--predictors", "knn", "--test-fraction", "0.5", "--seed", "42",
                    "--cache", EMBEDDINGS.toString(), "--out", b.toString(), "--no-html");
            replay = new Replay(compare, eval, a, b);
        }
        return replay;
    }

    @AfterAll
    static void forget() {
        replay = null;
    }

    @Test
    void replayReproducesCompareExactly() throws IOException {
        Replay r = replay();
        assertThat(r.compare().code()).as(r.compare().err()).isZero();
        assertThat(r.eval().code()).as(r.eval().err()).isZero();
        JsonNode compare = JSON.readTree(r.compareDir().resolve("compare-routellm-gsm8k.json").toFile());
        JsonNode eval = JSON.readTree(r.evalDir().resolve("eval-routellm-gsm8k.json").toFile()).path("comparison");
        assertThat(eval.isObject()).as("eval JSON has a 'comparison'").isTrue();

        assertThat(eval.path("rows")).isEqualTo(compare.path("rows"));
        assertThat(eval.path("rows").asInt()).isBetween(600, 720); // half of 1,319
        assertThat(eval.path("arms")).isEqualTo(compare.path("arms"));
        for (String field : List.of("singleArms", "oracle", "gap", "aiqRandom", "aiqOracle", "cMin", "cMax")) {
            assertThat(eval.path(field)).as(field).isEqualTo(compare.path(field));
        }
        JsonNode knnCompare = router(compare, "knn");
        JsonNode knnEval = router(eval, "knn");
        assertThat(knnEval.path("sweep").size()).isEqualTo(241);
        assertThat(knnEval.path("sweep")).as("knn sweep").isEqualTo(knnCompare.path("sweep"));
        assertThat(knnEval.path("frontier")).as("knn frontier").isEqualTo(knnCompare.path("frontier"));
        assertThat(knnEval.path("metrics")).as("knn metrics").isEqualTo(knnCompare.path("metrics"));
    }

    private static JsonNode router(JsonNode comparison, String kind) {
        for (JsonNode r : comparison.path("routers")) if (r.path("kind").asText().equals(kind)) return r;
        throw new AssertionError("no router " + kind + " in " + comparison.path("routers"));
    }

    @Test
    void replayPrintsEverySingleArmTheOracleAndTheFrontierAndWritesOneCsvRowPerContestant() throws IOException {
        Replay r = replay();
        assertThat(r.eval().code()).as(r.eval().err()).isZero();
        JsonNode eval = JSON.readTree(r.evalDir().resolve("eval-routellm-gsm8k.json").toFile());
        List<String> arms = new ArrayList<>();
        eval.path("comparison").path("arms").forEach(a -> arms.add(a.asText()));
        assertThat(arms).hasSize(2);

        List<String> lines = r.eval().out().lines().toList();
        assertThat(lines.getFirst()).startsWith("routellm-gsm8k (replay): ");
        for (String arm : arms) {
            String label = "always " + arm;
            String shown = label.length() <= 34 ? label : label.substring(0, 33) + "…"; // the table clips long names
            assertThat(lines).as(arm).anyMatch(l -> l.startsWith(shown + " ") && l.substring(shown.length()).matches(" +[0-9.]+ +\\$[0-9.]+ .*"));
        }
        assertThat(lines).anyMatch(l -> l.matches("oracle +[0-9.]+ +\\$[0-9.]+"));
        assertThat(lines).anyMatch(l -> l.startsWith("random (best mix of single arms)"));
        assertThat(lines).anyMatch(l -> l.matches("knn \\(241 α\\) +[0-9.]+ +\\$[0-9.]+ .*"));
        // The sweep is drawn as a frontier, not 241 table rows (at most one row stands for it).
        assertThat(lines).filteredOn(l -> l.startsWith("knn α=")).hasSizeLessThanOrEqualTo(1);
        assertThat(r.eval().out()).contains("reports: ").doesNotContain("HTML report").doesNotContain("exit code 3");
        assertThat(r.evalDir().resolve("eval-routellm-gsm8k.html")).doesNotExist();

        List<Map<String, String>> rows = csv(r.evalDir().resolve("eval-routellm-gsm8k.csv"));
        assertThat(rows).hasSize(arms.size() + 241);
        assertThat(rows.stream().map(m -> m.get("contestant")).distinct()).hasSize(rows.size());
        for (String arm : arms) assertThat(rows).anyMatch(m -> m.get("contestant").equals("always " + arm) && m.get("kind").equals("arm"));
        assertThat(rows).filteredOn(m -> m.get("kind").equals("router")).hasSize(241)
                .allSatisfy(m -> assertThat(m.get("group")).isEqualTo("knn"))
                .allSatisfy(m -> assertThat(m.get("failed")).isEqualTo("0"));
        int questions = eval.path("questions").asInt();
        assertThat(rows).allSatisfy(m -> assertThat(Integer.parseInt(m.get("scored")) + Integer.parseInt(m.get("unparsed"))
                + Integer.parseInt(m.get("failed"))).isEqualTo(questions));
        assertThat(r.evalDir().resolve("eval-routellm-gsm8k-answers.csv")).isNotEmptyFile();
    }

    // ------------------------------------------------------------------ replay of a user's own log

    /** 40 queries × 2 arms: arithmetic is easy for both arms, proofs only for the large one. */
    static Path ownLog(Path dir) throws IOException {
        StringBuilder log = new StringBuilder();
        String[] easy = {"What is %d plus %d?", "Add %d and %d.", "Compute %d + %d.", "How much is %d plus %d?"};
        String[] hard = {"Prove that %d divides %d factorial.", "Show a rigorous proof that the sum of %d and %d odd numbers is even.",
                "Derive a closed form for the series with %d terms starting at %d.", "Prove by induction on %d that the bound holds past %d."};
        for (int i = 0; i < 40; i++) {
            boolean isHard = i % 2 == 1;
            String q = String.format(Locale.ROOT, (isHard ? hard : easy)[i / 2 % 4], i + 3, i * 7 + 1);
            log.append(String.format(Locale.ROOT, "{\"query_id\":\"q%d\",\"dataset\":\"mine\",\"query\":\"%s\",\"model\":\"small\",\"thinking\":\"off\","
                    + "\"score\":%d,\"input_tokens\":20,\"output_tokens\":40,\"cost_usd\":0.0001,\"latency_ms\":%d}%n", i, q, isHard ? 0 : 1, 100 + i));
            log.append(String.format(Locale.ROOT, "{\"query_id\":\"q%d\",\"dataset\":\"mine\",\"query\":\"%s\",\"model\":\"large\",\"thinking\":\"on\","
                    + "\"score\":1,\"input_tokens\":20,\"output_tokens\":400,\"reasoning_tokens\":300,\"cost_usd\":0.01,\"latency_ms\":%d}%n", i, q, 2000 + i));
        }
        Path file = dir.resolve("mine.jsonl");
        Files.writeString(file, log.toString());
        return file;
    }

    @Test
    void replaysAUsersOwnLogWithARouterTrainedOnIt() throws IOException {
        Path log = ownLog(dir);
        Path router = dir.resolve("router.json");
        Run train = run("train", "--log", log.toString(), "--predictor", "knn", "--folds", "3", "--name", "mine-knn",
                "--cache", EMBEDDINGS.toString(), "--out", router.toString());
        assertThat(train.code()).as(train.err()).isZero();
        JsonNode artifact = JSON.readTree(router.toFile());
        List<String> routerArms = new ArrayList<>();
        artifact.path("arms").forEach(a -> routerArms.add(a.asText()));
        assertThat(routerArms).containsExactlyInAnyOrder("small:off", "large:on");

        Path out = dir.resolve("reports");
        Run eval = run("eval", "--replay", log.toString(), "--router", router.toString(), "--cache", EMBEDDINGS.toString(),
                "--out", out.toString(), "--no-html");
        assertThat(eval.code()).as(eval.err()).isZero();
        assertThat(eval.err()).contains("40 questions × 2 arms");
        assertThat(eval.out()).contains("mine.jsonl (replay): 40 questions", "always small:off", "always large:on", "mine-knn (α=", "oracle",
                "mine-knn (1 α)");

        // Reports are named after the log's file name, extension included (a --file dataset drops it).
        List<Map<String, String>> rows = csv(out.resolve("eval-mine.csv"));
        assertThat(rows).extracting(m -> m.get("contestant")).hasSize(3).contains("always small:off", "always large:on");
        Map<String, String> row = rows.stream().filter(m -> m.get("kind").equals("router")).findFirst().orElseThrow();
        assertThat(row.get("group")).isEqualTo("mine-knn");
        assertThat(row.get("contestant")).startsWith("mine-knn (α=");
        assertThat(row.get("questions")).isEqualTo("40");
        assertThat(row.get("failed")).isEqualTo("0");
        assertThat(Integer.parseInt(row.get("scored"))).isEqualTo(40);
        // Recorded latencies are replayed: the large arm's are all over 2 s.
        Map<String, String> large = rows.stream().filter(m -> m.get("contestant").equals("always large:on")).findFirst().orElseThrow();
        assertThat(Double.parseDouble(large.get("latency_ms_p50"))).isGreaterThanOrEqualTo(2000);
        assertThat(Double.parseDouble(large.get("quality"))).isEqualTo(1.0);
    }

    // ------------------------------------------------------------------ bad input

    private static void refused(Run r, String... messages) {
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(2);
        assertThat(r.err()).contains(messages).doesNotContain("\tat ").doesNotContain("Exception");
    }

    @Test
    void refusesARunWithoutASourceOrWithTwo() {
        refused(run("eval"), "--replay", "--dataset", "--file");
        refused(run("eval", "--replay", "routellm-gsm8k", "--dataset", "gsm8k"), "mutually exclusive");
    }

    @Test
    void refusesLiveFlagsOnAReplayAndReplayFlagsOnALiveRun(@TempDir Path tmp) throws IOException {
        refused(run("eval", "--replay", "x", "--config", "y"), "--config", "live");
        refused(run("eval", "--replay", "routellm-gsm8k"), "--predictors", "--router");
        Path config = liveConfig(tmp, "http://127.0.0.1:9/v1");
        refused(run("eval", "--config", config.toString(), "--file", questions(tmp, 3).toString(), "--predictors", "knn"),
                "--predictors", "--replay");
    }

    @Test
    void refusesAnUnknownPredictor() {
        refused(run("eval", "--replay", "routellm-gsm8k", "--predictors", "knn,forest"), "--predictors", "forest");
    }

    @Test
    void refusesAnAlphaThatIsNotANumber() throws IOException {
        Path log = ownLog(dir);
        refused(run("eval", "--replay", log.toString(), "--predictors", "knn", "--folds", "2", "--alpha", "0,foo",
                "--cache", EMBEDDINGS.toString(), "--out", dir.resolve("r").toString(), "--no-html"), "--alpha", "'foo'");
    }

    @Test
    void refusesAnAlphaThatIsNotANumberInALiveRunToo() throws IOException {
        // No profile of this config takes a per-request α, so nothing would ever use it; a typo must still be refused.
        try (FakeOpenAiServer server = FakeOpenAiServer.builder().flaky(false).stall(false).delayMs(0).start()) {
            Path config = liveConfig(dir, server.baseUrl().toString());
            refused(run("eval", "--config", config.toString(), "--file", questions(dir, 3).toString(), "--scorer", "math",
                    "--max-tokens", "64", "--alpha", "foo", "--run-dir", dir.resolve("run").toString(), "--out", dir.resolve("r").toString(),
                    "--no-html"), "--alpha", "'foo'");
            assertThat(server.requests.get()).as("requests made").isZero();
        }
    }

    @Test
    void refusesAMissingFileOrAReplayLogThatIsNotThere() throws IOException {
        Path config = liveConfig(dir, "http://127.0.0.1:9/v1");
        refused(run("eval", "--config", config.toString(), "--file", dir.resolve("nope.jsonl").toString()), "--file", "nope.jsonl", "no such file");
        refused(run("eval", "--replay", dir.resolve("gone.jsonl").toString(), "--predictors", "knn"), "gone.jsonl", "no such file");
    }

    @Test
    void aLiveRunNeedsAConfig() {
        refused(run("eval", "--dataset", "gsm8k"), "--config");
    }

    @Test
    void anUnknownProfileIsNamedWithTheConfigsProfiles() throws IOException {
        Path config = liveConfig(dir, "http://127.0.0.1:9/v1");
        refused(run("eval", "--config", config.toString(), "--file", questions(dir, 3).toString(), "--scorer", "math",
                "--profiles", "nope"), "--profiles", "'nope'", "cheap", "escalate");
        refused(run("eval", "--config", config.toString(), "--file", questions(dir, 3).toString(), "--scorer", "nope"), "--scorer");
    }

    // ------------------------------------------------------------------ live, against the fake server

    /** Two models of the fake server, a fixed-arm profile and a rule escalating questions Q1 and Q10…Q19 to strong. */
    static Path liveConfig(Path dir, String baseUrl) throws IOException {
        return liveConfig(dir, baseUrl, baseUrl);
    }

    static Path liveConfig(Path dir, String weakUrl, String strongUrl) throws IOException {
        Path config = dir.resolve("pool.yaml");
        Files.writeString(config, """
                models:
                  - {name: weak, dialect: openai, base_url: "%1$s", price: {input: 0.1, output: 0.4}}
                  - {name: strong, dialect: openai, base_url: "%2$s", price: {input: 1.0, output: 4.0}}
                profiles:
                  cheap: {arm: "weak:off"}
                  escalate: {rule: escalate, cheap: "weak:off", strong: "strong:off", keywords: ["q1"]}
                """.formatted(weakUrl, strongUrl));
        return config;
    }

    /** The fake's questions 0…n-1 as a JSONL dataset with gold a+b. */
    static Path questions(Path dir, int n) throws IOException {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append(JSON.writeValueAsString(Map.of("id", String.valueOf(i), "question", FakeOpenAiServer.question(i),
                    "answer", String.valueOf(FakeOpenAiServer.a(i) + FakeOpenAiServer.b(i))))).append('\n');
        }
        Path file = dir.resolve("apples.jsonl");
        Files.writeString(file, s.toString());
        return file;
    }

    /** The arm each contestant of {@link #liveConfig} asks for question i: true for strong. */
    private static final Map<String, IntPredicate> STRONG = Map.of(
            "always weak:off", i -> false,
            "profile auto", i -> false, // derived from the pool: weak, escalating on long prompts and keywords these lack
            "always strong:off", i -> true,
            "profile cheap", i -> false,
            "profile escalate", i -> ("q" + i).startsWith("q1"));

    static String[] liveArgs(Path config, Path file, Path runDir, Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("eval", "--config", config.toString(), "--file", file.toString(),
                "--fields", "question=question,answer=answer,id=id", "--scorer", "math", "--max-tokens", "64",
                "--run-dir", runDir.toString(), "--out", out.toString(), "--no-html"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    @Timeout(60)
    void aLiveRunAgainstAFlakyServerCountsEveryQuestionAsScoredUnparsedOrFailed() throws IOException {
        int n = 30;
        try (FakeOpenAiServer server = FakeOpenAiServer.builder().flaky(true).stall(false).delayMs(0).start()) {
            Path config = liveConfig(dir, server.baseUrl().toString());
            Path out = dir.resolve("reports");
            Run r = run(liveArgs(config, questions(dir, n), dir.resolve("run"), out, "--retries", "3"));
            assertThat(r.code()).as(r.out() + r.err()).isEqualTo(3);
            assertThat(r.out()).contains("apples (live): 30 questions", "exit code 3");
            assertThat(r.err()).doesNotContain("\tat ");

            List<Map<String, String>> rows = csv(out.resolve("eval-apples.csv"));
            assertThat(rows).extracting(m -> m.get("contestant")).containsExactlyInAnyOrderElementsOf(STRONG.keySet());
            for (Map<String, String> row : rows) {
                IntPredicate strong = STRONG.get(row.get("contestant"));
                int failed = 0, unparsed = 0, answered = 0, right = 0;
                for (int i = 0; i < n; i++) {
                    String model = strong.test(i) ? "strong" : "weak";
                    if (server.failsEveryTime(model, i)) failed++;
                    else if (FakeOpenAiServer.unparseable(model, i)) unparsed++;
                    else if (FakeOpenAiServer.right(model, i)) right++;
                    if (!server.failsEveryTime(model, i)) answered++;
                }
                String who = row.get("contestant");
                assertThat(row.get("questions")).as(who).isEqualTo(String.valueOf(n));
                assertThat(Integer.parseInt(row.get("failed"))).as(who + " failed").isEqualTo(failed);
                assertThat(Integer.parseInt(row.get("unparsed"))).as(who + " unparsed").isEqualTo(unparsed);
                assertThat(Integer.parseInt(row.get("scored"))).as(who + " scored").isEqualTo(n - failed - unparsed);
                assertThat(Double.parseDouble(row.get("quality"))).as(who + " quality").isCloseTo((double) right / answered,
                        org.assertj.core.data.Offset.offset(1e-12));
                if (failed == 0) assertThat(row.get("first_error")).as(who).isEmpty();
                else assertThat(row.get("first_error")).as(who).containsAnyOf("400", "500");
            }
            // The failures are the fake's permanent ones only: every transient 429/500 was retried to an answer.
            assertThat(server.count(server.perKey, "weak", 13)).isEqualTo(4); // 1 + 3 retries, all 500
            assertThat(server.count(server.perKey, "strong", 20)).isEqualTo(1); // 400: not retried
            assertThat(server.count(server.perKey, "weak", 2)).isEqualTo(3); // two 500s, then an answer
            assertThat(server.count(server.perKey, "strong", 6)).isEqualTo(2); // one 429, then an answer
            // Each (question, arm) pair was asked once however many contestants chose it.
            for (int i = 0; i < n; i++) {
                for (String model : List.of("weak", "strong")) {
                    assertThat(server.count(server.answered, model, i)).as(model + "/" + i).isLessThanOrEqualTo(1);
                }
            }
            assertThat(out.resolve("eval-apples-answers.csv")).isNotEmptyFile();
        }
    }

    @Test
    @Timeout(60)
    void aLiveRunWithAModelThatNeverAnswersStillWritesItsReportAndExits3() throws IOException {
        // Nothing listens on port 9: every call to strong fails (unreachable), as with a wrong base_url or a missing API key.
        try (FakeOpenAiServer server = FakeOpenAiServer.builder().flaky(false).stall(false).delayMs(0).start()) {
            Path config = liveConfig(dir, server.baseUrl().toString(), "http://127.0.0.1:9/v1");
            Path out = dir.resolve("reports");
            Run r = run(liveArgs(config, questions(dir, 3), dir.resolve("run"), out, "--retries", "0"));
            assertThat(r.err()).doesNotContain("\tat ");
            assertThat(r.code()).as(r.out() + r.err()).isEqualTo(3);
            assertThat(r.out()).contains("exit code 3");
            List<Map<String, String>> rows = csv(out.resolve("eval-apples.csv"));
            assertThat(rows).filteredOn(m -> m.get("contestant").equals("always strong:off")).singleElement()
                    .satisfies(m -> assertThat(m.get("failed")).isEqualTo("3"))
                    .satisfies(m -> assertThat(m.get("first_error")).isNotEmpty());
            assertThat(rows).filteredOn(m -> m.get("contestant").equals("always weak:off")).singleElement()
                    .satisfies(m -> assertThat(m.get("failed")).isEqualTo("0"));
        }
    }

    // ------------------------------------------------------------------ kill and resume, in a separate JVM

    private static Process start(Path workDir, Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Djava.awt.headless=true",
                "-Dthinkroute.home=" + System.getProperty("thinkroute.home", Path.of("..").toAbsolutePath().normalize().toString()),
                "-cp", System.getProperty("java.class.path"), "dev.thinkroute.cli.Main"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** The (id, arm) pairs the run directory's cache holds answers for; a torn last line is skipped as the cache does. */
    private static Set<String> cachedAnswers(Path runDir) throws IOException {
        Set<String> keys = new HashSet<>();
        Path file = runDir.resolve("responses.jsonl");
        if (!Files.exists(file)) return keys;
        String text = Files.readString(file);
        // As the cache reads it back: a last line without its newline is a torn write, dropped.
        for (String line : text.substring(0, text.lastIndexOf('\n') + 1).split("\n")) {
            JsonNode n;
            try {
                n = JSON.readTree(line);
            } catch (IOException e) {
                continue;
            }
            if (n != null && n.isObject() && (n.get("error") == null || n.get("error").isNull())) {
                keys.add(n.path("id").asText() + "/" + n.path("arm").asText());
            }
        }
        return keys;
    }

    @Test
    @Timeout(120)
    void aKilledRunResumesFromItsCacheWithoutAskingAnsweredPairsAgain() throws Exception {
        int n = 40;
        Path file = questions(dir, n);
        Path runDir = dir.resolve("run");
        Path out = dir.resolve("reports");
        try (FakeOpenAiServer server = FakeOpenAiServer.builder().flaky(false).stall(false).delayMs(50).start()) {
            Path config = liveConfig(dir, server.baseUrl().toString());
            String[] cliArgs = liveArgs(config, file, runDir, out, "--retries", "3", "--concurrency", "2");

            Process first = start(dir, dir.resolve("first.log"), cliArgs);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (server.answers.get() < 10 && first.isAlive() && System.nanoTime() < deadline) Thread.sleep(5);
            assertThat(first.isAlive()).as("the first run is still running after %d answers: %s", server.answers.get(),
                    Files.readString(dir.resolve("first.log"))).isTrue();
            assertThat(server.answers.get()).as("answers before the kill").isGreaterThanOrEqualTo(10);
            first.destroyForcibly();
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            // Requests the killed run left in flight end on the server side too, before the counters are read.
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (server.inFlight.get() > 0 && System.nanoTime() < deadline) Thread.sleep(5);
            Thread.sleep(100);
            Map<String, Integer> before = new LinkedHashMap<>();
            server.perKey.forEach((k, v) -> before.put(k, v.get()));
            int requestsBefore = server.requests.get();
            Set<String> cached = cachedAnswers(runDir);
            assertThat(cached).as("answers cached before the kill").hasSizeGreaterThanOrEqualTo(5).hasSizeLessThan(2 * n);

            Process second = start(dir, dir.resolve("second.log"), cliArgs);
            assertThat(second.waitFor(90, TimeUnit.SECONDS)).as("the resumed run ends").isTrue();
            String secondLog = Files.readString(dir.resolve("second.log"));
            assertThat(second.exitValue()).as(secondLog).isEqualTo(3); // strong/20 always fails
            assertThat(secondLog).doesNotContain("\tat ");

            // Nothing answered and cached before the kill was asked again; everything else exactly once more.
            for (String key : cached) {
                String[] idArm = key.split("/");
                String model = idArm[1].substring(0, idArm[1].indexOf(':'));
                assertThat(server.count(server.perKey, model, Integer.parseInt(idArm[0]))).as("requests for %s", key)
                        .isEqualTo(before.get(model + "/" + idArm[0]));
            }
            assertThat(server.requests.get() - requestsBefore).as("requests of the resumed run").isEqualTo(2 * n - cached.size());
        }

        // The resumed run's figures are those of an uninterrupted run into a fresh run directory.
        Path fresh = dir.resolve("fresh");
        Files.createDirectories(fresh);
        try (FakeOpenAiServer server = FakeOpenAiServer.builder().flaky(false).stall(false).delayMs(0).start()) {
            Path config = liveConfig(fresh, server.baseUrl().toString());
            Run r = run(liveArgs(config, file, fresh.resolve("run"), fresh.resolve("reports"), "--retries", "3"));
            assertThat(r.code()).as(r.err()).isEqualTo(3);
        }
        List<Map<String, String>> resumed = withoutLatency(csv(out.resolve("eval-apples.csv")));
        List<Map<String, String>> uninterrupted = withoutLatency(csv(fresh.resolve("reports").resolve("eval-apples.csv")));
        assertThat(resumed).hasSize(STRONG.size()).isEqualTo(uninterrupted);
        assertThat(resumed).filteredOn(m -> m.get("contestant").equals("always strong:off"))
                .singleElement().satisfies(m -> assertThat(m.get("failed")).isEqualTo("1"));
    }

    /** Rows without what differs between two runs against two fake servers: latencies, and the port in messages. */
    private static List<Map<String, String>> withoutLatency(List<Map<String, String>> rows) {
        List<Map<String, String>> out = new ArrayList<>();
        for (Map<String, String> row : rows) {
            Map<String, String> m = new LinkedHashMap<>(row);
            m.keySet().removeIf(k -> k.startsWith("latency_ms"));
            m.computeIfPresent("first_error", (k, v) -> v.replaceAll("127\\.0\\.0\\.1:\\d+", "127.0.0.1:PORT")); // another fake server
            out.add(m);
        }
        return out;
    }

    // ------------------------------------------------------------------ helpers

    static List<Map<String, String>> csv(Path file) throws IOException {
        assertThat(file).isNotEmptyFile();
        List<Map<String, String>> rows = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(file);
             MappingIterator<Map<String, String>> it = new CsvMapper().readerForMapOf(String.class)
                     .with(CsvSchema.emptySchema().withHeader()).readValues(r)) {
            while (it.hasNext()) rows.add(new LinkedHashMap<>(it.next()));
        }
        return rows;
    }
}
