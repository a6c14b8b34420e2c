package dev.thinkroute.eval.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thinkroute.core.Arm;
import dev.thinkroute.core.Dialect;
import dev.thinkroute.core.ModelCard;
import dev.thinkroute.core.Outcome;
import dev.thinkroute.core.Prices;
import dev.thinkroute.core.Thinking;
import dev.thinkroute.core.ThinkingSupport;
import dev.thinkroute.eval.dataset.Example;
import dev.thinkroute.core.score.Scorer;
import dev.thinkroute.core.score.Scorers;
import dev.thinkroute.learn.outcome.LoadedLog;
import dev.thinkroute.learn.outcome.OutcomeLog;
import dev.thinkroute.llm.Upstream;
import dev.thinkroute.llm.UpstreamSettings;
import dev.thinkroute.llm.Upstreams;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Live runs against a loopback fake OpenAI server: retries, failures, resume after a kill, outcome logs. */
@Timeout(30)
class LiveRunnerTest {

    static final int N = 30;
    static final int MAX_ATTEMPTS = 3;
    static final String DATASET = "gsm8k-fake";
    static final List<Arm> ARMS = List.of(new Arm("strong", Thinking.OFF), new Arm("weak", Thinking.OFF));
    static final LiveRunner.Options OPTIONS = new LiveRunner.Options(4, MAX_ATTEMPTS, Duration.ofMillis(2),
            Duration.ofMillis(20), 42, 256, false);

    @TempDir
    Path tmp;

    FakeOpenAiServer server;
    Map<String, Upstream> upstreams;
    final Scorer scorer = Scorers.get("math");
    final List<Example> examples = examples();

    @BeforeEach
    void start() throws IOException {
        server = new FakeOpenAiServer();
        // The first-byte timeout is below the fake's 4 s stall, so the stalled request times out and is retried, yet long
        // enough that an ordinary request on a loaded machine is not cut off (which would add an unplanned retry).
        UpstreamSettings settings = new UpstreamSettings(Duration.ofSeconds(2), Duration.ofMillis(3000),
                Duration.ofSeconds(5), name -> null);
        upstreams = new LinkedHashMap<>();
        for (String model : List.of("strong", "weak")) {
            ModelCard card = new ModelCard(model, Dialect.OPENAI, server.baseUrl(), null, model,
                    model.equals("strong") ? new Prices(1.0, 4.0) : new Prices(0.1, 0.4), null, 0,
                    ThinkingSupport.NONE, "", null);
            upstreams.put(model, Upstreams.create(card, settings, () -> {
                throw new AssertionError("no data root for live models");
            }));
        }
    }

    @AfterEach
    void stop() {
        upstreams.values().forEach(Upstream::close);
        server.close();
    }

    static List<Example> examples() {
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            out.add(new Example(String.valueOf(i), FakeOpenAiServer.question(i),
                    List.of(String.valueOf(FakeOpenAiServer.a(i) + FakeOpenAiServer.b(i))), Map.of()));
        }
        return out;
    }

    RunResult run(Path dir, LiveRunner.Options options, Progress.Listener listener) throws InterruptedException {
        try (ResponseCache cache = ResponseCache.open(dir)) {
            return new LiveRunner(upstreams, cache, options, listener).run(DATASET, examples, scorer, ARMS);
        }
    }

    static boolean permanentlyFailing(RunResult.Entry e) {
        return FakeOpenAiServer.permanentlyFailing(e.arm().model(), Integer.parseInt(e.exampleId()));
    }

    @Test
    void everyPairEndsScoredOrFailedWithRetriesAndBoundedConcurrency() throws Exception {
        List<Progress> seen = new ArrayList<>();
        RunResult result = run(tmp, OPTIONS, seen::add);

        assertThat(result.entries()).hasSize(N * ARMS.size());
        for (RunResult.Entry e : result.entries()) {
            int i = Integer.parseInt(e.exampleId());
            String model = e.arm().model();
            if (permanentlyFailing(e)) {
                assertThat(e.status()).as("%s/%d", model, i).isEqualTo(RunResult.Status.FAILED);
                assertThat(e.score()).isNull();
                assertThat(e.error()).startsWith("HTTP_ERROR " + (model.equals("weak") ? 500 : 400));
                continue;
            }
            boolean unparsed = model.equals("weak") && i % 10 == 7;
            boolean wrong = model.equals("weak") && i % 3 == 0;
            assertThat(e.status()).as("%s/%d: %s", model, i, e.error())
                    .isEqualTo(unparsed ? RunResult.Status.UNPARSED : RunResult.Status.SCORED);
            assertThat(e.score().value()).as("%s/%d", model, i).isEqualTo(unparsed || wrong ? 0.0 : 1.0);
            assertThat(e.usage().inputTokens()).isEqualTo(20 + i);
            assertThat(e.costUsd()).isPositive();
            assertThat(e.fromCache()).isFalse();
            assertThat(e.attempts()).isEqualTo(FakeOpenAiServer.expectedRequests(model, i, MAX_ATTEMPTS));
        }

        // Retries happened, exactly as the failure plan says: 429s, 500s and the timeout were retried, the 400 not.
        int expected = 0;
        for (int i = 0; i < N; i++) {
            for (Arm arm : ARMS) {
                int want = FakeOpenAiServer.expectedRequests(arm.model(), i, MAX_ATTEMPTS);
                expected += want;
                assertThat(server.perKey.get(arm.model() + "/" + i)).as("%s/%d", arm.model(), i).hasValue(want);
            }
        }
        assertThat(server.requests.get()).isEqualTo(expected).isGreaterThan(N * ARMS.size());
        assertThat(server.perKey.get("weak/13")).hasValue(MAX_ATTEMPTS);
        assertThat(server.perKey.get("strong/20")).hasValue(1);
        assertThat(server.perKey.get("strong/25")).hasValue(2); // timed out once, then answered
        assertThat(server.maxInFlight.get()).isLessThanOrEqualTo(OPTIONS.concurrency());

        RunResult.Totals t = result.totals();
        assertThat(t.pairs()).isEqualTo(60);
        assertThat(t.failed()).isEqualTo(2);
        assertThat(t.unparsed()).isEqualTo(3); // weak 7, 17, 27
        assertThat(t.scored() + t.unparsed() + t.failed()).isEqualTo(t.pairs());
        assertThat(result.totalsByArm()).containsOnlyKeys("strong:off", "weak:off");
        assertThat(result.totalsByArm().get("strong:off").meanScore()).isEqualTo(1.0);
        assertThat(t.costUsd()).isCloseTo(result.entries().stream().mapToDouble(RunResult.Entry::costUsd).sum(),
                org.assertj.core.data.Offset.offset(1e-12));

        // Progress: starts at 0, one update per pair, ends complete with the failures counted.
        assertThat(seen.getFirst().done()).isZero();
        assertThat(seen).hasSize(1 + 60);
        Progress last = seen.getLast();
        assertThat(last.done()).isEqualTo(60);
        assertThat(last.total()).isEqualTo(60);
        assertThat(last.failed()).isEqualTo(2);
        assertThat(last.eta()).isEqualTo(Duration.ZERO);
        assertThat(last.render(20)).startsWith("[####################] 60/60  failed 2");

        // Outcomes: failures left out, the rest round trip through the outcome log.
        List<Outcome> outcomes = result.toOutcomes("gsm8k");
        assertThat(outcomes).hasSize(58).allSatisfy(o -> {
            assertThat(o.dataset()).isEqualTo("gsm8k");
            assertThat(o.source()).isEqualTo(RunResult.SOURCE);
            assertThat(o.thinking()).isEqualTo("off");
        });
        Path log = tmp.resolve("outcomes.jsonl");
        OutcomeLog.write(log, outcomes, null);
        LoadedLog back = OutcomeLog.read(log);
        assertThat(back.problems()).isEmpty();
        assertThat(back.outcomes()).isEqualTo(outcomes);

        // Answer texts: kept on every answered entry and logged as response, unless left out.
        for (RunResult.Entry e : result.entries()) {
            if (e.failed()) {
                assertThat(e.content()).isNull();
                continue;
            }
            int i = Integer.parseInt(e.exampleId());
            int sum = FakeOpenAiServer.a(i) + FakeOpenAiServer.b(i);
            boolean unparsed = e.status() == RunResult.Status.UNPARSED;
            assertThat(e.content()).as("%s/%d", e.arm().model(), i)
                    .isEqualTo(unparsed ? "I am not sure how to solve this." : e.score().value() == 1.0
                            ? "He has " + FakeOpenAiServer.a(i) + " + " + FakeOpenAiServer.b(i) + " = " + sum
                            + " apples.\n#### " + sum
                            : "He has " + (sum + 1) + " apples.\n#### " + (sum + 1));
        }
        List<RunResult.Entry> answered = result.entries().stream().filter(e -> !e.failed()).toList();
        assertThat(outcomes).extracting(Outcome::response)
                .containsExactlyElementsOf(answered.stream().map(RunResult.Entry::content).toList());
        assertThat(back.outcomes()).extracting(Outcome::response).doesNotContainNull();
        assertThat(Files.readAllLines(log, StandardCharsets.UTF_8)).allSatisfy(l -> assertThat(l).contains("\"response\":\""));

        List<Outcome> bare = result.toOutcomes("gsm8k", RunResult.SOURCE, false);
        assertThat(bare).hasSize(58).extracting(Outcome::response).containsOnlyNulls();
        Path bareLog = tmp.resolve("bare.jsonl");
        OutcomeLog.write(bareLog, bare, null);
        assertThat(Files.readAllLines(bareLog, StandardCharsets.UTF_8)).noneSatisfy(l -> assertThat(l).contains("response"));
        assertThat(OutcomeLog.read(bareLog).outcomes()).isEqualTo(bare);
    }

    @Test
    void restartAsksNothingAlreadyAnsweredAndGivesTheSameOutcomes() throws Exception {
        RunResult first = run(tmp, OPTIONS, null);
        int before = server.requests.get();

        // Restart without retrying failures: nothing is asked, everything comes from the cache.
        RunResult again = run(tmp, OPTIONS, null);
        assertThat(server.requests.get()).isEqualTo(before);
        assertThat(again.entries()).allMatch(RunResult.Entry::fromCache);
        assertThat(again.toOutcomes("gsm8k")).isEqualTo(first.toOutcomes("gsm8k"));
        assertThat(again.totals().failed()).isEqualTo(2);

        // Restart retrying failures (the CLI default): only the two failed pairs are asked again.
        Map<String, Integer> counts = snapshot();
        RunResult retried = run(tmp, OPTIONS.withRetryFailed(true), null);
        Map<String, Integer> delta = new HashMap<>();
        server.perKey.forEach((k, v) -> {
            int d = v.get() - counts.getOrDefault(k, 0);
            if (d != 0) delta.put(k, d);
        });
        assertThat(delta).isEqualTo(Map.of("weak/13", MAX_ATTEMPTS, "strong/20", 1));
        assertThat(retried.toOutcomes("gsm8k")).isEqualTo(first.toOutcomes("gsm8k"));
        assertThat(retried.totals().failed()).isEqualTo(2);
    }

    @Test
    void killedRunResumesWithoutAskingAnsweredPairsAgain() throws Exception {
        Path dir = tmp.resolve("run");
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            Thread self = Thread.currentThread();
            try {
                run(dir, OPTIONS, p -> {
                    if (p.done() >= 20) self.interrupt(); // the "kill", part way through
                });
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        t.join();
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        List<String> answeredBeforeKill = new ArrayList<>();
        try (ResponseCache cache = ResponseCache.open(dir)) {
            for (Example ex : examples) {
                for (Arm arm : ARMS) {
                    cache.get(new ResponseCache.Key(DATASET, ex.id(), arm.label()))
                            .filter(r -> !r.failed())
                            .ifPresent(r -> answeredBeforeKill.add(arm.model() + "/" + ex.id()));
                }
            }
            assertThat(cache.size()).isBetween(20, 59);
        }
        // A kill in the middle of a write leaves half a line.
        Files.writeString(dir.resolve(ResponseCache.FILE_NAME), "{\"dataset\":\"gsm8k-fake\",\"id\":\"2",
                StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        Map<String, Integer> counts = snapshot();

        RunResult resumed = run(dir, OPTIONS.withRetryFailed(true), null);

        // Nothing answered before the kill was asked again; every pair ended answered or failed.
        for (String key : answeredBeforeKill) {
            assertThat(server.perKey.get(key).get()).as(key).isEqualTo(counts.get(key));
        }
        assertThat(resumed.entries()).hasSize(60);
        assertThat(resumed.entries().stream().filter(RunResult.Entry::fromCache).count())
                .isEqualTo(answeredBeforeKill.size());
        assertThat(resumed.totals().failed()).isEqualTo(2);

        // The same outcomes as an uninterrupted run, latency aside (that is measured, not planned).
        RunResult clean = run(tmp.resolve("clean"), OPTIONS, null);
        assertThat(withoutLatency(resumed.toOutcomes("gsm8k"))).isEqualTo(withoutLatency(clean.toOutcomes("gsm8k")));
    }

    @Test
    void truncatedCacheTailIsDroppedWithAWarningAndAppendsStayReadable() throws IOException {
        ResponseCache.Record answer = new ResponseCache.Record("He has 42.\n#### 42", null, 20, 7, 0, false, 1e-5,
                12, "stop", 1, null);
        ResponseCache.Record failure = ResponseCache.Record.failed(
                new ResponseCache.Failure("HTTP_ERROR", 500, "internal error"), 3, 3);
        ResponseCache.Key k1 = new ResponseCache.Key("d", "1", "m:off");
        ResponseCache.Key k2 = new ResponseCache.Key("d", "2", "m:off");
        ResponseCache.Key k3 = new ResponseCache.Key("d", "3", "m:off");
        try (ResponseCache c = ResponseCache.open(tmp)) {
            c.put(k1, answer);
            c.put(k2, failure);
        }
        Path file = tmp.resolve(ResponseCache.FILE_NAME);
        Files.writeString(file, "{\"dataset\":\"d\",\"id\":\"3\",\"arm\":\"m:o", StandardOpenOption.APPEND);
        try (ResponseCache c = ResponseCache.open(tmp)) {
            assertThat(c.warnings()).singleElement().asString().contains(":3:").contains("torn");
            assertThat(c.size()).isEqualTo(2);
            assertThat(c.get(k1)).contains(answer);
            assertThat(c.get(k2)).contains(failure);
            assertThat(c.get(k3)).isEmpty();
            c.put(k3, answer);
        }
        try (ResponseCache c = ResponseCache.open(tmp)) {
            assertThat(c.warnings()).isEmpty();
            assertThat(c.size()).isEqualTo(3);
            assertThat(c.get(k3)).contains(answer);
        }
        assertThat(Files.readAllLines(file)).hasSize(3);
    }

    @Test
    void anArmWithoutAnUpstreamIsRefusedBeforeAnyCall() {
        try (ResponseCache cache = ResponseCache.open(tmp)) {
            assertThatThrownBy(() -> new LiveRunner(upstreams, cache, OPTIONS, null)
                    .run(DATASET, examples, scorer, List.of(ARMS.get(0), Arm.parse("nobody:off"))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nobody");
        }
        assertThat(server.requests.get()).isZero();
    }

    private Map<String, Integer> snapshot() {
        Map<String, Integer> m = new HashMap<>();
        server.perKey.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    private static List<Outcome> withoutLatency(List<Outcome> in) {
        return in.stream().map(o -> new Outcome(o.queryId(), o.dataset(), o.query(), o.model(), o.thinking(),
                o.score(), o.inputTokens(), o.outputTokens(), o.reasoningTokens(), o.costUsd(), 0, o.source())).toList();
    }
}
