package dev.thinkroute.learn.train;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thinkroute.core.TokenEstimator;
import dev.thinkroute.core.metric.OutcomeMatrix;
import dev.thinkroute.core.route.CostAwarePolicy;
import dev.thinkroute.learn.artifact.RouterArtifact;
import dev.thinkroute.learn.predict.QualityModel;
import dev.thinkroute.learn.predict.QualityModels;
import dev.thinkroute.learn.predict.QualityTrainer;
import dev.thinkroute.learn.predict.TrainingSet;
import dev.thinkroute.learn.router.CostModel;

import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * Trains a router from an outcome table: out-of-fold quality predictions by seeded k-fold cross-validation (what
 * calibration reads, so α is never chosen on rows the model saw), calibration of α to the target, then the final
 * model on all rows.
 */
public final class RouterTrainer {

    /** What training produced: the artifact, and the out-of-fold evidence its calibration rests on. */
    public record Result(RouterArtifact artifact, double[][] outOfFoldQuality, double[][] predictedCost,
                         List<AlphaSweep.Point> sweep, Calibration calibration, long millis) {
    }

    /** Training settings. */
    public record Spec(String name, String kind, int folds, long seed, Target target, String encoderId, int dimension) {
    }

    private RouterTrainer() {
    }

    /**
     * @param train    complete rows (every arm scored)
     * @param x        the embedding of each row's query
     * @param progress receives one line per step (folds, final fit)
     */
    public static Result train(Spec spec, OutcomeMatrix train, float[][] x, ObjectNode provenance, Consumer<String> progress) {
        long started = System.nanoTime();
        QualityTrainer trainer = QualityModels.trainer(spec.kind());
        TrainingSet data = new TrainingSet(x, scores(train));
        double[][] oof = outOfFold(trainer, data, spec.folds(), spec.seed(), progress);
        CostModel cost = CostModel.fit(train);
        double[][] predictedCost = predictedCost(cost, train);
        double scale = cost.costScale();
        List<AlphaSweep.Point> sweep = AlphaSweep.run(oof, predictedCost, train, scale, AlphaSweep.defaultGrid());
        int strong = bestArm(train);
        Calibration calibration = Calibration.calibrate(spec.target(), sweep, strong, train.meanScore(strong));
        progress.accept("fitting the final " + spec.kind() + " model on all " + train.size() + " rows");
        QualityModel model = trainer.fit(data, null, spec.seed());
        long millis = (System.nanoTime() - started) / 1_000_000;

        ObjectNode cal = JsonNodeFactory.instance.objectNode();
        cal.put("target", spec.target().label());
        cal.put("alpha", calibration.alpha());
        cal.put("met", calibration.met());
        if (calibration.note() != null) cal.put("note", calibration.note());
        cal.put("on", "out-of-fold predictions of " + spec.folds() + "-fold cross-validation on the training rows");
        ObjectNode achieved = cal.putObject("achieved");
        achieved.put("quality", calibration.achieved().quality());
        achieved.put("mean_cost_usd", calibration.achieved().meanCost());
        achieved.put("strong_share", calibration.achieved().share(strong));
        achieved.put("strong_arm", train.arms().get(strong).label());

        ObjectNode prov = provenance == null ? JsonNodeFactory.instance.objectNode() : provenance.deepCopy();
        prov.put("trainer", spec.kind());
        prov.set("hyper_parameters", model.hyperParameters());
        prov.put("seed", spec.seed());
        prov.put("folds", spec.folds());
        prov.put("rows", train.size());
        prov.put("created", Instant.now().toString());
        prov.put("training_ms", millis);

        RouterArtifact artifact = new RouterArtifact(spec.name(), spec.encoderId(), spec.dimension(), train.arms(), model, cost,
                new CostAwarePolicy(calibration.alpha(), scale), cal, prov);
        return new Result(artifact, oof, predictedCost, sweep, calibration, millis);
    }

    /** Each row predicted by a model trained on the other folds. */
    public static double[][] outOfFold(QualityTrainer trainer, TrainingSet data, int folds, long seed, Consumer<String> progress) {
        int n = data.size();
        double[][] oof = new double[n][];
        int[][] split = Folds.kFold(n, folds, seed);
        for (int f = 0; f < split.length; f++) {
            progress.accept("fold " + (f + 1) + "/" + split.length + ": fitting " + trainer.kind() + " on " + (n - split[f].length) + " rows");
            QualityModel m = trainer.fit(data.rows(Folds.complement(n, split[f])), null, seed + f);
            for (int row : split[f]) oof[row] = m.predict(data.x()[row]);
        }
        return oof;
    }

    /** Predicted cost of each arm for each row, from the row's query length. */
    public static double[][] predictedCost(CostModel cost, OutcomeMatrix rows) {
        double[][] c = new double[rows.size()][];
        for (int q = 0; q < rows.size(); q++) c[q] = cost.predict(TokenEstimator.estimate(rows.queries().get(q)));
        return c;
    }

    public static double[][] scores(OutcomeMatrix m) {
        double[][] y = new double[m.size()][m.armCount()];
        for (int q = 0; q < m.size(); q++) for (int a = 0; a < m.armCount(); a++) y[q][a] = m.score(q, a);
        return y;
    }

    /** The arm with the best mean score (ties: the cheaper, i.e. lower index). */
    public static int bestArm(OutcomeMatrix m) {
        int best = 0;
        for (int a = 1; a < m.armCount(); a++) if (m.meanScore(a) > m.meanScore(best)) best = a;
        return best;
    }
}
