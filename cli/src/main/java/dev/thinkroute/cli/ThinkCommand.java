package dev.thinkroute.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.thinkroute.core.Arm;
import dev.thinkroute.core.Outcome;
import dev.thinkroute.core.metric.OutcomeMatrix;
import dev.thinkroute.core.score.JudgeFeatures;
import dev.thinkroute.eval.thinking.Gsm8kSolutions;
import dev.thinkroute.eval.thinking.ThinkChart;
import dev.thinkroute.eval.thinking.ThinkingStudy;
import dev.thinkroute.learn.outcome.importer.OpenAiGsm8kImporter;
import dev.thinkroute.learn.predict.QualityModels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code thinkroute think}: when to think. The adaptive thinking trigger (a learned router over one model's
 * {@code off}/{@code on} arms) and the escalation cascade (answer cheaply, judge, escalate when unsure) of each
 * model size, on the same held-out folds, beside never-think, always-think, random at the same rate and the oracle.
 * With {@code --log}, the same study on a user's own outcome log: its {@code --cheap} and {@code --expensive} arms (and
 * an optional {@code --second} cheap arm for the agreement judges), the judge reading each cheap answer's
 * {@code response} text.
 */
@Command(name = "think", mixinStandardHelpOptions = true,
        description = {"Measure the adaptive thinking trigger and the escalation cascade on held-out folds of a dataset "
                + "whose models have a cheap and an expensive mode: thinking rate, quality change, tokens saved, APGR, "
                + "and α/τ calibrated on the training folds to keep quality within --delta of always-think.",
                "Prints a table per model size and writes the full results (sweeps included) as JSON, with a PNG per size.",
                "With --log, runs on your own outcome log instead (collected with responses): --cheap and --expensive name "
                        + "its arms, --second optionally a second cheap arm for the agreement-based judges."})
final class ThinkCommand implements Callable<Integer> {

    static final List<String> DATASETS = List.of(OpenAiGsm8kImporter.NAME);

    @Spec
    CommandSpec spec;

    @Option(names = "--dataset", paramLabel = "NAME",
            description = "The dataset (default: " + OpenAiGsm8kImporter.NAME + "; the only one supported: its answers' texts feed the cascade's judge). Exclusive with --log.")
    String dataset;

    @Option(names = "--log", paramLabel = "FILE", description = "An outcome log (JSONL, e.g. from thinkroute collect, with responses) to study instead of --dataset.")
    Path log;

    @Option(names = "--cheap", paramLabel = "ARM", description = "With --log: the cheap arm (model:thinking), answering first; its responses feed the judge.")
    String cheap;

    @Option(names = "--expensive", paramLabel = "ARM", description = "With --log: the expensive arm (model:thinking), thought with or escalated to.")
    String expensive;

    @Option(names = "--second", paramLabel = "ARM", description = "With --log, optional: a second cheap arm whose answer the agreement-based judges compare (and pay for).")
    String second;

    @Option(names = "--folds", defaultValue = "5", description = "Cross-validation folds, also of the inner calibration (default: ${DEFAULT-VALUE}).")
    int folds;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of folds and training (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--delta", defaultValue = "0.02", description = "Quality the calibrated points may give up against always-think (default: ${DEFAULT-VALUE}).")
    double delta;

    @Option(names = "--predictor", defaultValue = "mf", description = "The trigger's quality predictor: knn, mlp, mf, cluster, ensemble (default: ${DEFAULT-VALUE}, the best trigger APGR of the five on openai-gsm8k, by a small margin).")
    String predictor;

    @Option(names = "--save-cascade", paramLabel = "FILE", description = "Also write the cascade's learned escalation table "
            + "(per suspicion level of the cheap answer, and the α calibrated for --delta) for a cascade profile's 'table': "
            + "from the log's arms with --log, from GPT-3 175B's tiers otherwise.")
    Path saveCascade;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "target/reports", description = "Where the JSON and PNG go (default: ${DEFAULT-VALUE}).")
    Path out;

    @Mixin
    DataOptions paths;

    @Override
    public Integer call() throws IOException {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (log != null && dataset != null) throw new CliException("--log and --dataset are exclusive: study an outcome log or a dataset");
        if (log == null && (cheap != null || expensive != null || second != null)) {
            throw new CliException("--cheap, --expensive and --second name arms of an outcome log: they need --log FILE");
        }
        if (log == null && dataset == null) dataset = OpenAiGsm8kImporter.NAME;
        if (log == null && !DATASETS.contains(dataset)) {
            throw new CliException("--dataset: '" + dataset + "' is not supported; the only dataset with both modes' answer texts is "
                    + String.join(", ", DATASETS));
        }
        if (!QualityModels.kinds().contains(predictor)) {
            throw new CliException("--predictor: unknown '" + predictor + "'; known: " + String.join(", ", QualityModels.kinds()));
        }
        ThinkingStudy.Settings settings;
        try {
            settings = new ThinkingStudy.Settings(folds, seed, delta, predictor);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
        if (log != null) return callOnLog(o, err, settings);
        long started = System.nanoTime();
        Path root = Setup.dataRoot(paths.data);
        LearnInputs.Loaded loaded = LearnInputs.dataset(dataset, root, err);
        float[][] x = LearnInputs.embed(loaded.matrix(), paths.cache, err);
        Path file = root.resolve(OpenAiGsm8kImporter.RELATIVE_PATH);
        List<ThinkingStudy.SizeResult> sizes = new ArrayList<>();
        for (ThinkingStudy.Size size : List.of(ThinkingStudy.Size.GPT3_175B, ThinkingStudy.Size.GPT3_6B)) {
            Map<String, JudgeFeatures> features = Gsm8kSolutions.load(file, size.cheapKey(), size.secondKey());
            ThinkingStudy.SizeResult r = ThinkingStudy.run(dataset, loaded.matrix(), x, size, features, settings, line -> err.println("  " + line));
            if (sizes.isEmpty()) saveTable(o, loaded.matrix(), size.arms(), features, dataset);
            sizes.add(r);
            print(o, r, settings);
            o.flush();
        }
        write(o, dataset, sizes, started);
        return 0;
    }

    /** The study on an outcome log's chosen arms, the judge reading the cheap (and second) answers' responses. */
    private Integer callOnLog(PrintWriter o, PrintWriter err, ThinkingStudy.Settings settings) throws IOException {
        long started = System.nanoTime();
        if (cheap == null || expensive == null) throw new CliException("--log needs --cheap ARM and --expensive ARM (e.g. --cheap m:off --expensive m:on)");
        List<Outcome> outcomes = LearnInputs.read(log, err);
        Set<Arm> logArms = new LinkedHashSet<>();
        outcomes.forEach(x -> logArms.add(x.arm()));
        Arm cheapArm = arm("--cheap", cheap, logArms), expensiveArm = arm("--expensive", expensive, logArms);
        Arm secondArm = second == null ? null : arm("--second", second, logArms);
        ThinkingStudy.Arms arms;
        try {
            arms = new ThinkingStudy.Arms(label(cheapArm, expensiveArm), cheapArm, expensiveArm, secondArm);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
        Set<Arm> used = new LinkedHashSet<>(List.of(cheapArm, expensiveArm));
        if (secondArm != null) used.add(secondArm);
        List<Outcome> kept = outcomes.stream().filter(x -> used.contains(x.arm())).toList();
        OutcomeMatrix all = OutcomeMatrix.of(kept);
        OutcomeMatrix matrix = all.completeRows();
        String armList = String.join(", ", used.stream().map(Arm::label).toList());
        if (matrix.size() < 10 * folds) {
            throw new CliException(log + ": only " + matrix.size() + " queries have a score and a cost for each of " + armList
                    + "; think needs at least 10 per fold, " + 10 * folds + " with --folds " + folds);
        }
        if (all.size() > matrix.size()) {
            err.println(log + ": " + (all.size() - matrix.size()) + " queries lack a scored, priced outcome of one of " + armList + "; left out");
        }
        // The first response of each (query, arm) the judge reads.
        Map<String, Map<Arm, String>> responses = new HashMap<>();
        for (Outcome x : kept) {
            if (x.response() != null) responses.computeIfAbsent(x.queryId(), k -> new HashMap<>()).putIfAbsent(x.arm(), x.response());
        }
        Map<String, JudgeFeatures> features = new LinkedHashMap<>();
        for (String id : matrix.queryIds()) {
            Map<Arm, String> r = responses.getOrDefault(id, Map.of());
            String cheapText = response(r, id, cheapArm);
            String secondText = secondArm == null ? null : response(r, id, secondArm);
            features.put(id, JudgeFeatures.of(cheapText, secondText));
        }
        String name = stripExtension(log.getFileName().toString());
        float[][] x = LearnInputs.embed(matrix, paths.cache, err);
        ThinkingStudy.SizeResult r = ThinkingStudy.run(name, matrix, x, arms, features, settings, line -> err.println("  " + line));
        print(o, r, settings);
        o.flush();
        saveTable(o, matrix, arms, features, log.getFileName().toString());
        write(o, name, List.of(r), started);
        return 0;
    }

    /** Writes the learned escalation table of {@code arms} when {@code --save-cascade} asks for it. */
    private void saveTable(PrintWriter o, dev.thinkroute.core.metric.OutcomeMatrix matrix, ThinkingStudy.Arms arms,
                           Map<String, JudgeFeatures> features, String from) throws IOException {
        if (saveCascade == null) return;
        dev.thinkroute.core.route.CascadeTable table = dev.thinkroute.eval.thinking.CascadeTables.build(matrix, arms.cheap(), arms.expensive(),
                features, arms.second() != null, delta, from + ": " + arms.cheap().label() + " escalating to " + arms.expensive().label()
                        + (arms.second() != null ? ", second sample " + arms.second().label() : "") + ", δ " + delta);
        dev.thinkroute.learn.artifact.CascadeTableFile.write(saveCascade, table);
        o.printf(Locale.ROOT, "cascade table (α=%.4g calibrated on all %d queries for δ=%.3f): %s%n", table.alpha(), matrix.size(), delta,
                saveCascade.toAbsolutePath());
        for (dev.thinkroute.core.route.CascadeTable.Level l : table.levels()) {
            o.printf(Locale.ROOT, "  level %d: %5d queries, cheap right %.3f, expensive right %.3f, %s%n", l.level(), l.n(), l.pCheap(),
                    l.pExpensive(), table.escalate(l.level(), table.alpha()) ? "escalate" : "keep the cheap answer");
        }
    }

    private String response(Map<Arm, String> responses, String queryId, Arm arm) {
        String text = responses.get(arm);
        if (text == null) {
            throw new CliException(log + ": query '" + queryId + "' has no response for " + arm.label() + "; the cascade's judge reads "
                    + "the cheap answers' texts, so collect with responses (the default of thinkroute collect; --no-responses drops them)");
        }
        return text;
    }

    private Arm arm(String option, String text, Set<Arm> logArms) {
        Arm a;
        try {
            a = Arm.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CliException(option + ": " + e.getMessage());
        }
        if (!logArms.contains(a)) {
            throw new CliException(option + ": arm '" + a.label() + "' is not in " + log + "; its arms: "
                    + String.join(", ", logArms.stream().map(Arm::label).toList()));
        }
        return a;
    }

    /** The model when both arms are one model's modes, else both models; safe in a file name. */
    static String label(Arm cheap, Arm expensive) {
        String l = cheap.model().equals(expensive.model()) ? cheap.model() : cheap.model() + "-vs-" + expensive.model();
        return l.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static String stripExtension(String file) {
        int dot = file.lastIndexOf('.');
        return (dot > 0 ? file.substring(0, dot) : file).replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private void write(PrintWriter o, String name, List<ThinkingStudy.SizeResult> sizes, long started) throws IOException {
        ThinkingStudy.Report report = new ThinkingStudy.Report(name, folds + "-fold cross-validation, seed " + seed
                + "; calibration on inner " + folds + "-fold out-of-fold predictions of each fold's training rows", predictor, delta, sizes);
        Files.createDirectories(out);
        Path json = out.resolve("think-" + name + ".json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), report);
        o.println("JSON report: " + json.toAbsolutePath());
        for (ThinkingStudy.SizeResult r : sizes) {
            Path png = out.resolve("think-" + name + "-" + r.model() + ".png");
            List<String> shown = r.secondArm() != null ? List.of("trigger", "cascade-agree+form", "cascade-lr-form+agree", bestCascade(r).name())
                    : List.of("trigger", "cascade-form", "cascade-lr-form", bestCascade(r).name());
            ThinkChart.writePng(r, List.copyOf(new LinkedHashSet<>(shown)), delta, png);
            o.println("Frontier plot: " + png.toAbsolutePath());
        }
        o.printf(Locale.ROOT, "run time: %.1f s%n", (System.nanoTime() - started) / 1e9);
        o.flush();
    }

    static void print(PrintWriter o, ThinkingStudy.SizeResult r, ThinkingStudy.Settings s) {
        o.printf(Locale.ROOT, "%n%s: off = %s, on = %s; %d held-out queries, %d-fold CV seed %d; trigger predictor %s; δ = %.3f%n",
                r.model(), r.offArm(), r.onArm(), r.rows(), s.folds(), s.seed(), s.predictor(), s.delta());
        if (r.secondArm() == null) {
            o.println("no second cheap arm (--second): the agreement-based strategies are skipped (" + String.join(", ", r.skipped())
                    + "); the stacked judge reads the form features without agreement");
        }
        String head = "%-52s %7s %8s %8s %7s %8s %10s %6s %6s %7s%n";
        o.printf(Locale.ROOT, head, "strategy", "quality", "Δ vs on", "Δ vs off", "on %", "tok sav", "cost/query", "PGR", "APGR", "random");
        row(o, r.never(), "", false);
        row(o, r.always(), "", false);
        row(o, r.oracle(), "", true);
        for (ThinkingStudy.Strategy st : r.strategies()) {
            o.printf(Locale.ROOT, "%s — %s%s%n", st.name(), st.description(), st.secondSample() ? " [pays for " + r.secondArm() + "]" : "");
            String apgr = String.format(Locale.ROOT, "%.3f", st.metrics().apgr());
            row(o, rename(st.calibrated(), "  calibrated (" + st.foldsMet() + "/" + st.thresholds().length + " folds met on train)"), apgr, true);
            if (st.bestWithinDelta() != null) row(o, rename(st.bestWithinDelta(), "  cheapest ≥ on−δ (hindsight)"), "", true);
            else o.println("  cheapest ≥ on−δ (hindsight): none reaches it");
            row(o, rename(st.peak(), "  peak"), "", true);
            if (!Double.isNaN(st.judgeAuc())) o.printf(Locale.ROOT, "  judge AUC of P(cheap correct): %.3f  %s%n", st.judgeAuc(), st.hyper() == null ? "" : st.hyper());
        }
        ThinkingStudy.Strategy t = r.strategy("trigger");
        o.printf(Locale.ROOT, "trigger APGR on RouterComparison's α ≥ 0 grid: %.3f (exact threshold sweep: %.3f); AIQ/oracle %.3f%n",
                r.triggerApgrOnAlphaGrid(), t.metrics().apgr(), t.metrics().aiqShareOfOracle());
        ThinkingStudy.Strategy c = bestCascade(r);
        o.println("AdaCoT Pareto (held out): share of expensive calls → best quality, trigger | cascade of best APGR (" + c.name() + ") | random");
        for (int pct = 10; pct <= 100; pct += 10) {
            o.printf(Locale.ROOT, "  ≤%3d%%: trigger %.4f | cascade %.4f | random %.4f%n", pct, best(t, pct / 100.0), best(c, pct / 100.0),
                    (1 - pct / 100.0) * r.never().quality() + pct / 100.0 * r.always().quality());
        }
        o.println("form features of the cheap answers: share firing, P(cheap correct | fires), P(cheap correct | not)");
        for (ThinkingStudy.FeatureStat f : r.features()) {
            o.printf(Locale.ROOT, "  %-28s %6.1f%%  %.3f  %.3f%n", f.name(), 100 * f.share(), f.cheapCorrectWhen(), f.cheapCorrectOtherwise());
        }
        o.printf(Locale.ROOT, "(%s: %.1f s)%n", r.model(), r.millis() / 1000.0);
    }

    /** The cascade with the highest APGR. */
    static ThinkingStudy.Strategy bestCascade(ThinkingStudy.SizeResult r) {
        return r.strategies().stream().filter(s -> s.name().startsWith("cascade-"))
                .max(java.util.Comparator.comparingDouble(s -> Double.isNaN(s.metrics().apgr()) ? -1 : s.metrics().apgr())).orElseThrow();
    }

    private static double best(ThinkingStudy.Strategy s, double rate) {
        return s.pareto().stream().filter(p -> p.rate() <= rate + 1e-12).mapToDouble(ThinkingStudy.Figures::quality).max().orElse(Double.NaN);
    }

    private static ThinkingStudy.Figures rename(ThinkingStudy.Figures f, String label) {
        return new ThinkingStudy.Figures(label, f.threshold(), f.rate(), f.quality(), f.meanCost(), f.meanTokens(), f.vsAlwaysThink(),
                f.vsNeverThink(), f.tokensSaved(), f.costSaved(), f.pgr(), f.randomQuality(), f.randomCost());
    }

    private static void row(PrintWriter o, ThinkingStudy.Figures f, String apgr, boolean random) {
        o.printf(Locale.ROOT, "%-52s %7.4f %+8.4f %+8.4f %6.1f%% %7.1f%% %10s %6.3f %6s %7s%n", clip(f.label()), f.quality(), f.vsAlwaysThink(),
                f.vsNeverThink(), 100 * f.rate(), 100 * f.tokensSaved(), String.format(Locale.ROOT, "$%.5f", f.meanCost()), f.pgr(), apgr,
                random ? String.format(Locale.ROOT, "%.4f", f.randomQuality()) : "");
    }

    private static String clip(String s) {
        return s.length() <= 52 ? s : s.substring(0, 51) + "…";
    }
}
