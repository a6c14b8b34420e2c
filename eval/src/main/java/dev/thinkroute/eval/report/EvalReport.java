package dev.thinkroute.eval.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.thinkroute.agent.Orchestrator;
import dev.thinkroute.core.Arm;
import dev.thinkroute.core.metric.OutcomeMatrix;
import dev.thinkroute.eval.run.Evaluation;
import dev.thinkroute.eval.run.MultiRoundRun;
import dev.thinkroute.learn.report.RouterComparison;
import dev.thinkroute.learn.train.AlphaSweep;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The figures of one {@link Evaluation}: every contestant's summary, and the comparison view (single arms, oracle,
 * random, and each router's frontier with APGR, CPT and AIQ from {@code RouterComparison.summarise}, the same math as
 * {@code thinkroute compare}). Written as JSON, CSV and (through {@link HtmlReport}) a self-contained page.
 *
 * @param protocol    how the questions were held out from the routers' training, or what was asked
 * @param contestants every contestant, in evaluation order
 * @param shown       the contestants tables and per-contestant charts show: sweeps are drawn as frontiers and
 *                    represented here by their peak
 * @param multiRound  the multi-round contestants' own figures (sub-questions, the paper's cost, how loops ended)
 */
public record EvalReport(String dataset, String mode, String protocol, int questions, List<String> skipped,
                         RouterComparison.Result comparison, List<Evaluation.Summary> contestants,
                         List<Evaluation.Summary> shown, List<MultiRound> multiRound) {

    /**
     * @param sweepGroups groups whose members are one router's α sweep: left out of {@link #shown()}
     */
    public static EvalReport of(Evaluation.Result r, String protocol, Set<String> sweepGroups) {
        OutcomeMatrix m = r.matrix();
        RouterComparison.Baseline base = RouterComparison.baseline(m);
        // Routers and profiles as frontiers: one per group, its members' (cost, quality) points in α order.
        Map<String, List<Evaluation.Entry>> groups = new LinkedHashMap<>();
        for (Evaluation.Entry e : r.entries()) {
            if (e.contestant().kind() == Evaluation.Kind.ARM) continue;
            groups.computeIfAbsent(e.contestant().group(), g -> new ArrayList<>()).add(e);
        }
        List<RouterComparison.RouterResult> routers = new ArrayList<>();
        for (Map.Entry<String, List<Evaluation.Entry>> g : groups.entrySet()) {
            List<AlphaSweep.Point> sweep = new ArrayList<>();
            for (Evaluation.Entry e : g.getValue()) {
                double[] share = new double[m.armCount()];
                for (int a = 0; a < share.length; a++) share[a] = e.run().armShare().get(a);
                Double alpha = e.contestant().alpha();
                sweep.add(new AlphaSweep.Point(alpha == null ? Double.NaN : alpha, e.run().accuracy(), e.run().meanCost(), share));
            }
            if (sweep.stream().anyMatch(p -> Double.isNaN(p.quality()) || Double.isNaN(p.meanCost()))) continue;
            routers.add(RouterComparison.summarise(g.getKey(), sweep, base.gap(), base.cMin(), base.cMax(), base.aiqOracle(),
                    base.bestSingle(), null, null, 0));
        }
        // A multi-round profile is one point on the same plane: its quality and its cost, every call counted.
        for (Evaluation.MultiRoundEntry e : r.multiRound()) {
            Evaluation.Summary s = e.summary();
            if (Double.isNaN(s.quality()) || Double.isNaN(s.meanCost())) continue;
            // Its shares are the sub-questions' (and fallbacks') per arm, so its share chart says who it asked.
            double[] share = new double[m.armCount()];
            for (int a = 0; a < share.length; a++) {
                Double v = s.armShare().get(m.arms().get(a).label());
                share[a] = v == null || Double.isNaN(v) ? 0 : v;
            }
            List<AlphaSweep.Point> point = List.of(new AlphaSweep.Point(Double.NaN, s.quality(), s.meanCost(), share));
            routers.add(RouterComparison.summarise(e.group(), point, base.gap(), base.cMin(), base.cMax(), base.aiqOracle(),
                    base.bestSingle(), null, null, 0));
        }
        RouterComparison.Result comparison = new RouterComparison.Result(r.dataset(), protocol, m.size(),
                m.arms().stream().map(Arm::label).toList(), base.singles(), base.oracle(), base.gap(), base.aiqRandom(),
                base.aiqOracle(), base.cMin(), base.cMax(), routers);
        List<Evaluation.Summary> all = r.summaries();
        // A sweep is drawn as a frontier; in the tables it is represented by its peak (best quality, cheapest of equals).
        List<Evaluation.Summary> shown = new ArrayList<>();
        Map<String, Evaluation.Summary> peaks = new LinkedHashMap<>();
        for (Evaluation.Summary s : all) {
            if (!sweepGroups.contains(s.group())) {
                shown.add(s);
                continue;
            }
            Evaluation.Summary best = peaks.get(s.group());
            boolean better = best == null || (!Double.isNaN(s.quality()) && (Double.isNaN(best.quality()) || s.quality() > best.quality()
                    || (s.quality() == best.quality() && s.meanCost() < best.meanCost())));
            if (better) peaks.put(s.group(), s);
        }
        for (Evaluation.Summary p : peaks.values()) {
            shown.add(new Evaluation.Summary(p.name() + " (peak of sweep)", p.group(), p.kind(), p.alpha(), p.questions(), p.scored(),
                    p.unparsed(), p.failed(), p.quality(), p.em(), p.f1(), p.meanCost(), p.totalCost(), p.armShare(), p.strongShare(), p.thinkingRate(),
                    p.randomAtCost(), p.inputTokens(), p.outputTokens(), p.reasoningTokens(), p.latencyMs(), p.firstError()));
        }
        List<MultiRound> multiRound = r.multiRound().stream()
                .map(e -> new MultiRound(e.name(), e.meanSubQuestions(), e.meanSizeWeighted(), e.stops())).toList();
        return new EvalReport(r.dataset(), r.mode(), protocol, r.items().size(), r.skipped(), comparison, all, List.copyOf(shown), multiRound);
    }

    /**
     * What only a multi-round contestant has (its quality, F1, cost and call shares are in its summary).
     *
     * @param meanSubQuestions  candidates asked per answered question
     * @param meanSizeWeighted  the Router-R1 paper's cost per answered question: asked models' output tokens × billions of parameters
     * @param stops             how the loops ended, counted
     */
    public record MultiRound(String contestant, double meanSubQuestions, double meanSizeWeighted, Map<String, Integer> stops) {
    }

    /** Failed picks over all contestants, plus dataset rows skipped before the run. */
    public int failures() {
        return skipped.size() + contestants.stream().mapToInt(Evaluation.Summary::failed).sum();
    }

    public void writeJson(Path file) throws IOException {
        createParent(file);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), this);
    }

    /** Column names of {@link #writeCsv}, before the per-arm share columns ({@code share:<arm>}). */
    static final List<String> CSV_COLUMNS = List.of("contestant", "group", "kind", "alpha", "questions", "scored", "unparsed",
            "failed", "quality", "em", "f1", "mean_cost_usd", "total_cost_usd", "strong_share", "thinking_rate", "random_at_same_cost",
            "input_tokens_mean", "output_tokens_mean", "output_tokens_p50", "output_tokens_p90", "reasoning_tokens_mean",
            "latency_ms_p50", "latency_ms_p90", "latency_ms_p99", "first_error");

    /** One row per contestant (sweep members included), numbers unrounded, empty where undefined. */
    public void writeCsv(Path file) throws IOException {
        createParent(file);
        List<String> arms = comparison.arms();
        CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true);
        CSV_COLUMNS.forEach(schema::addColumn);
        arms.forEach(a -> schema.addColumn("share:" + a));
        List<List<String>> rows = new ArrayList<>();
        for (Evaluation.Summary s : contestants) {
            List<String> row = new ArrayList<>(List.of(s.name(), s.group(), s.kind().name().toLowerCase(Locale.ROOT),
                    s.alpha() == null ? "" : num(s.alpha()), Integer.toString(s.questions()), Integer.toString(s.scored()),
                    Integer.toString(s.unparsed()), Integer.toString(s.failed()), num(s.quality()), num(s.em()), num(s.f1()), num(s.meanCost()),
                    num(s.totalCost()), num(s.strongShare()), num(s.thinkingRate()), num(s.randomAtCost()),
                    num(s.inputTokens().mean()), num(s.outputTokens().mean()), num(s.outputTokens().p50()),
                    num(s.outputTokens().p90()), num(s.reasoningTokens().mean()), num(s.latencyMs().p50()),
                    num(s.latencyMs().p90()), num(s.latencyMs().p99()), s.firstError() == null ? "" : s.firstError()));
            for (String a : arms) row.add(num(s.armShare().getOrDefault(a, Double.NaN)));
            rows.add(row);
        }
        write(file, schema.build(), rows);
    }

    /**
     * One row per (contestant, question) for the contestants of {@code r} whose group is not a sweep: what was chosen,
     * why, and how it went.
     */
    public static void writeAnswersCsv(Path file, Evaluation.Result r, Set<String> sweepGroups) throws IOException {
        createParent(file);
        CsvSchema schema = CsvSchema.builder().setUseHeader(true)
                .addColumn("contestant").addColumn("query_id").addColumn("arm").addColumn("status").addColumn("score")
                .addColumn("em").addColumn("f1").addColumn("cost_usd").addColumn("input_tokens").addColumn("output_tokens").addColumn("reasoning_tokens")
                .addColumn("latency_ms").addColumn("reason").addColumn("error").build();
        OutcomeMatrix m = r.matrix();
        List<List<String>> rows = new ArrayList<>();
        for (Evaluation.Entry e : r.entries()) {
            if (sweepGroups.contains(e.contestant().group())) continue;
            for (int i = 0; i < r.items().size(); i++) {
                int a = e.choice()[i];
                Evaluation.Cell cell = a < 0 ? null : r.cells()[i][a];
                Arm arm = e.picked()[i];
                rows.add(List.of(e.contestant().name(), r.items().get(i).id(), arm == null ? "" : arm.label(),
                        e.status()[i].name().toLowerCase(Locale.ROOT), a < 0 ? "" : num(m.score(i, a)), cell == null ? "" : num(cell.em()), cell == null ? "" : num(cell.f1()),
                        a < 0 ? "" : num(m.cost(i, a)),
                        a < 0 ? "" : num(m.inputTokens(i, a)), a < 0 ? "" : num(m.outputTokens(i, a)),
                        cell == null ? "" : Long.toString(cell.reasoningTokens()), cell == null ? "" : Long.toString(cell.latencyMs()),
                        e.reasons()[i] == null ? "" : e.reasons()[i], e.errors()[i] == null ? "" : e.errors()[i]));
            }
        }
        for (Evaluation.MultiRoundEntry e : r.multiRound()) {
            for (MultiRoundRun.Answer a : e.answers()) {
                Orchestrator.Result loop = a.result();
                long in = loop == null ? 0 : loop.calls().stream().mapToLong(c -> c.usage().inputTokens()).sum();
                long out = loop == null ? 0 : loop.calls().stream().mapToLong(c -> c.usage().outputTokens()).sum();
                long reasoning = loop == null ? 0 : loop.calls().stream().mapToLong(c -> c.usage().reasoningTokens()).sum();
                String asked = loop == null ? "" : loop.calls().stream().filter(c -> !c.role().equals("policy"))
                        .map(c -> c.role() + " " + c.arm().label()).collect(Collectors.joining(", "));
                String status = a.failed() ? "failed" : a.score().parsed() ? "scored" : "unparsed";
                rows.add(List.of(e.name(), a.item().id(), "multi-round", status, a.failed() ? "" : num(a.score().value()),
                        num(a.em()), num(a.f1()), loop == null ? "" : num(loop.totalCost()), loop == null ? "" : Long.toString(in),
                        loop == null ? "" : Long.toString(out), loop == null ? "" : Long.toString(reasoning), Long.toString(a.latencyMs()),
                        loop == null ? "" : "stop=" + loop.stop() + "; asked: " + (asked.isEmpty() ? "nobody" : asked),
                        a.error() == null ? "" : a.error()));
            }
        }
        write(file, schema, rows);
    }

    private static void write(Path file, CsvSchema schema, List<List<String>> rows) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            new CsvMapper().writer(schema).writeValues(w).writeAll(rows).close();
        }
    }

    private static String num(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) return "";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return Double.toString(v);
    }

    private static void createParent(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
    }
}
