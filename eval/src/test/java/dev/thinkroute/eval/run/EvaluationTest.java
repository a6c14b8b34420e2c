package dev.thinkroute.eval.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.thinkroute.core.Arm;
import dev.thinkroute.core.Decision;
import dev.thinkroute.core.Dialect;
import dev.thinkroute.core.ModelCard;
import dev.thinkroute.core.Outcome;
import dev.thinkroute.core.Prices;
import dev.thinkroute.core.Reason;
import dev.thinkroute.core.Thinking;
import dev.thinkroute.core.ThinkingSupport;
import dev.thinkroute.core.metric.OutcomeMatrix;
import dev.thinkroute.core.route.Query;
import dev.thinkroute.core.route.Router;
import dev.thinkroute.eval.dataset.Example;
import dev.thinkroute.core.score.Scorer;
import dev.thinkroute.core.score.Scorers;
import dev.thinkroute.llm.Upstream;
import dev.thinkroute.llm.UpstreamSettings;
import dev.thinkroute.llm.Upstreams;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Evaluation}: routers decide, answers are looked up (replay, on a hand-made table) or asked (live, against the
 * loopback {@link FakeOpenAiServer}); every figure is checked against a value worked out by hand.
 */
@Timeout(30)
public class EvaluationTest {

    static final Offset<Double> EPS = within(1e-12);

    // ---------------------------------------------------------------------------------------------------------------
    // The replay fixture (public: EvalReportTest builds its reports from it).
    // ---------------------------------------------------------------------------------------------------------------

    public static final Arm SMALL = new Arm("small", Thinking.OFF);
    public static final Arm MID = new Arm("mid", Thinking.ON);
    public static final Arm BIG = new Arm("big", Thinking.OFF);
    public static final Arm GHOST = new Arm("ghost", Thinking.OFF);

    static final double N = Double.NaN;
    /** Rows q0..q7; columns small, mid (thinks), big: cheapest first. small has no score for q3. */
    static final double[][] SCORE = {
            {1, 1, 1},
            {0, 1, 1},
            {1, 0, 1},
            {N, 1, 1},
            {0, 0, 1},
            {1, 1, 0},
            {0, 1, 1},
            {0, 0, 1}};
    static final double[][] COST = {
            {0.001, 0.01, 0.2},
            {0.001, 0.01, 0.1},
            {0.001, 0.01, 0.1},
            {0.001, 0.01, 0.1},
            {0.001, 0.01, 0.1},
            {0.001, 0.01, 0.1},
            {0.001, 0.01, 0.1},
            {0.001, 0.02, 0.1}};
    public static final List<String> TEXTS = List.of(
            "easy: two plus two", "hard: prove it", "think: a puzzle", "easy: one more", "hard: an integral",
            "think: a riddle", "easy: a capital", "hard: a chess problem");

    public static OutcomeMatrix matrix() {
        int n = TEXTS.size();
        List<String> ids = new ArrayList<>();
        double[][] s = new double[n][], c = new double[n][], in = new double[n][3], out = new double[n][3];
        for (int q = 0; q < n; q++) {
            ids.add("q" + q);
            s[q] = SCORE[q].clone();
            c[q] = COST[q].clone();
            for (int a = 0; a < 3; a++) {
                in[q][a] = 10 + q;
                out[q][a] = (a + 1) * 10 + q;
            }
        }
        return new OutcomeMatrix(ids, TEXTS, List.of(SMALL, MID, BIG), s, c, in, out);
    }

    /** Recorded outcome lines for the mid arm only: reasoning 100+q tokens, latency 10(q+1) ms. */
    public static Map<String, Map<String, Outcome>> recorded() {
        Map<String, Map<String, Outcome>> m = new HashMap<>();
        for (int q = 0; q < TEXTS.size(); q++) {
            Outcome o = new Outcome("q" + q, "tiny", TEXTS.get(q), "mid", "on", SCORE[q][1], 10 + q, 20 + q, 100 + q,
                    COST[q][1], 10L * (q + 1), "test");
            m.put("q" + q, Map.of(MID.label(), o));
        }
        return m;
    }

    static Decision pick(Arm arm) {
        return new Decision(arm, new Reason.ProfileRule("test", "picked " + arm.label()));
    }

    /** hard → big, think → mid, else small. */
    public static final Router BY_TEXT = q -> pick(q.text().startsWith("hard") ? BIG : q.text().startsWith("think") ? MID : SMALL);

    /** A learned-looking router that honours α: α ≤ 0.1 → big, α ≤ 1 → by text, else small. */
    public static final class AlphaRouter implements Router {
        final Queue<Query> seen = new ConcurrentLinkedQueue<>();

        @Override
        public Decision route(Query query) {
            seen.add(query);
            Double alpha = query.constraints().alpha();
            if (alpha == null) return pick(MID);
            if (alpha <= 0.1) return pick(BIG);
            if (alpha <= 1) return BY_TEXT.route(query);
            return pick(SMALL);
        }

        @Override
        public boolean acceptsConstraints() {
            return true;
        }
    }

    static Evaluation.Contestant contestant(String name, Double alpha, Router router) {
        return new Evaluation.Contestant(name, name, Evaluation.Kind.ROUTER, alpha, i -> router);
    }

    static Evaluation.Summary summary(Evaluation.Result r, String name) {
        return entry(r, name).summary();
    }

    static Evaluation.Entry entry(Evaluation.Result r, String name) {
        return r.entries().stream().filter(e -> e.contestant().name().equals(name)).findFirst().orElseThrow();
    }

    // Single-arm points of the fixture, for random-at-cost.
    static final double SMALL_COST = 0.001, SMALL_Q = 3.0 / 7;
    static final double MID_COST = 0.09 / 8, MID_Q = 5.0 / 8;
    static final double BIG_COST = 0.9 / 8, BIG_Q = 7.0 / 8;

    static final String NO_SMALL_Q3 = "no recorded score and cost for arm small:off";

    // ---------------------------------------------------------------------------------------------------------------
    // Replay
    // ---------------------------------------------------------------------------------------------------------------

    @Test
    void singleArmsAreSummedFromTheTable() {
        Evaluation.Result r = Evaluation.replay("tiny", matrix(), recorded(),
                List.of(Evaluation.Contestant.always(SMALL), Evaluation.Contestant.always(MID), Evaluation.Contestant.always(BIG)));

        assertThat(r.mode()).isEqualTo("replay");
        assertThat(r.items()).extracting(Evaluation.Item::id).containsExactly("q0", "q1", "q2", "q3", "q4", "q5", "q6", "q7");
        assertThat(r.items()).allSatisfy(i -> assertThat(i.example()).isNull());
        assertThat(r.cells()[3][0].status()).isEqualTo(RunResult.Status.FAILED);
        assertThat(r.cells()[3][0].error()).isEqualTo(NO_SMALL_Q3);
        assertThat(r.cells()[3][1]).isEqualTo(new Evaluation.Cell(RunResult.Status.SCORED, 103, 40, null));
        assertThat(r.cells()[0][2]).isEqualTo(new Evaluation.Cell(RunResult.Status.SCORED, 0, 0, null));

        Evaluation.Summary small = summary(r, "always small:off");
        assertThat(small.kind()).isEqualTo(Evaluation.Kind.ARM);
        assertThat(small.group()).isEqualTo("always small:off");
        assertThat(small.alpha()).isNull();
        assertThat(small.questions()).isEqualTo(8);
        assertThat(small.scored()).isEqualTo(7);
        assertThat(small.unparsed()).isZero();
        assertThat(small.failed()).isEqualTo(1);
        assertThat(small.firstError()).isEqualTo(NO_SMALL_Q3);
        assertThat(small.quality()).isCloseTo(SMALL_Q, EPS);
        assertThat(small.meanCost()).isCloseTo(0.001, EPS);
        assertThat(small.totalCost()).isCloseTo(0.007, EPS);
        assertThat(small.armShare()).containsExactly(Map.entry("small:off", 1.0), Map.entry("mid:on", 0.0), Map.entry("big:off", 0.0));
        assertThat(small.strongShare()).isZero();
        assertThat(small.thinkingRate()).isZero();
        assertThat(small.randomAtCost()).isCloseTo(SMALL_Q, EPS);
        assertThat(small.inputTokens().n()).isEqualTo(7);
        assertThat(small.inputTokens().mean()).isCloseTo((10 + 11 + 12 + 14 + 15 + 16 + 17) / 7.0, EPS);
        assertThat(small.reasoningTokens().mean()).isZero();
        assertThat(small.latencyMs()).isEqualTo(Evaluation.Stats.EMPTY); // all 0: not recorded

        Evaluation.Entry smallEntry = entry(r, "always small:off");
        assertThat(smallEntry.choice()).containsExactly(0, 0, 0, -1, 0, 0, 0, 0);
        assertThat(smallEntry.picked()).containsOnly(SMALL);
        assertThat(smallEntry.status()[3]).isEqualTo(RunResult.Status.FAILED);
        assertThat(smallEntry.errors()[3]).isEqualTo(NO_SMALL_Q3);
        assertThat(smallEntry.errors()[0]).isNull();
        assertThat(smallEntry.reasons()[0]).contains("always small:off");
        assertThat(smallEntry.run().skipped()).isEqualTo(1);

        Evaluation.Summary mid = summary(r, "always mid:on");
        assertThat(mid.scored()).isEqualTo(8);
        assertThat(mid.failed()).isZero();
        assertThat(mid.firstError()).isNull();
        assertThat(mid.quality()).isCloseTo(MID_Q, EPS);
        assertThat(mid.meanCost()).isCloseTo(MID_COST, EPS);
        assertThat(mid.totalCost()).isCloseTo(0.09, EPS);
        assertThat(mid.thinkingRate()).isEqualTo(1.0);
        assertThat(mid.strongShare()).isZero();
        assertThat(mid.randomAtCost()).isCloseTo(MID_Q, EPS);
        // Recorded latency and reasoning: 10..80 ms, 100..107 tokens; nearest-rank quantiles.
        assertThat(mid.latencyMs()).isEqualTo(new Evaluation.Stats(8, 45, 10, 40, 80, 80, 80));
        assertThat(mid.reasoningTokens().mean()).isCloseTo(103.5, EPS);
        assertThat(mid.outputTokens().p50()).isEqualTo(23); // out = 20 + q, q = 0..7: 4th smallest
        assertThat(entry(r, "always mid:on").choice()).containsExactly(1, 1, 1, 1, 1, 1, 1, 1);

        Evaluation.Summary big = summary(r, "always big:off");
        assertThat(big.quality()).isCloseTo(BIG_Q, EPS);
        assertThat(big.meanCost()).isCloseTo(BIG_COST, EPS);
        assertThat(big.totalCost()).isCloseTo(0.9, EPS);
        assertThat(big.strongShare()).isEqualTo(1.0);
        assertThat(big.thinkingRate()).isZero();
        assertThat(big.randomAtCost()).isCloseTo(BIG_Q, EPS);

        assertThat(r.failures()).isEqualTo(1);
        assertThat(r.skipped()).isEmpty();
    }

    @Test
    void routersDecideFromTheTextAndFailuresAreSkippedRows() {
        AtomicInteger asked = new AtomicInteger();
        Router throwing = q -> {
            asked.incrementAndGet();
            if (q.text().contains("riddle")) throw new IllegalStateException("boom on riddle");
            return pick(SMALL);
        };
        Router ghostly = q -> pick(q.text().startsWith("hard") ? GHOST : MID);
        // Cross-validation style: the router for item i depends on i (even rows small, odd rows big).
        Router small = q -> pick(SMALL), big = q -> pick(BIG);
        Evaluation.Contestant perFold = new Evaluation.Contestant("per fold", "per fold", Evaluation.Kind.ROUTER, null,
                i -> i % 2 == 0 ? small : big);

        Evaluation.Result r = Evaluation.replay("tiny", matrix(), null, List.of(
                contestant("by text", null, BY_TEXT), contestant("throwing", null, throwing),
                contestant("ghostly", null, ghostly), perFold));

        // by text: small, big, mid, small (no score), big, mid, small, big.
        Evaluation.Entry byText = entry(r, "by text");
        assertThat(byText.picked()).containsExactly(SMALL, BIG, MID, SMALL, BIG, MID, SMALL, BIG);
        assertThat(byText.choice()).containsExactly(0, 2, 1, -1, 2, 1, 0, 2);
        assertThat(byText.reasons()[1]).contains("picked big:off");
        Evaluation.Summary t = byText.summary();
        assertThat(t.failed()).isEqualTo(1);
        assertThat(t.scored()).isEqualTo(7);
        assertThat(t.firstError()).isEqualTo(NO_SMALL_Q3);
        assertThat(t.quality()).isCloseTo(5.0 / 7, EPS);
        double cost = 0.001 + 0.1 + 0.01 + 0.1 + 0.01 + 0.001 + 0.1;
        assertThat(t.totalCost()).isCloseTo(cost, EPS);
        assertThat(t.meanCost()).isCloseTo(cost / 7, EPS);
        assertThat(t.armShare().get("small:off")).isCloseTo(2.0 / 7, EPS);
        assertThat(t.armShare().get("mid:on")).isCloseTo(2.0 / 7, EPS);
        assertThat(t.armShare().get("big:off")).isCloseTo(3.0 / 7, EPS);
        assertThat(t.strongShare()).isCloseTo(3.0 / 7, EPS);
        assertThat(t.thinkingRate()).isCloseTo(2.0 / 7, EPS);
        // Random between the neighbouring single arms mid and big at the same mean cost.
        double mix = (cost / 7 - MID_COST) / (BIG_COST - MID_COST);
        assertThat(t.randomAtCost()).isCloseTo(MID_Q + (BIG_Q - MID_Q) * mix, EPS);
        assertThat(t.latencyMs().n()).isZero(); // no recorded outcomes at all

        // throwing: q3 has no small score, q5 the router threw; neither is scored as wrong.
        Evaluation.Entry th = entry(r, "throwing");
        assertThat(asked).hasValue(8);
        assertThat(th.choice()).containsExactly(0, 0, 0, -1, 0, -1, 0, 0);
        assertThat(th.picked()[5]).isNull();
        assertThat(th.reasons()[5]).isNull();
        assertThat(th.errors()[5]).isEqualTo("router failed: boom on riddle");
        assertThat(th.errors()[3]).isEqualTo(NO_SMALL_Q3);
        assertThat(th.status()[5]).isEqualTo(RunResult.Status.FAILED);
        assertThat(th.summary().failed()).isEqualTo(2);
        assertThat(th.summary().scored()).isEqualTo(6);
        assertThat(th.summary().quality()).isCloseTo(2.0 / 6, EPS);
        assertThat(th.summary().firstError()).isEqualTo(NO_SMALL_Q3); // the first failing row's

        // ghostly: an arm the record lacks is a failed pick, with the recorded arms named.
        Evaluation.Entry gh = entry(r, "ghostly");
        assertThat(gh.choice()).containsExactly(1, -1, 1, 1, -1, 1, 1, -1);
        assertThat(gh.picked()[1]).isEqualTo(GHOST);
        assertThat(gh.errors()[1]).isEqualTo("no answer for arm ghost:off (it is not among the recorded arms [small:off, mid:on, big:off])");
        assertThat(gh.summary().failed()).isEqualTo(3);
        assertThat(gh.summary().quality()).isCloseTo(4.0 / 5, EPS);
        assertThat(gh.summary().thinkingRate()).isEqualTo(1.0);
        assertThat(gh.summary().armShare()).doesNotContainKey("ghost:off");

        Evaluation.Entry pf = entry(r, "per fold");
        assertThat(pf.choice()).containsExactly(0, 2, 0, 2, 0, 2, 0, 2);
        assertThat(pf.summary().quality()).isCloseTo(5.0 / 8, EPS);
        assertThat(pf.summary().strongShare()).isCloseTo(0.5, EPS);

        assertThat(r.failures()).isEqualTo(1 + 2 + 3);
    }

    @Test
    void alphaReachesTheRouterAndARouterWithoutConstraintsIsReportedFailed() {
        AlphaRouter learned = new AlphaRouter();
        AtomicInteger fixedAsked = new AtomicInteger();
        Router fixed = q -> {
            fixedAsked.incrementAndGet();
            return pick(BIG);
        };
        Evaluation.Result r = Evaluation.replay("tiny", matrix(), null, List.of(
                contestant("learned α=0.25", 0.25, learned), contestant("fixed α=0.5", 0.5, fixed),
                contestant("fixed own", null, fixed)));

        assertThat(learned.seen).hasSize(8).allSatisfy(q -> {
            assertThat(q.constraints().alpha()).isEqualTo(0.25);
            assertThat(q.constraints().maxCostUsd()).isNull();
            assertThat(q.constraints().arms()).isNull();
            assertThat(q.promptChars()).isEqualTo(q.text().length());
        });
        assertThat(learned.seen).extracting(Query::text).containsExactlyInAnyOrderElementsOf(TEXTS);
        // α = 0.25 routes by text: the same choices as BY_TEXT.
        assertThat(entry(r, "learned α=0.25").choice()).containsExactly(0, 2, 1, -1, 2, 1, 0, 2);
        assertThat(summary(r, "learned α=0.25").alpha()).isEqualTo(0.25);

        // A router that takes no α, given one: every row failed, nothing evaluated, the router never consulted under α.
        Evaluation.Summary f = summary(r, "fixed α=0.5");
        assertThat(f.failed()).isEqualTo(8);
        assertThat(f.scored()).isZero();
        assertThat(f.firstError()).isEqualTo("router failed: this router takes no per-request α");
        assertThat(f.quality()).isNaN();
        assertThat(f.meanCost()).isNaN();
        assertThat(f.totalCost()).isZero();
        assertThat(f.strongShare()).isNaN();
        assertThat(f.randomAtCost()).isNaN();
        assertThat(entry(r, "fixed α=0.5").choice()).containsOnly(-1);
        assertThat(entry(r, "fixed α=0.5").errors()).containsOnly("router failed: this router takes no per-request α");
        // Without α the same router is evaluated normally (and was asked only then).
        assertThat(fixedAsked).hasValue(8);
        assertThat(summary(r, "fixed own").failed()).isZero();
        assertThat(summary(r, "fixed own").quality()).isCloseTo(BIG_Q, EPS);

        // A learned router with no contestant α sees no constraints at all.
        AlphaRouter own = new AlphaRouter();
        Evaluation.Result r2 = Evaluation.replay("tiny", matrix(), null, List.of(contestant("own", null, own)));
        assertThat(own.seen).hasSize(8).allSatisfy(q -> assertThat(q.constraints()).isEqualTo(Query.Constraints.NONE));
        assertThat(entry(r2, "own").choice()).containsOnly(1);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Live
    // ---------------------------------------------------------------------------------------------------------------

    /** Questions 0..20 of the fake: weak/13 and strong/20 always fail, weak 7 and 17 unreadable, weak i%3==0 wrong. */
    @Nested
    class Live {

        static final int ITEMS = 21;
        static final int MAX_ATTEMPTS = 3;
        static final String DATASET = "gsm8k-fake";
        static final Arm STRONG = new Arm("strong", Thinking.OFF);
        static final Arm WEAK = new Arm("weak", Thinking.OFF);
        static final LiveRunner.Options OPTIONS = new LiveRunner.Options(4, MAX_ATTEMPTS, Duration.ofMillis(2),
                Duration.ofMillis(20), 42, 256, false);
        static final Pattern ID = Pattern.compile("^Q(\\d+):");

        @TempDir
        Path tmp;

        final FakeOpenAiServer server;
        final Map<String, Upstream> upstreams = new LinkedHashMap<>();
        final Scorer scorer = Scorers.get("math");

        Live() throws IOException {
            server = new FakeOpenAiServer();
            // No question here stalls (the fake's stall is at 25), so the first-byte timeout is generous: a cold JVM's
            // first calls can take longer than LiveRunnerTest's 250 ms, and a timed-out call that the server did
            // answer would be asked again and spoil the exact request counts.
            UpstreamSettings settings = new UpstreamSettings(Duration.ofSeconds(2), Duration.ofSeconds(5),
                    Duration.ofSeconds(10), name -> null);
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

        List<Evaluation.Item> items(int n) {
            List<Evaluation.Item> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Example ex = new Example(String.valueOf(i), FakeOpenAiServer.question(i),
                        List.of(String.valueOf(FakeOpenAiServer.a(i) + FakeOpenAiServer.b(i))), Map.of());
                out.add(new Evaluation.Item(ex.id(), ex.question(), ex));
            }
            return out;
        }

        /** Strong for even question numbers, read from the text as a router would. */
        final Router evenStrong = q -> {
            Matcher m = ID.matcher(q.text());
            if (!m.find()) throw new IllegalArgumentException("no question number in " + q.text());
            return pick(Integer.parseInt(m.group(1)) % 2 == 0 ? STRONG : WEAK);
        };

        List<Evaluation.Contestant> contestants() {
            return List.of(Evaluation.Contestant.always(STRONG), Evaluation.Contestant.always(WEAK),
                    contestant("even strong", null, evenStrong));
        }

        Evaluation.Result live(ResponseCache cache, List<Evaluation.Item> items, List<Evaluation.Contestant> who)
                throws InterruptedException {
            return Evaluation.live(DATASET, items, who, new LiveRunner(upstreams, cache, OPTIONS, null), scorer,
                    List.of("data.jsonl:9: no answer"));
        }

        Map<String, Integer> snapshot() {
            Map<String, Integer> m = new HashMap<>();
            server.perKey.forEach((k, v) -> m.put(k, v.get()));
            return m;
        }

        @Test
        void eachChosenPairIsAskedOnceAndFiguresFollowTheFakesRules() throws Exception {
            Evaluation.Result r;
            List<Evaluation.Summary> first;
            try (ResponseCache cache = ResponseCache.open(tmp)) {
                r = live(cache, items(ITEMS), contestants());
                first = r.summaries();
            }
            assertThat(r.mode()).isEqualTo("live");
            assertThat(r.skipped()).containsExactly("data.jsonl:9: no answer");
            assertThat(r.matrix().size()).isEqualTo(ITEMS);
            assertThat(r.matrix().arms()).containsExactly(WEAK, STRONG); // cheapest first

            // Every (question, arm) was asked exactly as often as one run of that pair needs, though two contestants
            // chose each: no duplicate asks; every answered pair answered once.
            int expected = 0;
            for (int i = 0; i < ITEMS; i++) {
                for (Arm arm : List.of(STRONG, WEAK)) {
                    String key = arm.model() + "/" + i;
                    int want = FakeOpenAiServer.expectedRequests(arm.model(), i, MAX_ATTEMPTS);
                    expected += want;
                    assertThat(server.perKey.get(key)).as(key).hasValue(want);
                    if (FakeOpenAiServer.permanentlyFailing(arm.model(), i)) assertThat(server.answered.get(key)).as(key).isNull();
                    else assertThat(server.answered.get(key)).as(key).hasValue(1);
                }
            }
            assertThat(server.requests.get()).isEqualTo(expected);

            // always strong: all right but strong/20 (400, not retried).
            Evaluation.Summary strong = summary(r, "always strong:off");
            assertThat(strong.failed()).isEqualTo(1);
            assertThat(strong.scored()).isEqualTo(20);
            assertThat(strong.unparsed()).isZero();
            assertThat(strong.quality()).isEqualTo(1.0);
            assertThat(strong.strongShare()).isEqualTo(1.0);
            assertThat(strong.firstError()).startsWith("HTTP_ERROR 400");
            assertThat(entry(r, "always strong:off").errors()[20]).startsWith("HTTP_ERROR 400");
            assertThat(entry(r, "always strong:off").choice()[20]).isEqualTo(-1);

            // always weak: 13 failed (500 after retries), 7 and 17 unreadable (0, counted apart), i%3==0 wrong.
            Evaluation.Summary weak = summary(r, "always weak:off");
            assertThat(weak.failed()).isEqualTo(1);
            assertThat(weak.unparsed()).isEqualTo(2);
            assertThat(weak.scored()).isEqualTo(18);
            assertThat(weak.quality()).isCloseTo(11.0 / 20, EPS); // 20 answered − 7 wrong − 2 unparsed
            assertThat(weak.strongShare()).isZero();
            assertThat(weak.firstError()).startsWith("HTTP_ERROR 500");
            Evaluation.Entry weakEntry = entry(r, "always weak:off");
            assertThat(weakEntry.errors()[13]).startsWith("HTTP_ERROR 500");
            assertThat(weakEntry.status()[7]).isEqualTo(RunResult.Status.UNPARSED);
            assertThat(weakEntry.status()[17]).isEqualTo(RunResult.Status.UNPARSED);
            assertThat(weakEntry.status()[3]).isEqualTo(RunResult.Status.SCORED);

            // even strong: strong on 0,2..20 (20 fails: 10 right), weak on 1,3..19 (13 fails; 3,9,15 wrong; 7,17 unread).
            Evaluation.Summary even = summary(r, "even strong");
            assertThat(even.failed()).isEqualTo(2);
            assertThat(even.unparsed()).isEqualTo(2);
            assertThat(even.scored()).isEqualTo(17);
            assertThat(even.quality()).isCloseTo(14.0 / 19, EPS);
            assertThat(even.strongShare()).isCloseTo(10.0 / 19, EPS);
            Evaluation.Entry evenEntry = entry(r, "even strong");
            assertThat(evenEntry.errors()[13]).startsWith("HTTP_ERROR 500");
            assertThat(evenEntry.errors()[20]).startsWith("HTTP_ERROR 400");
            for (int i = 0; i < ITEMS; i++) {
                int want = i == 13 || i == 20 ? -1 : i % 2 == 0 ? 1 : 0;
                assertThat(evenEntry.choice()[i]).as("row %d", i).isEqualTo(want);
            }
            // Its cost is the sum of the chosen cells, which are the same cells the single arms answered.
            double total = 0;
            for (int i = 0; i < ITEMS; i++) if (evenEntry.choice()[i] >= 0) total += r.matrix().cost(i, evenEntry.choice()[i]);
            assertThat(even.totalCost()).isCloseTo(total, EPS);
            assertThat(even.meanCost()).isCloseTo(total / 19, EPS);
            assertThat(even.latencyMs().n()).isEqualTo(19);
            assertThat(even.inputTokens().n()).isEqualTo(19);

            assertThat(r.cells()[13][0].status()).isEqualTo(RunResult.Status.FAILED);
            assertThat(r.cells()[7][0].status()).isEqualTo(RunResult.Status.UNPARSED);
            assertThat(r.failures()).isEqualTo(1 + 1 + 1 + 2);

            // Resume: a second run over the same cache asks nothing and gives the same figures.
            int before = server.requests.get();
            Map<String, Integer> counts = snapshot();
            try (ResponseCache cache = ResponseCache.open(tmp)) {
                Evaluation.Result again = live(cache, items(ITEMS), contestants());
                assertThat(server.requests.get()).isEqualTo(before);
                assertThat(snapshot()).isEqualTo(counts);
                assertThat(again.summaries()).isEqualTo(first);
                for (int c = 0; c < 3; c++) {
                    assertThat(again.entries().get(c).choice()).containsExactly(r.entries().get(c).choice());
                    assertThat(again.entries().get(c).errors()).containsExactly(r.entries().get(c).errors());
                }
            }
        }

        @Test
        void onlyThePairsRoutersChoseAreAsked() throws Exception {
            try (ResponseCache cache = ResponseCache.open(tmp)) {
                Evaluation.Result r = live(cache, items(12), List.of(contestant("even strong", null, evenStrong),
                        contestant("even strong again", null, evenStrong)));
                for (int i = 0; i < 12; i++) {
                    String chosen = (i % 2 == 0 ? "strong/" : "weak/") + i, other = (i % 2 == 0 ? "weak/" : "strong/") + i;
                    assertThat(server.answered.get(chosen)).as(chosen).hasValue(1);
                    assertThat(server.perKey.get(other)).as(other).isNull();
                }
                assertThat(r.summaries().get(0).quality()).isCloseTo(r.summaries().get(1).quality(), EPS);
                // Only answered cells exist: the other arm's cell of each row is empty.
                assertThat(r.cells()[0][0]).isNull(); // weak, row 0: nobody chose it
                assertThat(r.matrix().score(0, 0)).isNaN();
            }
        }

        @Test
        void aDuplicateExampleIdIsRefused() {
            List<Evaluation.Item> items = new ArrayList<>(items(3));
            items.add(items.get(1));
            try (ResponseCache cache = ResponseCache.open(tmp)) {
                assertThatThrownBy(() -> live(cache, items, contestants()))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("example id 1 appears twice");
            }
        }

        @Test
        void aDuplicateExampleIdIsRefusedBeforeAnyCall() {
            List<Evaluation.Item> items = new ArrayList<>(items(3));
            items.add(items.get(1));
            try (ResponseCache cache = ResponseCache.open(tmp)) {
                assertThatThrownBy(() -> live(cache, items, contestants()))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("appears twice");
            }
            assertThat(server.requests.get()).isZero();
        }

        @Test
        void anArmWhoseEveryCallFailedIsNotTakenForTheDearest() throws Exception {
            // weak is asked only for question 13, which always fails; strong answers 0..12.
            Router weakOn13 = q -> pick(q.text().startsWith("Q13:") ? WEAK : STRONG);
            try (ResponseCache cache = ResponseCache.open(tmp)) {
                Evaluation.Result r = live(cache, items(14), List.of(Evaluation.Contestant.always(STRONG),
                        contestant("weak on 13", null, weakOn13)));
                assertThat(summary(r, "weak on 13").failed()).isEqualTo(1);
                assertThat(r.matrix().arms().getLast()).isEqualTo(STRONG);
                assertThat(summary(r, "always strong:off").strongShare()).isEqualTo(1.0);
            }
        }

        @Test
        void anItemWithoutAnExampleIsRefused() {
            List<Evaluation.Item> items = new ArrayList<>(items(2));
            items.add(new Evaluation.Item("x", "Q5: no example", null));
            try (ResponseCache cache = ResponseCache.open(tmp)) {
                assertThatThrownBy(() -> live(cache, items, contestants()))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("item x has no example");
            }
            assertThat(server.requests.get()).isZero();
        }
    }
}
