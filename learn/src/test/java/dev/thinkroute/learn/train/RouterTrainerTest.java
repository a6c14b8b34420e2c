package dev.thinkroute.learn.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thinkroute.core.metric.OutcomeMatrix;
import dev.thinkroute.core.route.Query;
import dev.thinkroute.learn.artifact.RouterArtifact;
import dev.thinkroute.learn.predict.QualityModel;
import dev.thinkroute.learn.predict.QualityModels;
import dev.thinkroute.learn.predict.QualityTrainer;
import dev.thinkroute.learn.predict.TrainingSet;
import dev.thinkroute.learn.router.LearnedRouter;
import dev.thinkroute.learn.router.Synthetic;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

class RouterTrainerTest {

    private static final Synthetic.ClusterEncoder ENCODER = new Synthetic.ClusterEncoder();

    private static RouterTrainer.Spec spec(String kind, Target target) {
        return new RouterTrainer.Spec("clusters", kind, 5, 42, target, ENCODER.id(), ENCODER.dimension());
    }

    @Test
    void learnsToSendClusterAToTheCheapArmAndClusterBToTheStrongOne() {
        OutcomeMatrix m = Synthetic.cheapGoodOnA(40);
        float[][] x = Synthetic.embed(ENCODER, m);
        List<String> progress = new ArrayList<>();

        RouterTrainer.Result r = RouterTrainer.train(spec("knn", new Target.QualityFloor(0.0)), m, x, null, progress::add);

        // Quality 1 is reachable (strong arm everywhere); the cheapest way to it is cheap on A, strong on B.
        assertThat(r.calibration().met()).isTrue();
        assertThat(r.calibration().achieved().quality()).isEqualTo(1.0);
        assertThat(r.calibration().achieved().meanCost()).isCloseTo((0.001 + 0.01) / 2, within(1e-12));
        assertThat(r.calibration().achieved().share(1)).isEqualTo(0.5);

        LearnedRouter router = r.artifact().router(ENCODER, null);
        for (int i = 100; i < 125; i++) {
            assertThat(router.route(Query.of("A" + i)).arm()).as("A%d", i).isEqualTo(Synthetic.CHEAP);
            assertThat(router.route(Query.of("B" + i)).arm()).as("B%d", i).isEqualTo(Synthetic.STRONG);
        }
        assertThat(progress).hasSize(6);
        assertThat(progress.getFirst()).contains("fold 1/5");
        assertThat(progress.getLast()).contains("final").contains("80 rows");
    }

    @Test
    void theArtifactRecordsPolicyCalibrationAndProvenance() {
        OutcomeMatrix m = Synthetic.cheapGoodOnA(30);
        ObjectNode given = JsonNodeFactory.instance.objectNode().put("data", "synthetic.jsonl");

        RouterTrainer.Result r = RouterTrainer.train(spec("knn", new Target.QualityFloor(0.0)), m, Synthetic.embed(ENCODER, m), given, line -> { });

        RouterArtifact a = r.artifact();
        assertThat(a.name()).isEqualTo("clusters");
        assertThat(a.encoderId()).isEqualTo(ENCODER.id());
        assertThat(a.dimension()).isEqualTo(Synthetic.DIM);
        assertThat(a.arms()).containsExactly(Synthetic.CHEAP, Synthetic.STRONG);
        assertThat(a.quality().kind()).isEqualTo("knn");
        assertThat(a.policy().alpha()).isEqualTo(r.calibration().alpha());
        assertThat(a.policy().costScale()).isCloseTo(0.01, within(1e-15));
        assertThat(a.calibration().get("target").asText()).isEqualTo("quality-drop=0.0");
        assertThat(a.calibration().get("met").asBoolean()).isTrue();
        assertThat(a.calibration().get("achieved").get("strong_arm").asText()).isEqualTo(Synthetic.STRONG.label());
        assertThat(a.provenance().get("data").asText()).isEqualTo("synthetic.jsonl");
        assertThat(a.provenance().get("trainer").asText()).isEqualTo("knn");
        assertThat(a.provenance().get("seed").asLong()).isEqualTo(42);
        assertThat(a.provenance().get("folds").asInt()).isEqualTo(5);
        assertThat(a.provenance().get("rows").asInt()).isEqualTo(60);
        assertThat(a.provenance().has("hyper_parameters")).isTrue();
        assertThat(given.has("trainer")).as("the caller's provenance is copied, not changed").isFalse();
        assertThat(r.sweep()).hasSize(AlphaSweep.defaultGrid().length);
        assertThat(r.predictedCost()).hasNumberOfRows(60);
    }

    @Test
    void aStrongShareOfZeroSendsEverythingToTheCheapArm() {
        OutcomeMatrix m = Synthetic.cheapGoodOnA(30);

        RouterTrainer.Result r = RouterTrainer.train(spec("knn", new Target.StrongShare(0.0)), m, Synthetic.embed(ENCODER, m), null, line -> { });

        assertThat(r.calibration().met()).isTrue();
        assertThat(r.calibration().achieved().share(1)).isZero();
        LearnedRouter router = r.artifact().router(ENCODER, null);
        for (int i = 0; i < 10; i++) assertThat(router.route(Query.of("B" + (200 + i))).arm()).isEqualTo(Synthetic.CHEAP);
    }

    @Test
    void outOfFoldPredictionsComeFromModelsThatDidNotSeeTheRow() {
        // 30 rows, each with its own label pattern over 5 arms (the bits of row + 1): only memorisation predicts them.
        int n = 30, arms = 5;
        float[][] x = new float[n][];
        double[][] y = new double[n][arms];
        for (int i = 0; i < n; i++) {
            x[i] = ENCODER.embed("row " + i);
            for (int a = 0; a < arms; a++) y[i][a] = ((i + 1) >> a) & 1;
        }
        TrainingSet data = new TrainingSet(x, y);
        Memoriser memo = new Memoriser();

        // In sample, the memoriser is perfect: the table is predictable only by having seen the row.
        QualityModel all = memo.fit(data, null, 0);
        for (int i = 0; i < n; i++) assertThat(all.predict(x[i])).containsExactly(y[i]);
        memo.fits.clear();

        double[][] oof = RouterTrainer.outOfFold(memo, data, 5, 11, line -> { });

        for (int i = 0; i < n; i++) assertThat(oof[i]).as("row %d", i).containsOnly(Memoriser.UNSEEN);
        assertThat(memo.fits).hasSize(5);
        int[][] folds = Folds.kFold(n, 5, 11);
        for (int f = 0; f < 5; f++) {
            assertThat(memo.fits.get(f).rows).isEqualTo(n - folds[f].length);
            assertThat(memo.fits.get(f).seed).isEqualTo(11 + f);
        }
    }

    @Test
    void trainedOutOfFoldPredictionsAreThoseOfTheFoldModelsNotOfTheFinalOne() {
        OutcomeMatrix m = Synthetic.noisyThreeArms(40, 5);
        float[][] x = Synthetic.embed(ENCODER, m);

        RouterTrainer.Result r = RouterTrainer.train(spec("knn", new Target.QualityFloor(0.02)), m, x, null, line -> { });

        TrainingSet data = new TrainingSet(x, RouterTrainer.scores(m));
        int[][] folds = Folds.kFold(m.size(), 5, 42);
        QualityTrainer knn = QualityModels.trainer("knn");
        int differs = 0;
        for (int f = 0; f < folds.length; f++) {
            QualityModel foldModel = knn.fit(data.rows(Folds.complement(m.size(), folds[f])), null, 42 + f);
            for (int row : folds[f]) {
                assertThat(r.outOfFoldQuality()[row]).as("row %d", row).containsExactly(foldModel.predict(x[row]));
                if (!Arrays.equals(r.outOfFoldQuality()[row], r.artifact().quality().predict(x[row]))) differs++;
            }
        }
        assertThat(differs).as("rows whose out-of-fold prediction differs from the final model's").isGreaterThan(m.size() / 2);
    }

    @Test
    void bestArmIsTheHighestMeanScoreWithTiesToTheCheaper() {
        OutcomeMatrix tie = new OutcomeMatrix(List.of("a", "b"), List.of("a", "b"),
                List.of(Synthetic.CHEAP, Synthetic.MID, Synthetic.STRONG),
                new double[][]{{0, 1, 1}, {1, 1, 1}}, new double[][]{{1, 2, 3}, {1, 2, 3}}, Synthetic.nan(2, 3), Synthetic.nan(2, 3));
        assertThat(RouterTrainer.bestArm(tie)).isEqualTo(1);
        assertThat(RouterTrainer.bestArm(Synthetic.cheapGoodOnA(5))).isEqualTo(1);
        assertThat(RouterTrainer.scores(tie)).isDeepEqualTo(new double[][]{{0, 1, 1}, {1, 1, 1}});
    }

    @Test
    void trainingIsDeterministicForASeed() {
        OutcomeMatrix m = Synthetic.noisyThreeArms(30, 8);
        float[][] x = Synthetic.embed(ENCODER, m);

        RouterTrainer.Result a = RouterTrainer.train(spec("knn", new Target.MeanCost(0.004)), m, x, null, line -> { });
        RouterTrainer.Result b = RouterTrainer.train(spec("knn", new Target.MeanCost(0.004)), m, x, null, line -> { });

        assertThat(a.outOfFoldQuality()).isDeepEqualTo(b.outOfFoldQuality());
        assertThat(a.calibration().alpha()).isEqualTo(b.calibration().alpha());
        assertThat(a.artifact().quality().toJson()).isEqualTo(b.artifact().quality().toJson());
    }

    /** A trainer whose model returns a row's own labels if it was trained on that row, and {@link #UNSEEN} otherwise. */
    static final class Memoriser implements QualityTrainer {
        static final double UNSEEN = 0.5;

        record Fit(int rows, long seed) {
        }

        final List<Fit> fits = new ArrayList<>();

        @Override
        public String kind() {
            return "memo";
        }

        @Override
        public QualityModel fit(TrainingSet train, TrainingSet validation, long seed) {
            fits.add(new Fit(train.size(), seed));
            Map<String, double[]> seen = new HashMap<>();
            for (int i = 0; i < train.size(); i++) seen.put(Arrays.toString(train.x()[i]), train.y()[i].clone());
            int arms = train.armCount();
            return Synthetic.model(arms, x -> {
                double[] unseen = new double[arms];
                Arrays.fill(unseen, UNSEEN);
                return seen.getOrDefault(Arrays.toString(x), unseen).clone();
            });
        }
    }

}
