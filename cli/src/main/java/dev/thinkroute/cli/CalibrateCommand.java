package dev.thinkroute.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thinkroute.core.metric.OutcomeMatrix;
import dev.thinkroute.learn.artifact.RouterArtifact;
import dev.thinkroute.learn.train.AlphaSweep;
import dev.thinkroute.learn.train.Calibration;
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
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code thinkroute calibrate}: choose a trained router's α for a target on outcomes it was not trained on. */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = {"Re-choose a router artifact's α so that it meets a target on the given outcomes: a mean cost per query, "
                + "a share of calls to the strongest arm, or a quality within δ of the best single arm at the lowest cost.",
                "Use outcomes the router was not trained on (new traffic, a held-out log); the artifact's arms must all appear in them."})
final class CalibrateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-r", "--router"}, required = true, paramLabel = "FILE", description = "The router artifact.")
    Path router;

    @ArgGroup(exclusive = true, multiplicity = "1")
    OutcomeSource source;

    @Option(names = "--target", required = true, description = Target.ACCEPTED)
    String target;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "Where to write the recalibrated artifact (default: overwrite --router).")
    Path out;


    @Mixin
    DataOptions paths;

    @Override
    public Integer call() throws IOException {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Target t = LearnInputs.target(target);
        RouterArtifact artifact;
        try {
            artifact = RouterArtifact.read(router);
        } catch (IOException e) {
            throw new CliException(e.getMessage());
        }
        LearnInputs.Loaded loaded = source.load(paths.data, null, err);
        // The rows' arms, in the artifact's order, so predictions and outcomes line up.
        OutcomeMatrix rows = loaded.matrix();
        int[] column = new int[artifact.arms().size()];
        for (int i = 0; i < column.length; i++) {
            column[i] = rows.arms().indexOf(artifact.arms().get(i));
            if (column[i] < 0) {
                throw new CliException("the outcomes have no arm " + artifact.arms().get(i).label() + " of router '" + artifact.name()
                        + "'; their arms: " + rows.arms());
            }
        }
        OutcomeMatrix aligned = reorder(rows, column);
        float[][] x = LearnInputs.embed(aligned, paths.cache, err);
        double[][] q = new double[aligned.size()][];
        for (int i = 0; i < q.length; i++) q[i] = artifact.quality().predict(x[i]);
        double[][] c = RouterTrainer.predictedCost(artifact.cost(), aligned);
        List<AlphaSweep.Point> sweep = AlphaSweep.run(q, c, aligned, artifact.policy().costScale(), AlphaSweep.defaultGrid());
        int strong = RouterTrainer.bestArm(aligned);
        Calibration cal = Calibration.calibrate(t, sweep, strong, aligned.meanScore(strong));

        ObjectNode calibration = artifact.calibration().deepCopy();
        calibration.put("target", t.label());
        calibration.put("alpha", cal.alpha());
        calibration.put("met", cal.met());
        if (cal.note() != null) calibration.put("note", cal.note()); else calibration.remove("note");
        calibration.put("on", aligned.size() + " queries of " + loaded.name() + " (thinkroute calibrate, " + Instant.now() + ")");
        ObjectNode achieved = calibration.putObject("achieved");
        achieved.put("quality", cal.achieved().quality());
        achieved.put("mean_cost_usd", cal.achieved().meanCost());
        achieved.put("strong_share", cal.achieved().share(strong));
        achieved.put("strong_arm", aligned.arms().get(strong).label());
        RouterArtifact recalibrated = artifact.withPolicy(artifact.policy().withAlpha(cal.alpha()), calibration);
        Path file = out != null ? out : router;
        recalibrated.write(file);
        o.printf(Locale.ROOT, "α %.4g -> %.4g for %s%s: quality %.4f, mean cost $%.6f, %.1f%% of calls to %s, on %d queries%n",
                artifact.policy().alpha(), cal.alpha(), t.label(), cal.met() ? "" : " (not met: " + cal.note() + ")",
                cal.achieved().quality(), cal.achieved().meanCost(), 100 * cal.achieved().share(strong), aligned.arms().get(strong).label(), aligned.size());
        o.println("artifact: " + file.toAbsolutePath());
        o.flush();
        return 0;
    }

    private static OutcomeMatrix reorder(OutcomeMatrix m, int[] column) {
        int n = m.size(), k = column.length;
        double[][] s = new double[n][k], c = new double[n][k], in = new double[n][k], out = new double[n][k];
        for (int q = 0; q < n; q++) {
            for (int a = 0; a < k; a++) {
                s[q][a] = m.score(q, column[a]);
                c[q][a] = m.cost(q, column[a]);
                in[q][a] = m.inputTokens(q, column[a]);
                out[q][a] = m.outputTokens(q, column[a]);
            }
        }
        return new OutcomeMatrix(m.queryIds(), m.queries(), java.util.stream.IntStream.of(column).mapToObj(i -> m.arms().get(i)).toList(), s, c, in, out);
    }
}
