package dev.thinkroute.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thinkroute.core.metric.Baselines;
import dev.thinkroute.core.metric.OutcomeMatrix;
import dev.thinkroute.core.metric.RouterRun;
import dev.thinkroute.learn.artifact.RouterArtifact;
import dev.thinkroute.learn.embed.MiniLmEncoder;
import dev.thinkroute.learn.outcome.Provenance;
import dev.thinkroute.learn.predict.QualityModels;
import dev.thinkroute.learn.train.AlphaSweep;
import dev.thinkroute.learn.train.RouterTrainer;
import dev.thinkroute.learn.train.Target;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

/** {@code thinkroute train}: a router artifact from an outcome log. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train a learned router on outcomes and calibrate its α to a target, by seeded k-fold cross-validation "
                + "on the training rows. Writes a router artifact (JSON) that a gateway profile loads with 'router: FILE'.",
                "Held-out rows (--test, --test-fraction, or the dataset's own split) are only measured, never trained or calibrated on."})
final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    OutcomeSource source;

    @Option(names = "--test", paramLabel = "FILE", description = "With --log: a log of held-out outcomes to measure the router on.")
    Path testLog;

    @Option(names = "--test-fraction", paramLabel = "F", description = "Hold out a seeded fraction of the rows to measure on.")
    Double testFraction;

    @Option(names = {"-p", "--predictor"}, defaultValue = "cluster", description = "knn, mlp, mf, cluster or ensemble (default: ${DEFAULT-VALUE}).")
    String predictor;

    @Option(names = "--target", defaultValue = "quality-drop=0.0", description = "Calibration target: " + Target.ACCEPTED + " (default: ${DEFAULT-VALUE}).")
    String target;

    @Option(names = "--folds", defaultValue = "5", description = "Cross-validation folds for calibration (default: ${DEFAULT-VALUE}).")
    int folds;

    @Option(names = "--seed", defaultValue = "42", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "The artifact (default: target/routers/<data>-<predictor>.json).")
    Path out;

    @Option(names = "--name", description = "The router's name (default: <data>-<predictor>).")
    String name;


    @Mixin
    DataOptions paths;

    @Override
    public Integer call() throws IOException {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            QualityModels.trainer(predictor);
        } catch (IllegalArgumentException e) {
            throw new CliException("--predictor: " + e.getMessage());
        }
        Target t = LearnInputs.target(target);
        LearnInputs.Loaded loaded = source.load(paths.data, testLog, err);
        if (!loaded.hasSplit() && testFraction != null) loaded = LearnInputs.withFraction(loaded, testFraction, seed);
        String routerName = name != null ? name : loaded.name().replaceAll("\\.jsonl$", "") + "-" + predictor;
        Path file = out != null ? out : Path.of("target", "routers", routerName + ".json");

        float[][] x = LearnInputs.embed(loaded.matrix(), paths.cache, err);
        int[] trainRows = loaded.hasSplit() ? loaded.train() : IntStream.range(0, loaded.matrix().size()).toArray();
        OutcomeMatrix train = loaded.matrix().rows(trainRows);
        float[][] trainX = IntStream.of(trainRows).mapToObj(i -> x[i]).toArray(float[][]::new);

        ObjectNode provenance = JsonNodeFactory.instance.objectNode();
        ArrayNode files = provenance.putArray("data");
        for (Provenance.SourceFile s : loaded.sources()) {
            files.addObject().put("path", s.path()).put("sha256", s.sha256()).put("bytes", s.bytes());
        }
        provenance.put("dataset", loaded.name());
        if (loaded.split() != null) provenance.put("split", loaded.split());
        provenance.put("command", "thinkroute train " + String.join(" ", spec.commandLine().getParseResult().originalArgs()));

        err.println("training " + predictor + " on " + train.size() + " queries × " + train.armCount() + " arms (" + folds + "-fold calibration, seed " + seed + ")");
        RouterTrainer.Result result = RouterTrainer.train(
                new RouterTrainer.Spec(routerName, predictor, folds, seed, t, MiniLmEncoder.ID, MiniLmEncoder.DIMENSION),
                train, trainX, provenance, line -> err.println("  " + line));
        RouterArtifact artifact = result.artifact();

        ObjectNode metrics = artifact.provenance().putObject("metrics");
        metrics.put("calibration_quality_oof", result.calibration().achieved().quality());
        metrics.put("calibration_mean_cost_oof", result.calibration().achieved().meanCost());
        if (loaded.hasSplit()) {
            OutcomeMatrix test = loaded.matrix().rows(loaded.test());
            double[][] q = new double[test.size()][];
            for (int i = 0; i < test.size(); i++) q[i] = artifact.quality().predict(x[loaded.test()[i]]);
            double[][] c = RouterTrainer.predictedCost(artifact.cost(), test);
            AlphaSweep.Point onTest = AlphaSweep.at(artifact.policy().alpha(), q, c, test, artifact.policy().costScale());
            ObjectNode held = metrics.putObject("test");
            held.put("rows", test.size());
            held.put("quality", onTest.quality());
            held.put("mean_cost_usd", onTest.meanCost());
            RouterRun oracle = Baselines.oracle(test);
            held.put("oracle_quality", oracle.accuracy());
            held.put("oracle_mean_cost_usd", oracle.meanCost());
            ArrayNode singles = held.putArray("single_arms");
            for (RouterRun s : Baselines.singleArms(test)) singles.addObject().put("quality", s.accuracy()).put("mean_cost_usd", s.meanCost());
            o.printf(Locale.ROOT, "held-out (%d queries, %s): quality %.4f at $%.6f per query; oracle %.4f at $%.6f%n",
                    test.size(), loaded.split(), onTest.quality(), onTest.meanCost(), oracle.accuracy(), oracle.meanCost());
            for (int a = 0; a < test.armCount(); a++) {
                RouterRun s = Baselines.singleArm(test, a);
                o.printf(Locale.ROOT, "  always %-40s quality %.4f at $%.6f%n", test.arms().get(a).label(), s.accuracy(), s.meanCost());
            }
        }
        artifact.write(file);
        o.printf(Locale.ROOT, "router '%s' (%s) trained in %.1fs on %d queries; α=%.4g for %s%s: out-of-fold quality %.4f at $%.6f per query%n",
                routerName, predictor, result.millis() / 1000.0, train.size(), result.calibration().alpha(),
                t.label(), result.calibration().met() ? "" : " (not met: " + result.calibration().note() + ")",
                result.calibration().achieved().quality(), result.calibration().achieved().meanCost());
        o.println("artifact: " + file.toAbsolutePath());
        o.flush();
        return 0;
    }
}
