package dev.thinkroute.learn.report;

import dev.thinkroute.core.metric.Aiq;
import dev.thinkroute.core.metric.Apgr;
import dev.thinkroute.core.metric.Baselines;
import dev.thinkroute.core.metric.Frontier;
import dev.thinkroute.core.metric.Gap;
import dev.thinkroute.core.metric.OutcomeMatrix;
import dev.thinkroute.core.metric.RouterRun;
import dev.thinkroute.learn.predict.QualityModel;
import dev.thinkroute.learn.predict.QualityModels;
import dev.thinkroute.learn.predict.QualityTrainer;
import dev.thinkroute.learn.predict.TrainingSet;
import dev.thinkroute.learn.router.CostModel;
import dev.thinkroute.learn.train.AlphaSweep;
import dev.thinkroute.learn.train.Calibration;
import dev.thinkroute.learn.train.Folds;
import dev.thinkroute.learn.train.RouterTrainer;
import dev.thinkroute.learn.train.Target;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Every router and baseline on the same held-out rows, like a cache simulator replaying one trace through many
 * policies with the clairvoyant one beside them: each learned predictor swept over α (the cost–quality frontier),
 * each single arm, random routing at matched cost, and the oracle.
 *
 * <p>Protocols: seeded k-fold cross-validation (every row is predicted by a model that did not see it, and the
 * frontier is drawn over all rows), or a given train/test split (the models see only train; the frontier is drawn on
 * test, and α is also calibrated on train's out-of-fold predictions and reported on test).
 */
public final class RouterComparison {

    /** How rows are held out. */
    public sealed interface Protocol permits CrossValidation, Split {
    }

    public record CrossValidation(int folds, long seed) implements Protocol {
    }

    /** Rows of the matrix used to train, and those measured. */
    public record Split(int[] train, int[] test, String description, long seed, int calibrationFolds) implements Protocol {
    }

    /** One learned router's results on the held-out rows. */
    public record RouterResult(String kind, List<AlphaSweep.Point> sweep, List<Frontier.Point> frontier, Metrics metrics,
                               Calibrated calibrated, String hyperParameters, long trainMillis) {
    }

    /** The α chosen on training rows for a target, and what it gave on the held-out rows. */
    public record Calibrated(String target, double alpha, double quality, double meanCost, double strongShare, boolean met) {
    }

    /**
     * @param peakQuality       the best quality on the frontier
     * @param costAtPeak        the mean cost of that point
     * @param costToMatchBest   the least mean cost at which the router's quality reaches the best single arm's, or NaN
     */
    public record Metrics(double aiq, double aiqShareOfOracle, double apgr, double cpt50, double cpt80,
                          double apgrByStrongShare, double peakQuality, double costAtPeak, double costToMatchBest) {
    }

    /** The whole comparison of one dataset. */
    public record Result(String dataset, String protocol, int rows, List<String> arms, List<RouterRun> singleArms,
                         RouterRun oracle, Gap gap, double aiqRandom, double aiqOracle, double cMin, double cMax,
                         List<RouterResult> routers) {
    }

    private RouterComparison() {
    }

    /**
     * @param matrix complete rows only (every arm has a score and a cost)
     * @param x      the embedding of each row's query
     * @param kinds  the predictors to compare (e.g. knn, mlp, mf)
     */
    public static Result run(String dataset, OutcomeMatrix matrix, float[][] x, Protocol protocol, List<String> kinds,
                             Target calibrationTarget, Consumer<String> progress) {
        for (int q = 0; q < matrix.size(); q++) {
            if (!matrix.complete(q)) throw new IllegalArgumentException("row " + matrix.queryIds().get(q) + " lacks a score or cost for some arm; compare on completeRows()");
        }
        int[] testRows = testRows(protocol, matrix.size());
        OutcomeMatrix test = matrix.rows(testRows);
        Baseline base = baseline(test);
        List<RouterRun> singles = base.singles();
        RouterRun oracle = base.oracle();
        Gap gap = base.gap();
        double cMin = base.cMin(), cMax = base.cMax(), aiqRandom = base.aiqRandom(), aiqOracle = base.aiqOracle();
        double bestSingle = base.bestSingle();

        List<RouterResult> routers = new ArrayList<>();
        for (String kind : kinds) {
            long started = System.nanoTime();
            List<HeldOutModel> parts = fit(kind, matrix, x, protocol, progress, dataset);
            // Predictions of every test row, in test order, by the model that did not see it; each row's cost scale is
            // its model's (the training rows' dearest arm), so α here means what it means to the served router.
            int[] position = new int[matrix.size()];
            for (int i = 0; i < testRows.length; i++) position[testRows[i]] = i;
            double[][] predictedQuality = new double[testRows.length][];
            double[][] predictedCost = new double[testRows.length][];
            double[] rowScale = new double[testRows.length];
            for (HeldOutModel part : parts) {
                double[][] c = RouterTrainer.predictedCost(part.cost(), matrix.rows(part.testRows()));
                for (int i = 0; i < part.testRows().length; i++) {
                    int row = part.testRows()[i];
                    predictedQuality[position[row]] = part.quality().predict(x[row]);
                    predictedCost[position[row]] = c[i];
                    rowScale[position[row]] = part.cost().costScale();
                }
            }
            String hyper = String.join(" | ", parts.stream().map(p -> p.quality().hyperParameters().toString()).toList());
            Calibrated calibrated = null;
            if (protocol instanceof Split s && calibrationTarget != null) {
                HeldOutModel part = parts.getFirst();
                OutcomeMatrix trainMatrix = matrix.rows(s.train());
                TrainingSet trainSet = new TrainingSet(pick(x, s.train()), RouterTrainer.scores(trainMatrix));
                progress.accept(dataset + ": " + kind + " calibration (" + s.calibrationFolds() + "-fold on train)");
                QualityTrainer trainer = QualityModels.trainer(kind);
                double[][] oof = RouterTrainer.outOfFold(trainer, trainSet, s.calibrationFolds(), s.seed(), line -> { });
                double[][] oofCost = RouterTrainer.predictedCost(part.cost(), trainMatrix);
                List<AlphaSweep.Point> trainSweep = AlphaSweep.run(oof, oofCost, trainMatrix, part.cost().costScale(), AlphaSweep.defaultGrid());
                int strong = RouterTrainer.bestArm(trainMatrix);
                Calibration cal = Calibration.calibrate(calibrationTarget, trainSweep, strong, trainMatrix.meanScore(strong));
                AlphaSweep.Point onTest = AlphaSweep.at(cal.alpha(), predictedQuality, predictedCost, test, part.cost().costScale());
                // The share of the arm calibration limited (train's best), which need not be test's best.
                calibrated = new Calibrated(calibrationTarget.label(), cal.alpha(), onTest.quality(), onTest.meanCost(),
                        onTest.share(strong), cal.met());
            }
            List<AlphaSweep.Point> sweep = AlphaSweep.run(predictedQuality, predictedCost, test, rowScale, AlphaSweep.defaultGrid());
            routers.add(summarise(kind, sweep, gap, cMin, cMax, aiqOracle, bestSingle, calibrated, hyper,
                    (System.nanoTime() - started) / 1_000_000));
        }
        String described = switch (protocol) {
            case CrossValidation cv -> cv.folds() + "-fold cross-validation, seed " + cv.seed();
            case Split s -> s.description() + ", seed " + s.seed();
        };
        return new Result(dataset, described, testRows.length, test.arms().stream().map(a -> a.label()).toList(), singles, oracle, gap,
                aiqRandom, aiqOracle, cMin, cMax, routers);
    }

    /**
     * What every router on the same rows is measured against: each single arm, the oracle (as a point and, for AIQ,
     * as a frontier), the performance gap, the AIQ cost range and random routing's AIQ.
     */
    public record Baseline(List<RouterRun> singles, RouterRun oracle, Gap gap, double cMin, double cMax,
                           double aiqRandom, double aiqOracle, double bestSingle) {
    }

    /** The baselines of {@code test}; cells without a score or cost (a failed call) are never chosen by the oracle. */
    public static Baseline baseline(OutcomeMatrix test) {
        List<RouterRun> singles = Baselines.singleArms(test);
        RouterRun oracle = Baselines.oracle(test);
        Gap gap = Gap.of(test);
        // An arm that never answered (every live call failed) has no point; the range is over those that did.
        List<Frontier.Point> singlePoints = Baselines.singleArmPoints(test).stream()
                .filter(p -> Double.isFinite(p.cost()) && Double.isFinite(p.quality())).toList();
        if (singlePoints.isEmpty()) {
            return new Baseline(singles, oracle, gap, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double cMin = singlePoints.stream().mapToDouble(Frontier.Point::cost).min().orElse(0);
        double cMax = singlePoints.stream().mapToDouble(Frontier.Point::cost).max().orElse(0);
        double aiqRandom = Aiq.aiq(singlePoints, cMin, cMax);
        // The oracle as a frontier, not one point: with the true scores and costs, the policy swept over α gives the
        // best quality reachable at every budget (from always-cheapest up to the oracle point), the ceiling for AIQ.
        double[][] trueScores = RouterTrainer.scores(test);
        double[][] trueCosts = new double[test.size()][test.armCount()];
        for (int q = 0; q < test.size(); q++) {
            for (int a = 0; a < test.armCount(); a++) {
                trueCosts[q][a] = test.cost(q, a);
                if (Double.isNaN(trueScores[q][a]) || Double.isNaN(trueCosts[q][a])) {
                    trueScores[q][a] = Double.NEGATIVE_INFINITY;
                    trueCosts[q][a] = 0;
                }
            }
        }
        double oracleScale = cMax > 0 ? cMax : 1;
        List<Frontier.Point> oracleFrontier = new ArrayList<>();
        for (AlphaSweep.Point p : AlphaSweep.run(trueScores, trueCosts, test, oracleScale, AlphaSweep.defaultGrid())) {
            oracleFrontier.add(new Frontier.Point(p.meanCost(), p.quality(), "oracle α=" + p.alpha()));
        }
        oracleFrontier.add(oracle.point("oracle"));
        double aiqOracle = Aiq.aiq(oracleFrontier, cMin, cMax);
        double bestSingle = singles.stream().mapToDouble(RouterRun::accuracy).filter(d -> !Double.isNaN(d)).max().orElse(Double.NaN);
        return new Baseline(singles, oracle, gap, cMin, cMax, aiqRandom, aiqOracle, bestSingle);
    }

    /**
     * A quality and cost model fitted on some rows, to predict others: one per fold of cross-validation, or one for a
     * train/test split. {@code thinkroute eval} serves these same models as routers.
     *
     * @param testRows the matrix rows this model predicts (never seen in its training)
     */
    public record HeldOutModel(int[] trainRows, int[] testRows, QualityModel quality, CostModel cost) {
    }

    /** Fits {@code kind} once per held-out part of {@code protocol}, on that part's training rows only. */
    public static List<HeldOutModel> fit(String kind, OutcomeMatrix matrix, float[][] x, Protocol protocol,
                                         Consumer<String> progress, String dataset) {
        QualityTrainer trainer = QualityModels.trainer(kind);
        TrainingSet all = new TrainingSet(x, RouterTrainer.scores(matrix));
        List<HeldOutModel> parts = new ArrayList<>();
        switch (protocol) {
            case CrossValidation cv -> {
                int[][] folds = Folds.kFold(matrix.size(), cv.folds(), cv.seed());
                for (int f = 0; f < folds.length; f++) {
                    progress.accept(dataset + ": " + kind + " fold " + (f + 1) + "/" + folds.length);
                    int[] trainRows = Folds.complement(matrix.size(), folds[f]);
                    QualityModel model = trainer.fit(all.rows(trainRows), null, cv.seed() + f);
                    parts.add(new HeldOutModel(trainRows, folds[f], model, CostModel.fit(matrix.rows(trainRows))));
                }
            }
            case Split s -> {
                progress.accept(dataset + ": " + kind + " on " + s.train().length + " training rows");
                QualityModel model = trainer.fit(all.rows(s.train()), null, s.seed());
                parts.add(new HeldOutModel(s.train(), s.test(), model, CostModel.fit(matrix.rows(s.train()))));
            }
        }
        return parts;
    }

    /** The rows a protocol measures, in the order its figures sum them. */
    public static int[] testRows(Protocol protocol, int size) {
        return switch (protocol) {
            case CrossValidation cv -> java.util.stream.IntStream.range(0, size).toArray();
            case Split s -> s.test();
        };
    }

    /**
     * A router's metrics from its α sweep on the held-out rows, against the baselines of the same rows: the one
     * computation behind {@code compare} and {@code eval}, so their figures agree to the last digit.
     */
    public static RouterResult summarise(String kind, List<AlphaSweep.Point> sweep, Gap gap, double cMin, double cMax,
                                         double aiqOracle, double bestSingle, Calibrated calibrated, String hyper, long millis) {
        List<Frontier.Point> points = new ArrayList<>();
        List<Frontier.Point> pgrByCost = new ArrayList<>();
        List<Frontier.Point> pgrByShare = new ArrayList<>();
        for (AlphaSweep.Point p : sweep) {
            Frontier.Point point = new Frontier.Point(p.meanCost(), p.quality(), "α=" + p.alpha());
            points.add(point);
            pgrByCost.add(gap.byCost(point));
            pgrByShare.add(new Frontier.Point(p.share(gap.strongArm()), gap.pgr(p.quality())));
        }
        double aiq = Double.isFinite(cMin) && Double.isFinite(cMax) && cMin <= cMax ? Aiq.aiq(points, cMin, cMax) : Double.NaN;
        Frontier.Point peak = points.stream().max(java.util.Comparator.comparingDouble(Frontier.Point::quality)
                .thenComparing(java.util.Comparator.comparingDouble(Frontier.Point::cost).reversed())).orElseThrow();
        double toMatch = points.stream().filter(p -> p.quality() >= bestSingle - 1e-12).mapToDouble(Frontier.Point::cost).min().orElse(Double.NaN);
        Metrics metrics = new Metrics(aiq, aiqOracle > 0 ? aiq / aiqOracle : Double.NaN, Apgr.apgr(pgrByCost),
                Apgr.cpt(pgrByCost, 0.5), Apgr.cpt(pgrByCost, 0.8), Apgr.apgr(pgrByShare),
                peak.quality(), peak.cost(), toMatch);
        return new RouterResult(kind, sweep, Frontier.convexHull(points), metrics, calibrated, hyper, millis);
    }

    private static float[][] pick(float[][] x, int[] rows) {
        float[][] out = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) out[i] = x[rows[i]];
        return out;
    }
}
