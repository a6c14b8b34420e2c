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
        int[] testRows = switch (protocol) {
            case CrossValidation cv -> java.util.stream.IntStream.range(0, matrix.size()).toArray();
            case Split s -> s.test();
        };
        OutcomeMatrix test = matrix.rows(testRows);
        List<RouterRun> singles = Baselines.singleArms(test);
        RouterRun oracle = Baselines.oracle(test);
        Gap gap = Gap.of(test);
        List<Frontier.Point> singlePoints = Baselines.singleArmPoints(test);
        double cMin = singlePoints.stream().mapToDouble(Frontier.Point::cost).min().orElse(0);
        double cMax = singlePoints.stream().mapToDouble(Frontier.Point::cost).max().orElse(0);
        double aiqRandom = Aiq.aiq(singlePoints, cMin, cMax);
        // The oracle as a frontier, not one point: with the true scores and costs, the policy swept over α gives the
        // best quality reachable at every budget (from always-cheapest up to the oracle point), the ceiling for AIQ.
        double[][] trueScores = RouterTrainer.scores(test);
        double[][] trueCosts = new double[test.size()][test.armCount()];
        for (int q = 0; q < test.size(); q++) for (int a = 0; a < test.armCount(); a++) trueCosts[q][a] = test.cost(q, a);
        double oracleScale = cMax > 0 ? cMax : 1;
        List<Frontier.Point> oracleFrontier = new ArrayList<>();
        for (AlphaSweep.Point p : AlphaSweep.run(trueScores, trueCosts, test, oracleScale, AlphaSweep.defaultGrid())) {
            oracleFrontier.add(new Frontier.Point(p.meanCost(), p.quality(), "oracle α=" + p.alpha()));
        }
        oracleFrontier.add(oracle.point("oracle"));
        double aiqOracle = Aiq.aiq(oracleFrontier, cMin, cMax);
        double bestSingle = singles.stream().mapToDouble(RouterRun::accuracy).max().orElse(Double.NaN);

        List<RouterResult> routers = new ArrayList<>();
        for (String kind : kinds) {
            long started = System.nanoTime();
            QualityTrainer trainer = QualityModels.trainer(kind);
            double[][] predictedQuality;
            double[][] predictedCost;
            String hyper;
            Calibrated calibrated = null;
            switch (protocol) {
                case CrossValidation cv -> {
                    predictedQuality = new double[matrix.size()][];
                    predictedCost = new double[matrix.size()][];
                    TrainingSet all = new TrainingSet(x, RouterTrainer.scores(matrix));
                    int[][] folds = Folds.kFold(matrix.size(), cv.folds(), cv.seed());
                    List<String> chosen = new ArrayList<>();
                    for (int f = 0; f < folds.length; f++) {
                        progress.accept(dataset + ": " + kind + " fold " + (f + 1) + "/" + folds.length);
                        int[] trainRows = Folds.complement(matrix.size(), folds[f]);
                        QualityModel model = trainer.fit(all.rows(trainRows), null, cv.seed() + f);
                        chosen.add(model.hyperParameters().toString());
                        CostModel cost = CostModel.fit(matrix.rows(trainRows));
                        double[][] c = RouterTrainer.predictedCost(cost, matrix.rows(folds[f]));
                        for (int i = 0; i < folds[f].length; i++) {
                            int row = folds[f][i];
                            predictedQuality[row] = model.predict(x[row]);
                            predictedCost[row] = c[i];
                        }
                    }
                    hyper = String.join(" | ", chosen);
                }
                case Split s -> {
                    OutcomeMatrix trainMatrix = matrix.rows(s.train());
                    TrainingSet trainSet = new TrainingSet(pick(x, s.train()), RouterTrainer.scores(trainMatrix));
                    progress.accept(dataset + ": " + kind + " on " + s.train().length + " training rows");
                    QualityModel model = trainer.fit(trainSet, null, s.seed());
                    hyper = model.hyperParameters().toString();
                    CostModel cost = CostModel.fit(trainMatrix);
                    predictedQuality = new double[testRows.length][];
                    for (int i = 0; i < testRows.length; i++) predictedQuality[i] = model.predict(x[testRows[i]]);
                    predictedCost = RouterTrainer.predictedCost(cost, test);
                    if (calibrationTarget != null) {
                        progress.accept(dataset + ": " + kind + " calibration (" + s.calibrationFolds() + "-fold on train)");
                        double[][] oof = RouterTrainer.outOfFold(trainer, trainSet, s.calibrationFolds(), s.seed(), line -> { });
                        double[][] oofCost = RouterTrainer.predictedCost(cost, trainMatrix);
                        List<AlphaSweep.Point> trainSweep = AlphaSweep.run(oof, oofCost, trainMatrix, cost.costScale(), AlphaSweep.defaultGrid());
                        int strong = RouterTrainer.bestArm(trainMatrix);
                        Calibration cal = Calibration.calibrate(calibrationTarget, trainSweep, strong, trainMatrix.meanScore(strong));
                        AlphaSweep.Point onTest = AlphaSweep.at(cal.alpha(), predictedQuality, predictedCost, test, cost.costScale());
                        // The share of the arm calibration limited (train's best), which need not be test's best.
                        calibrated = new Calibrated(calibrationTarget.label(), cal.alpha(), onTest.quality(), onTest.meanCost(),
                                onTest.share(strong), cal.met());
                    }
                }
            }
            double scale = 0;
            for (RouterRun r : singles) scale = Math.max(scale, r.meanCost());
            List<AlphaSweep.Point> sweep = AlphaSweep.run(predictedQuality, predictedCost, test, scale > 0 ? scale : 1, AlphaSweep.defaultGrid());
            List<Frontier.Point> points = new ArrayList<>();
            List<Frontier.Point> pgrByCost = new ArrayList<>();
            List<Frontier.Point> pgrByShare = new ArrayList<>();
            for (AlphaSweep.Point p : sweep) {
                Frontier.Point point = new Frontier.Point(p.meanCost(), p.quality(), "α=" + p.alpha());
                points.add(point);
                pgrByCost.add(gap.byCost(point));
                pgrByShare.add(new Frontier.Point(p.share(gap.strongArm()), gap.pgr(p.quality())));
            }
            double aiq = Aiq.aiq(points, cMin, cMax);
            Frontier.Point peak = points.stream().max(java.util.Comparator.comparingDouble(Frontier.Point::quality)
                    .thenComparing(java.util.Comparator.comparingDouble(Frontier.Point::cost).reversed())).orElseThrow();
            double toMatch = points.stream().filter(p -> p.quality() >= bestSingle - 1e-12).mapToDouble(Frontier.Point::cost).min().orElse(Double.NaN);
            Metrics metrics = new Metrics(aiq, aiqOracle > 0 ? aiq / aiqOracle : Double.NaN, Apgr.apgr(pgrByCost),
                    Apgr.cpt(pgrByCost, 0.5), Apgr.cpt(pgrByCost, 0.8), Apgr.apgr(pgrByShare),
                    peak.quality(), peak.cost(), toMatch);
            routers.add(new RouterResult(kind, sweep, Frontier.convexHull(points), metrics, calibrated, hyper,
                    (System.nanoTime() - started) / 1_000_000));
        }
        String described = switch (protocol) {
            case CrossValidation cv -> cv.folds() + "-fold cross-validation, seed " + cv.seed();
            case Split s -> s.description() + ", seed " + s.seed();
        };
        return new Result(dataset, described, testRows.length, test.arms().stream().map(a -> a.label()).toList(), singles, oracle, gap,
                aiqRandom, aiqOracle, cMin, cMax, routers);
    }

    private static float[][] pick(float[][] x, int[] rows) {
        float[][] out = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) out[i] = x[rows[i]];
        return out;
    }
}
