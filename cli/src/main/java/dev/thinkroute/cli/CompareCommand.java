package dev.thinkroute.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.thinkroute.core.metric.RouterRun;
import dev.thinkroute.eval.report.HtmlReport;
import dev.thinkroute.learn.predict.QualityModels;
import dev.thinkroute.learn.report.RouterComparison;
import dev.thinkroute.learn.train.Target;
import picocli.CommandLine.ArgGroup;
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
import java.util.concurrent.Callable;

/**
 * {@code thinkroute compare}: every router and baseline side by side on the same held-out rows of a dataset.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Compare learned routers (kNN, MLP, matrix factorisation) with each single arm, random routing and the oracle "
                + "on held-out rows: quality, cost, APGR, CPT(50%), CPT(80%), AIQ and its share of the oracle's.",
                "Prints a table and writes the full results (frontiers included) as JSON."})
final class CompareCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    static final class Source {
        @Option(names = "--dataset", paramLabel = "NAME", split = ",",
                description = "Public outcome tables by importer name (routellm-gsm8k, routellm-mmlu, llmrouter-dcrouter, llmrouter-nq, openai-gsm8k).")
        List<String> datasets;

        @Option(names = "--log", paramLabel = "FILE", description = "An outcome log (JSONL) of your own.")
        Path log;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--test", paramLabel = "FILE", description = "With --log: a second log to measure on (train on --log).")
    Path testLog;

    @Option(names = "--test-fraction", paramLabel = "F", description = "Hold out a seeded fraction instead of cross-validating.")
    Double testFraction;

    @Option(names = "--folds", defaultValue = "5", description = "Cross-validation folds when there is no split (default: ${DEFAULT-VALUE}).")
    int folds;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of folds, splits and training (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--predictors", defaultValue = "knn,mlp,mf,cluster,ensemble", split = ",", description = "Predictors to compare: knn, mlp, mf, cluster, ensemble (default: ${DEFAULT-VALUE}).")
    List<String> predictors;

    @Option(names = "--target", defaultValue = "quality-drop=0.0", description = "Calibration target reported on a train/test split (default: ${DEFAULT-VALUE}; "
            + Target.ACCEPTED + ").")
    String target;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "target/reports", description = "Where the JSON reports go (default: ${DEFAULT-VALUE}).")
    Path out;


    @Option(names = "--html", description = "Also write a self-contained HTML report and a PNG of the frontier next to the JSON.")
    boolean html;

    @Mixin
    DataOptions paths;

    @Override
    public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        for (String kind : predictors) {
            try {
                QualityModels.trainer(kind);
            } catch (IllegalArgumentException e) {
                throw new CliException("--predictors: " + e.getMessage());
            }
        }
        Target calibration = LearnInputs.target(target);
        if (testLog != null && source.log == null) throw new CliException("--test goes with --log");

        List<LearnInputs.Loaded> inputs = new ArrayList<>();
        if (source.datasets != null) {
            Path root = Setup.dataRoot(paths.data);
            for (String name : source.datasets) inputs.add(LearnInputs.dataset(name.trim(), root, err));
        } else {
            inputs.add(LearnInputs.logs(source.log, testLog, err));
        }
        Files.createDirectories(out);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        for (LearnInputs.Loaded in : inputs) {
            LearnInputs.Loaded loaded = !in.hasSplit() && testFraction != null ? LearnInputs.withFraction(in, testFraction, seed) : in;
            float[][] x = LearnInputs.embed(loaded.matrix(), paths.cache, err);
            RouterComparison.Protocol protocol = loaded.hasSplit()
                    ? new RouterComparison.Split(loaded.train(), loaded.test(), loaded.split(), seed, folds)
                    : new RouterComparison.CrossValidation(folds, seed);
            RouterComparison.Result result = RouterComparison.run(loaded.name(), loaded.matrix(), x, protocol, predictors,
                    loaded.hasSplit() ? calibration : null, line -> err.println("  " + line));
            print(stdout, result, loaded);
            Path file = out.resolve("compare-" + loaded.name().replaceAll("[^A-Za-z0-9._-]", "_") + ".json");
            json.writeValue(file.toFile(), result);
            stdout.println("JSON report: " + file.toAbsolutePath());
            if (html) {
                String base = "compare-" + loaded.name().replaceAll("[^A-Za-z0-9._-]", "_");
                HtmlReport report = HtmlReport.of(result);
                Path page = out.resolve(base + ".html");
                report.writeHtml(page);
                report.writePng(out.resolve(base + ".png"));
                stdout.println("HTML report: " + page.toAbsolutePath() + " (frontier plot: " + base + ".png)");
            }
            stdout.println();
        }
        stdout.flush();
        return 0;
    }

    static void print(PrintWriter o, RouterComparison.Result r, LearnInputs.Loaded loaded) {
        o.printf(Locale.ROOT, "%s: %d held-out queries, %s%s%n", r.dataset(), r.rows(), r.protocol(),
                loaded.incompleteRows() > 0 ? " (" + loaded.incompleteRows() + " queries without every arm left out)" : "");
        String head = "%-34s %8s %12s %7s %7s %7s %8s %8s %12s%n";
        o.printf(Locale.ROOT, head, "router", "quality", "cost/query", "APGR", "CPT50", "CPT80", "AIQ", "AIQ/orc", "match-best $");
        // singleArms() is in arm order, so the i-th run is the i-th arm's.
        for (int a = 0; a < r.singleArms().size(); a++) {
            RouterRun s = r.singleArms().get(a);
            o.printf(Locale.ROOT, "%-34s %8.4f %12s %7s %7s %7s %8s %8s %12s%n", clip("always " + r.arms().get(a)), s.accuracy(), usd(s.meanCost()),
                    "", "", "", "", "", "");
        }
        o.printf(Locale.ROOT, "%-34s %8s %12s %7.3f %7s %7s %8.4f %8.3f %12s%n", "random (best mix of single arms)", "", "", 0.5, pct(0.5), pct(0.8),
                r.aiqRandom(), r.aiqOracle() > 0 ? r.aiqRandom() / r.aiqOracle() : Double.NaN, "");
        o.printf(Locale.ROOT, "%-34s %8.4f %12s %7s %7s %7s %8.4f %8.3f %12s%n", "oracle", r.oracle().accuracy(), usd(r.oracle().meanCost()),
                "", "", "", r.aiqOracle(), 1.0, "");
        for (RouterComparison.RouterResult rr : r.routers()) {
            RouterComparison.Metrics m = rr.metrics();
            o.printf(Locale.ROOT, "%-34s %8.4f %12s %7.3f %7s %7s %8.4f %8.3f %12s%n", clip(rr.kind() + " (peak of α sweep)"), m.peakQuality(),
                    usd(m.costAtPeak()), m.apgr(), pct(m.cpt50()), pct(m.cpt80()), m.aiq(), m.aiqShareOfOracle(), usd(m.costToMatchBest()));
            if (rr.calibrated() != null) {
                RouterComparison.Calibrated c = rr.calibrated();
                o.printf(Locale.ROOT, "%-34s %8.4f %12s   (α=%.4g calibrated on train for %s%s; strong share %.2f)%n",
                        clip("  " + rr.kind() + " calibrated"), c.quality(), usd(c.meanCost()), c.alpha(), c.target(),
                        c.met() ? "" : ", not met on train", c.strongShare());
            }
        }
        int bestArm = r.gap().strongArm();
        RouterRun best = r.singleArms().get(bestArm);
        double bestSingle = best.accuracy();
        o.printf(Locale.ROOT, "best single arm %s: quality %.4f at %s; APGR/CPT use weak = cheapest arm, strong = best single arm; "
                + "CPT is in normalised cost (0 = weak's, 1 = strong's); AIQ over [%s, %s]%n", r.arms().get(bestArm), bestSingle,
                usd(best.meanCost()), usd(r.cMin()), usd(r.cMax()));
    }

    private static String usd(double v) {
        return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "$%.6f", v);
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%.0f%%", v * 100);
    }

    private static String clip(String s) {
        return s.length() <= 34 ? s : s.substring(0, 33) + "…";
    }
}
