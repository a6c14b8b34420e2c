package dev.thinkroute.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code thinkroute think}: when to think. The adaptive thinking trigger (a learned router over one model's
 * {@code off}/{@code on} arms) and the escalation cascade (answer cheaply, judge, escalate when unsure) of each
 * model size, on the same held-out folds, beside never-think, always-think, random at the same rate and the oracle.
 */
@Command(name = "think", mixinStandardHelpOptions = true,
        description = {"Measure the adaptive thinking trigger and the escalation cascade on held-out folds of a dataset "
                + "whose models have a cheap and an expensive mode: thinking rate, quality change, tokens saved, APGR, "
                + "and α/τ calibrated on the training folds to keep quality within --delta of always-think.",
                "Prints a table per model size and writes the full results (sweeps included) as JSON, with a PNG per size."})
final class ThinkCommand implements Callable<Integer> {

    static final List<String> DATASETS = List.of(OpenAiGsm8kImporter.NAME);

    @Spec
    CommandSpec spec;

    @Option(names = "--dataset", defaultValue = OpenAiGsm8kImporter.NAME, paramLabel = "NAME",
            description = "The dataset (default: ${DEFAULT-VALUE}; the only one supported: its answers' texts feed the cascade's judge).")
    String dataset;

    @Option(names = "--folds", defaultValue = "5", description = "Cross-validation folds, also of the inner calibration (default: ${DEFAULT-VALUE}).")
    int folds;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of folds and training (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--delta", defaultValue = "0.02", description = "Quality the calibrated points may give up against always-think (default: ${DEFAULT-VALUE}).")
    double delta;

    @Option(names = "--predictor", defaultValue = "mf", description = "The trigger's quality predictor: knn, mlp, mf, cluster, ensemble (default: ${DEFAULT-VALUE}, the best trigger APGR of the five on openai-gsm8k, by a small margin).")
    String predictor;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "target/reports", description = "Where the JSON and PNG go (default: ${DEFAULT-VALUE}).")
    Path out;

    @Mixin
    DataOptions paths;

    @Override
    public Integer call() throws IOException {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!DATASETS.contains(dataset)) {
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
        long started = System.nanoTime();
        Path root = Setup.dataRoot(paths.data);
        LearnInputs.Loaded loaded = LearnInputs.dataset(dataset, root, err);
        float[][] x = LearnInputs.embed(loaded.matrix(), paths.cache, err);
        Path file = root.resolve(OpenAiGsm8kImporter.RELATIVE_PATH);
        List<ThinkingStudy.SizeResult> sizes = new ArrayList<>();
        for (ThinkingStudy.Size size : List.of(ThinkingStudy.Size.GPT3_175B, ThinkingStudy.Size.GPT3_6B)) {
            Map<String, JudgeFeatures> features = Gsm8kSolutions.load(file, size.cheapKey(), size.secondKey());
            ThinkingStudy.SizeResult r = ThinkingStudy.run(dataset, loaded.matrix(), x, size, features, settings, line -> err.println("  " + line));
            sizes.add(r);
            print(o, r, settings);
            o.flush();
        }
        ThinkingStudy.Report report = new ThinkingStudy.Report(dataset, folds + "-fold cross-validation, seed " + seed
                + "; calibration on inner " + folds + "-fold out-of-fold predictions of each fold's training rows", predictor, delta, sizes);
        Files.createDirectories(out);
        Path json = out.resolve("think-" + dataset + ".json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), report);
        o.println("JSON report: " + json.toAbsolutePath());
        for (ThinkingStudy.SizeResult r : sizes) {
            Path png = out.resolve("think-" + dataset + "-" + r.model() + ".png");
            ThinkChart.writePng(r, List.copyOf(new java.util.LinkedHashSet<>(List.of("trigger", "cascade-agree+form", "cascade-lr-form+agree", bestCascade(r).name()))), delta, png);
            o.println("Frontier plot: " + png.toAbsolutePath());
        }
        o.printf(Locale.ROOT, "run time: %.1f s%n", (System.nanoTime() - started) / 1e9);
        o.flush();
        return 0;
    }

    static void print(PrintWriter o, ThinkingStudy.SizeResult r, ThinkingStudy.Settings s) {
        o.printf(Locale.ROOT, "%n%s: off = %s, on = %s; %d held-out queries, %d-fold CV seed %d; trigger predictor %s; δ = %.3f%n",
                r.model(), r.offArm(), r.onArm(), r.rows(), s.folds(), s.seed(), s.predictor(), s.delta());
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
