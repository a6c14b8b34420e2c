package dev.thinkroute.eval.run;

import dev.thinkroute.core.Arm;
import dev.thinkroute.core.Decision;
import dev.thinkroute.core.Outcome;
import dev.thinkroute.core.Reason;
import dev.thinkroute.core.Usage;
import dev.thinkroute.core.ModelCard;
import dev.thinkroute.core.metric.Baselines;
import dev.thinkroute.core.metric.Frontier;
import dev.thinkroute.core.metric.OutcomeMatrix;
import dev.thinkroute.core.metric.RouterRun;
import dev.thinkroute.core.route.Query;
import dev.thinkroute.core.route.Router;
import dev.thinkroute.eval.dataset.Example;
import dev.thinkroute.core.score.QaScorer;
import dev.thinkroute.core.score.Scorer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * Runs routers over a set of questions the way they serve: each contestant's {@link Router} decides every question
 * from its text (through {@link Router#route}, the gateway's own call), and the chosen arm's answer is looked up
 * ({@link #replay replay}, from recorded outcomes) or asked ({@link #live live}, through the upstream clients, each
 * (question, arm) pair once however many contestants chose it, resumable through the {@link ResponseCache}).
 *
 * <p>All figures come from the {@code core.metric} math over one {@link OutcomeMatrix} of the answers: a contestant
 * is a choice per row, summed by {@link RouterRun#of}. A failed call, an arm the record lacks or a router that threw
 * is a skipped row, counted in {@link Summary#failed()} and never scored as wrong; an answer the scorer could not read
 * is judged wrong but counted apart in {@link Summary#unparsed()}.
 */
public final class Evaluation {

    private Evaluation() {
    }

    /**
     * One question.
     *
     * @param id      stable id (the outcome log's {@code query_id}, the dataset's example id)
     * @param text    what routers see and models are asked
     * @param example the benchmark example with its gold answers, for live runs; {@code null} in replay
     */
    public record Item(String id, String text, Example example) {
        public Item {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(text, "text");
        }
    }

    /** What a contestant is, for reports. */
    public enum Kind {
        /** Always one arm. */
        ARM,
        /** A learned router at one α. */
        ROUTER,
        /** A gateway profile (a rule, a fixed arm, a router at its own α). */
        PROFILE,
        /** A multi-round profile (the Router-R1 loop): its own answers, not a choice among the single arms. */
        MULTI_ROUND
    }

    /**
     * A way of choosing arms.
     *
     * @param name      unique in the evaluation, e.g. {@code knn α=0.1}
     * @param group     contestants sharing a group are one router swept over α: its frontier
     * @param alpha     sent as the per-request α ({@code routing.alpha}); {@code null}: the router's own
     * @param routerFor the router that decides item {@code i} (under cross-validation, the fold's that did not see it)
     */
    public record Contestant(String name, String group, Kind kind, Double alpha, IntFunction<Router> routerFor) {
        public Contestant {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(routerFor, "routerFor");
        }

        /** Always {@code arm}. */
        public static Contestant always(Arm arm) {
            Router fixed = q -> new Decision(arm, new Reason.ProfileRule("always " + arm.label(), "a single-arm baseline"));
            return new Contestant("always " + arm.label(), "always " + arm.label(), Kind.ARM, null, i -> fixed);
        }
    }

    /**
     * How one (question, arm) pair went, beyond its score and cost.
     *
     * @param em exact match of the answer with any gold, for QA sets asked live; NaN otherwise
     * @param f1 token F1 of the answer against the best gold, for QA sets asked live; NaN otherwise
     */
    public record Cell(RunResult.Status status, long reasoningTokens, long latencyMs, String error, double em, double f1) {
        public Cell(RunResult.Status status, long reasoningTokens, long latencyMs, String error) {
            this(status, reasoningTokens, latencyMs, error, Double.NaN, Double.NaN);
        }
    }

    /** Distribution of one quantity over a contestant's answered questions. */
    public record Stats(int n, double mean, double p10, double p50, double p90, double p99, double max) {
        static final Stats EMPTY = new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

        static Stats of(double[] values) {
            if (values.length == 0) return EMPTY;
            double[] v = values.clone();
            Arrays.sort(v);
            double sum = 0;
            for (double d : v) sum += d;
            return new Stats(v.length, sum / v.length, quantile(v, 0.10), quantile(v, 0.50), quantile(v, 0.90),
                    quantile(v, 0.99), v[v.length - 1]);
        }

        /** Nearest rank: the smallest value with at least {@code p} of the values at or below it. */
        private static double quantile(double[] sorted, double p) {
            int rank = (int) Math.ceil(p * sorted.length);
            return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
        }
    }

    /**
     * One contestant's figures.
     *
     * @param questions     items evaluated
     * @param scored        answered and read
     * @param unparsed      answered, no answer could be read (judged wrong, counted apart)
     * @param failed        no answer: the call failed, the record lacks the arm, or the router threw
     * @param quality       mean score over the answered questions ({@link RouterRun#accuracy()})
     * @param em            mean exact match over the answered questions, for QA sets asked live; NaN otherwise
     * @param f1            mean token F1 over the answered questions, for QA sets asked live; NaN otherwise
     * @param meanCost      mean USD per answered question
     * @param totalCost     USD over all answered questions
     * @param armShare      share of answered questions per arm label, arms in the evaluation's order (cheapest first)
     * @param strongShare   share sent to the dearest arm
     * @param thinkingRate  share sent to arms that think
     * @param randomAtCost  what random routing between the single arms reaches at the same mean cost (NaN outside)
     * @param firstError    one failure's message, for the table
     */
    public record Summary(String name, String group, Kind kind, Double alpha, int questions, int scored, int unparsed,
                          int failed, double quality, double em, double f1, double meanCost, double totalCost, Map<String, Double> armShare,
                          double strongShare, double thinkingRate, double randomAtCost, Stats inputTokens,
                          Stats outputTokens, Stats reasoningTokens, Stats latencyMs, String firstError) {
    }

    /** One contestant's decisions and their summary. */
    public record Entry(Contestant contestant, int[] choice, Arm[] picked, String[] reasons, RunResult.Status[] status,
                        String[] errors, RouterRun run, Summary summary) {
    }

    /**
     * The whole evaluation.
     *
     * @param matrix  the answers: rows are the items in order, arms cheapest first
     * @param cells   per row and arm, how the pair went ({@code null} where nobody asked)
     * @param skipped dataset rows left out before the run (no question or no answer), {@code file:line: why}
     * @param multiRound the multi-round contestants, after the single-round ones
     */
    public record Result(String dataset, String mode, List<Item> items, OutcomeMatrix matrix, Cell[][] cells,
                         List<Entry> entries, List<String> skipped, List<MultiRoundEntry> multiRound) {

        public Result(String dataset, String mode, List<Item> items, OutcomeMatrix matrix, Cell[][] cells, List<Entry> entries,
                      List<String> skipped) {
            this(dataset, mode, items, matrix, cells, entries, skipped, List.of());
        }

        public Result {
            multiRound = List.copyOf(multiRound);
        }

        /** Failures of any kind: skipped rows and failed picks. */
        public int failures() {
            return skipped.size() + summaries().stream().mapToInt(Summary::failed).sum();
        }

        /** Every contestant's summary: single-round ones first, then the multi-round ones. */
        public List<Summary> summaries() {
            List<Summary> all = new ArrayList<>(entries.stream().map(Entry::summary).toList());
            multiRound.forEach(m -> all.add(m.summary()));
            return all;
        }

        /**
         * This result with a multi-round contestant's answers added, summarised against the same single arms:
         * its arm shares are the shares of the sub-questions (and fallbacks) each arm answered.
         */
        public Result withMultiRound(String name, String group, List<MultiRoundRun.Answer> answers) {
            List<MultiRoundEntry> more = new ArrayList<>(multiRound);
            more.add(MultiRoundEntry.of(name, group, answers, this));
            return new Result(dataset, mode, items, matrix, cells, entries, skipped, more);
        }
    }

    /**
     * A multi-round contestant: each question's loop, and the figures the single-round table shows.
     *
     * @param meanSubQuestions candidates asked per answered question
     * @param meanSizeWeighted the paper's cost per answered question (asked models' output tokens × billions of parameters)
     * @param stops            how the loops ended ({@code answer}, {@code round-limit}, {@code budget}, {@code fallback}), counted
     */
    public record MultiRoundEntry(String name, String group, List<MultiRoundRun.Answer> answers, Summary summary,
                                  double meanSubQuestions, double meanSizeWeighted, Map<String, Integer> stops) {

        static MultiRoundEntry of(String name, String group, List<MultiRoundRun.Answer> answers, Result base) {
            OutcomeMatrix m = base.matrix();
            int scored = 0, unparsed = 0, failed = 0;
            double quality = 0, em = 0, f1 = 0, cost = 0, subQuestions = 0, sizeWeighted = 0;
            String firstError = null;
            Map<String, Integer> stops = new LinkedHashMap<>();
            Map<String, Double> calls = new LinkedHashMap<>();
            m.arms().forEach(a -> calls.put(a.label(), 0.0));
            double thinking = 0, strong = 0, asked = 0;
            String strongLabel = m.armCount() == 0 ? null : m.arms().get(m.armCount() - 1).label();
            List<Double> in = new ArrayList<>(), out = new ArrayList<>(), reasoning = new ArrayList<>(), latency = new ArrayList<>();
            for (MultiRoundRun.Answer a : answers) {
                if (a.failed()) {
                    failed++;
                    if (firstError == null) firstError = a.error();
                    continue;
                }
                if (a.score().parsed()) scored++;
                else unparsed++;
                quality += a.score().value();
                em += a.em();
                f1 += a.f1();
                cost += a.result().totalCost();
                subQuestions += a.result().subQuestions();
                sizeWeighted += a.result().totalSizeWeighted();
                stops.merge(a.result().stop(), 1, Integer::sum);
                long inTok = 0, outTok = 0, reasonTok = 0;
                for (dev.thinkroute.agent.Orchestrator.Round r : a.result().calls()) {
                    inTok += r.usage().inputTokens();
                    outTok += r.usage().outputTokens();
                    reasonTok += r.usage().reasoningTokens();
                    if (r.role().equals("policy") || r.error() != null) continue;
                    calls.merge(r.arm().label(), 1.0, Double::sum);
                    asked++;
                    if (r.arm().thinking().thinks()) thinking++;
                    if (r.arm().label().equals(strongLabel)) strong++;
                }
                in.add((double) inTok);
                out.add((double) outTok);
                reasoning.add((double) reasonTok);
                latency.add((double) a.latencyMs());
            }
            int counted = scored + unparsed;
            double askedAll = asked;
            calls.replaceAll((k, v) -> askedAll == 0 ? Double.NaN : v / askedAll);
            List<Frontier.Point> singles = new ArrayList<>();
            for (int i = 0; i < m.armCount(); i++) {
                RouterRun single = Baselines.singleArm(m, i);
                if (single.counted() > 0) singles.add(single.point(m.arms().get(i).label()));
            }
            double meanCost = counted == 0 ? Double.NaN : cost / counted;
            Summary summary = new Summary(name, group, Kind.MULTI_ROUND, null, answers.size(), scored, unparsed, failed,
                    counted == 0 ? Double.NaN : quality / counted, counted == 0 ? Double.NaN : em / counted,
                    counted == 0 ? Double.NaN : f1 / counted, meanCost, cost, calls,
                    asked == 0 ? Double.NaN : strong / asked, asked == 0 ? Double.NaN : thinking / asked,
                    singles.isEmpty() || counted == 0 ? Double.NaN : Baselines.randomAtCost(singles, meanCost),
                    Stats.of(unbox(in)), Stats.of(unbox(out)), Stats.of(unbox(reasoning)), Stats.of(unbox(latency)), firstError);
            return new MultiRoundEntry(name, group, List.copyOf(answers), summary, counted == 0 ? Double.NaN : subQuestions / counted,
                    counted == 0 ? Double.NaN : sizeWeighted / counted, stops);
        }
    }

    /** Decisions of every contestant on every item, made once, before any answer is looked up or asked. */
    private record Decisions(Arm[][] arm, String[][] reason, String[][] error) {
    }

    private static Decisions decide(List<Item> items, List<Contestant> contestants) {
        int k = contestants.size(), n = items.size();
        Arm[][] arm = new Arm[k][n];
        String[][] reason = new String[k][n];
        String[][] error = new String[k][n];
        for (int c = 0; c < k; c++) {
            Contestant who = contestants.get(c);
            Query.Constraints limits = who.alpha() == null ? Query.Constraints.NONE : new Query.Constraints(who.alpha(), null, null);
            int cc = c;
            // Routers are pure and thread-safe (the gateway calls them from every request thread): decide rows in parallel.
            IntStream.range(0, n).parallel().forEach(i -> {
                Item item = items.get(i);
                try {
                    Router router = who.routerFor().apply(i);
                    if (who.alpha() != null && !router.acceptsConstraints()) {
                        throw new IllegalArgumentException("this router takes no per-request α");
                    }
                    Decision d = router.route(new Query(item.text(), item.text().length(), limits));
                    arm[cc][i] = d.arm();
                    reason[cc][i] = d.reason().toString();
                } catch (RuntimeException e) {
                    error[cc][i] = "router failed: " + e.getMessage();
                }
            });
        }
        return new Decisions(arm, reason, error);
    }

    /**
     * Replays recorded outcomes: {@code matrix} holds the items' scores and costs per arm, {@code recorded} (optional)
     * the outcome lines for latency and reasoning tokens, keyed by query id then arm label.
     */
    public static Result replay(String dataset, OutcomeMatrix matrix, Map<String, Map<String, Outcome>> recorded,
                                List<Contestant> contestants) {
        List<Item> items = new ArrayList<>(matrix.size());
        for (int q = 0; q < matrix.size(); q++) items.add(new Item(matrix.queryIds().get(q), matrix.queries().get(q), null));
        Cell[][] cells = new Cell[matrix.size()][matrix.armCount()];
        for (int q = 0; q < matrix.size(); q++) {
            Map<String, Outcome> byArm = recorded == null ? Map.of() : recorded.getOrDefault(matrix.queryIds().get(q), Map.of());
            for (int a = 0; a < matrix.armCount(); a++) {
                Outcome o = byArm.get(matrix.arms().get(a).label());
                boolean known = !Double.isNaN(matrix.score(q, a)) && !Double.isNaN(matrix.cost(q, a));
                cells[q][a] = known
                        ? new Cell(RunResult.Status.SCORED, o == null ? 0 : o.reasoningTokens(), o == null ? 0 : o.latencyMs(), null)
                        : new Cell(RunResult.Status.FAILED, 0, 0, "no recorded score and cost for arm " + matrix.arms().get(a).label());
            }
        }
        Decisions d = decide(items, contestants);
        return assemble(dataset, "replay", items, matrix, cells, contestants, d, List.of());
    }

    /**
     * Asks live upstreams: every contestant decides every item first; then the distinct (item, arm) pairs chosen are
     * run through {@code runner} (cached answers are not asked again) and scored with {@code scorer}.
     *
     * @param skipped dataset rows left out while loading, reported with the result
     */
    public static Result live(String dataset, List<Item> items, List<Contestant> contestants, LiveRunner runner,
                              Scorer scorer, List<String> skipped) throws InterruptedException {
        // Checked before anything is asked: a bad item list must not cost a single call.
        Map<String, Integer> row = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            Item item = items.get(i);
            if (item.example() == null) throw new IllegalArgumentException("item " + item.id() + " has no example to score against");
            if (!item.id().equals(item.example().id())) {
                throw new IllegalArgumentException("item " + item.id() + " carries example " + item.example().id() + "; live items are keyed by example id");
            }
            if (row.put(item.id(), i) != null) throw new IllegalArgumentException("example id " + item.id() + " appears twice");
        }
        Decisions d = decide(items, contestants);
        List<LiveRunner.Pair> pairs = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < items.size(); i++) {
            for (int c = 0; c < contestants.size(); c++) {
                Arm arm = d.arm()[c][i];
                if (arm != null && seen.add(i + "\u0000" + arm.label())) pairs.add(new LiveRunner.Pair(items.get(i).example(), arm));
            }
        }
        RunResult run = runner.run(dataset, scorer, pairs);
        // Outcomes item-major, so the matrix's rows are the items in order; failed calls become cells without a score.
        List<Outcome> outcomes = new ArrayList<>();
        Map<String, RunResult.Entry> byPair = new HashMap<>();
        for (RunResult.Entry e : run.entries()) byPair.put(e.exampleId() + "\u0000" + e.arm().label(), e);
        for (int i = 0; i < items.size(); i++) {
            Item item = items.get(i);
            for (RunResult.Entry e : entriesOf(item, byPair, d, contestants.size(), i)) {
                outcomes.add(new Outcome(item.id(), dataset, item.text(), e.arm().model(), e.arm().thinking().label(),
                        e.failed() ? null : e.score().value(), e.usage().inputTokens(), e.usage().outputTokens(),
                        e.usage().reasoningTokens(), e.failed() ? Double.NaN : e.costUsd(), e.latencyMs(), RunResult.SOURCE));
            }
        }
        OutcomeMatrix answered = OutcomeMatrix.of(outcomes);
        OutcomeMatrix matrix = allRows(answered, items, byExpectedCost(answered, runner));
        Cell[][] cells = new Cell[matrix.size()][matrix.armCount()];
        // QA answers get exact match and token F1 whatever the dataset's own scorer, as QA papers report both.
        boolean qa = scorer instanceof QaScorer;
        for (RunResult.Entry e : run.entries()) {
            int q = row.get(e.exampleId());
            int a = matrix.arms().indexOf(e.arm());
            double[] emF1 = qa && !e.failed() ? emAndF1(e.content(), items.get(q).example().gold()) : new double[]{Double.NaN, Double.NaN};
            cells[q][a] = new Cell(e.status(), e.usage().reasoningTokens(), e.latencyMs(), e.error(), emF1[0], emF1[1]);
        }
        return assemble(dataset, "live", items, matrix, cells, contestants, d, skipped);
    }

    /** Exact match and token F1 of a QA answer ({@code null}: no answer, 0 and 0). */
    static double[] emAndF1(String answer, List<String> gold) {
        if (answer == null) return new double[]{0, 0};
        return new double[]{QaScorer.exactMatch().score(answer, gold).value(), QaScorer.f1().score(answer, gold).value()};
    }

    /**
     * The arms cheapest first, as the metrics expect (the last is "strong"). An arm whose every call failed has no
     * measured cost; it is placed by what its card would charge for the mean answered prompt and answer, rather
     * than sorted last as if it were the dearest.
     */
    private static List<Arm> byExpectedCost(OutcomeMatrix m, LiveRunner runner) {
        double in = 0, out = 0;
        int n = 0;
        for (int q = 0; q < m.size(); q++) {
            for (int a = 0; a < m.armCount(); a++) {
                if (Double.isNaN(m.cost(q, a)) || Double.isNaN(m.inputTokens(q, a)) || Double.isNaN(m.outputTokens(q, a))) continue;
                in += m.inputTokens(q, a);
                out += m.outputTokens(q, a);
                n++;
            }
        }
        double meanIn = n == 0 ? 0 : in / n, meanOut = n == 0 ? 0 : out / n;
        Map<Arm, Double> key = new HashMap<>();
        for (int a = 0; a < m.armCount(); a++) {
            Arm arm = m.arms().get(a);
            double measured = m.meanCost(a);
            ModelCard card = runner.card(arm.model());
            double expected = card == null ? Double.POSITIVE_INFINITY
                    : card.cost(new Usage(Math.round(meanIn), Math.round(meanOut), 0, true));
            key.put(arm, Double.isNaN(measured) ? expected : measured);
        }
        List<Arm> arms = new ArrayList<>(m.arms());
        arms.sort(java.util.Comparator.<Arm>comparingDouble(key::get).thenComparing(Arm::label));
        return arms;
    }

    /**
     * {@code m} with one row per item in item order (an item no router chose an arm for keeps an empty row) and its
     * columns in {@code arms} order.
     */
    private static OutcomeMatrix allRows(OutcomeMatrix m, List<Item> items, List<Arm> arms) {
        Map<String, Integer> rowOf = new HashMap<>();
        for (int q = 0; q < m.size(); q++) rowOf.put(m.queryIds().get(q), q);
        int n = items.size(), k = arms.size();
        double[][] s = new double[n][k], c = new double[n][k], in = new double[n][k], out = new double[n][k];
        for (int i = 0; i < n; i++) {
            Integer q = rowOf.get(items.get(i).id());
            for (int j = 0; j < k; j++) {
                int a = m.armIndex(arms.get(j));
                s[i][j] = q == null ? Double.NaN : m.score(q, a);
                c[i][j] = q == null ? Double.NaN : m.cost(q, a);
                in[i][j] = q == null ? Double.NaN : m.inputTokens(q, a);
                out[i][j] = q == null ? Double.NaN : m.outputTokens(q, a);
            }
        }
        return new OutcomeMatrix(items.stream().map(Item::id).toList(), items.stream().map(Item::text).toList(), arms, s, c, in, out);
    }

    private static List<RunResult.Entry> entriesOf(Item item, Map<String, RunResult.Entry> byPair, Decisions d,
                                                   int contestants, int i) {
        Map<String, RunResult.Entry> mine = new LinkedHashMap<>();
        for (int c = 0; c < contestants; c++) {
            Arm arm = d.arm()[c][i];
            if (arm == null) continue;
            RunResult.Entry e = byPair.get(item.example().id() + "\u0000" + arm.label());
            if (e != null) mine.putIfAbsent(arm.label(), e);
        }
        return List.copyOf(mine.values());
    }

    private static Result assemble(String dataset, String mode, List<Item> items, OutcomeMatrix matrix, Cell[][] cells,
                                   List<Contestant> contestants, Decisions d, List<String> skipped) {
        List<Frontier.Point> singles = new ArrayList<>();
        for (int a = 0; a < matrix.armCount(); a++) {
            RouterRun s = Baselines.singleArm(matrix, a);
            if (s.counted() > 0) singles.add(s.point(matrix.arms().get(a).label()));
        }
        List<Entry> entries = new ArrayList<>();
        for (int c = 0; c < contestants.size(); c++) {
            Contestant who = contestants.get(c);
            int n = items.size();
            int[] choice = new int[n];
            RunResult.Status[] status = new RunResult.Status[n];
            String[] errors = new String[n];
            int scored = 0, unparsed = 0, failed = 0;
            String firstError = null;
            List<Double> in = new ArrayList<>(), out = new ArrayList<>(), reasoning = new ArrayList<>(), latency = new ArrayList<>();
            double emSum = 0, f1Sum = 0;
            int qaCount = 0;
            for (int i = 0; i < n; i++) {
                Arm arm = d.arm()[c][i];
                int a = arm == null ? -1 : matrix.arms().indexOf(arm);
                String error = d.error()[c][i];
                if (arm != null && a < 0) error = "no answer for arm " + arm.label() + " (it is not among the recorded arms " + labels(matrix) + ")";
                Cell cell = a < 0 ? null : cells[i][a];
                if (a >= 0 && (cell == null || cell.status() == RunResult.Status.FAILED)) {
                    error = cell == null ? "no answer for arm " + arm.label() : cell.error();
                    a = -1;
                }
                choice[i] = a;
                errors[i] = error;
                if (a < 0) {
                    status[i] = RunResult.Status.FAILED;
                    failed++;
                    if (firstError == null) firstError = error;
                    continue;
                }
                status[i] = cell.status();
                if (cell.status() == RunResult.Status.UNPARSED) unparsed++;
                else scored++;
                if (!Double.isNaN(matrix.inputTokens(i, a))) in.add(matrix.inputTokens(i, a));
                if (!Double.isNaN(matrix.outputTokens(i, a))) out.add(matrix.outputTokens(i, a));
                reasoning.add((double) cell.reasoningTokens());
                latency.add((double) cell.latencyMs());
                if (!Double.isNaN(cell.f1())) {
                    emSum += cell.em();
                    f1Sum += cell.f1();
                    qaCount++;
                }
            }
            RouterRun run = RouterRun.of(matrix, choice);
            Map<String, Double> share = new LinkedHashMap<>();
            for (int a = 0; a < matrix.armCount(); a++) share.put(matrix.arms().get(a).label(), run.armShare().get(a));
            boolean latencyRecorded = latency.stream().anyMatch(v -> v > 0);
            Summary summary = new Summary(who.name(), who.group(), who.kind(), who.alpha(), n, scored, unparsed, failed,
                    run.accuracy(), qaCount == 0 ? Double.NaN : emSum / qaCount, qaCount == 0 ? Double.NaN : f1Sum / qaCount, run.meanCost(), run.counted() == 0 ? 0 : run.meanCost() * run.counted(), share,
                    run.strongShare(), run.thinkingShare(), Baselines.randomAtCost(singles, run.meanCost()),
                    Stats.of(unbox(in)), Stats.of(unbox(out)), Stats.of(unbox(reasoning)),
                    latencyRecorded ? Stats.of(unbox(latency)) : Stats.EMPTY, firstError);
            entries.add(new Entry(who, choice, d.arm()[c], d.reason()[c], status, errors, run, summary));
        }
        return new Result(dataset, mode, List.copyOf(items), matrix, cells, List.copyOf(entries), List.copyOf(skipped));
    }

    private static String labels(OutcomeMatrix m) {
        return m.arms().stream().map(Arm::label).toList().toString();
    }

    private static double[] unbox(List<Double> values) {
        double[] v = new double[values.size()];
        for (int i = 0; i < v.length; i++) v[i] = values.get(i);
        return v;
    }
}
