package dev.thinkroute.learn.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ClusterTrainerTest extends PredictorContract {

    /** Small and quick: two resolutions, two seeds each. */
    static final ClusterTrainer SMALL = new ClusterTrainer(new ClusterTrainer.Config(List.of(2, 4), 2, List.of(1.0, 4.0),
            List.of(0.0, 0.05), 20, 4000, "brier", "best"));

    @Override
    QualityTrainer trainer() {
        return SMALL;
    }

    @Test
    void defaultSettingsAlsoSeparateTheClusters() {
        Clusters c = new Clusters(41);
        QualityModel m = QualityModels.trainer("cluster").fit(c.twoArms(150), null, 1);

        assertThat(m.predict(c.near(c.a, 0.1))[0] - m.predict(c.near(c.a, 0.1))[1]).isGreaterThan(0.5);
        assertThat(m.predict(c.near(c.b, 0.1))[1] - m.predict(c.near(c.b, 0.1))[0]).isGreaterThan(0.5);
    }

    @Test
    void estimatesAreClusterMeansShrunkTowardTheArmMean() {
        // Two tight groups: 30 rows near A with arm 0 scoring 1 on 20 of them, 10 rows near B with arm 0 scoring 0.
        Clusters c = new Clusters(42);
        float[][] x = new float[40][];
        double[][] y = new double[40][];
        for (int i = 0; i < 30; i++) {
            x[i] = c.near(c.a, 0.01);
            y[i] = new double[]{i < 20 ? 1 : 0};
        }
        for (int i = 30; i < 40; i++) {
            x[i] = c.near(c.b, 0.01);
            y[i] = new double[]{0};
        }
        TrainingSet data = new TrainingSet(x, y);
        ClusterTrainer one = new ClusterTrainer(new ClusterTrainer.Config(List.of(2), 1, List.of(5.0), List.of(0.0), 20, 4000, "brier", "best"));

        ClusterModel m = one.fit(data, data, 1);

        double prior = 20.0 / 40;
        assertThat(m.clusterSizes()).containsExactly(2);
        assertThat(m.predict(c.a)[0]).isCloseTo((20 + 5 * prior) / (30 + 5), within(1e-12));
        assertThat(m.predict(c.b)[0]).isCloseTo((0 + 5 * prior) / (10 + 5), within(1e-12));
    }

    @Test
    void aSoftAssignmentBlendsTheClustersByTheirSimilarity() {
        Clusters c = new Clusters(43);
        float[][] x = new float[20][];
        double[][] y = new double[20][];
        for (int i = 0; i < 20; i++) {
            x[i] = c.near(i % 2 == 0 ? c.a : c.b, 0.01);
            y[i] = new double[]{i % 2 == 0 ? 1 : 0};
        }
        TrainingSet data = new TrainingSet(x, y);
        ClusterTrainer hard = new ClusterTrainer(new ClusterTrainer.Config(List.of(2), 1, List.of(0.0), List.of(0.0), 20, 4000, "brier", "best"));
        ClusterTrainer soft = new ClusterTrainer(new ClusterTrainer.Config(List.of(2), 1, List.of(0.0), List.of(10.0), 20, 4000, "brier", "best"));

        float[] between = Clusters.unit(add(c.a, c.b, 0.6));
        assertThat(hard.fit(data, data, 1).predict(between)[0]).isIn(0.0, 1.0);
        double blended = soft.fit(data, data, 1).predict(between)[0];
        assertThat(blended).isStrictlyBetween(0.2, 0.8);
    }

    @Test
    void choosesTheShrinkageOnValidation() {
        // Scores independent of the query: strong shrinkage toward the overall mean predicts best.
        Clusters c = new Clusters(44);
        Random rng = new Random(7);
        int n = 600;
        float[][] x = new float[n][];
        double[][] y = new double[n][];
        for (int i = 0; i < n; i++) {
            x[i] = c.randomUnit();
            y[i] = new double[]{rng.nextDouble() < 0.3 ? 1 : 0, rng.nextDouble() < 0.7 ? 1 : 0};
        }
        ClusterTrainer trainer = new ClusterTrainer(new ClusterTrainer.Config(List.of(32), 2, List.of(0.0, 1000.0), List.of(0.0), 20, 4000, "brier", "best"));

        ClusterModel m = trainer.fit(new TrainingSet(x, y), null, 1);

        assertThat(m.hyperParameters().get("shrinkage").asDouble()).isEqualTo(1000.0);
        assertThat(m.hyperParameters().get("candidates")).hasSize(2);
        assertThat(m.hyperParameters().get("validation").asText()).startsWith("held out 15%");
    }

    @Test
    void averagesEveryResolutionAndSeed() {
        Clusters c = new Clusters(45);
        ClusterTrainer trainer = new ClusterTrainer(new ClusterTrainer.Config(List.of(2, 3, 500), 2, List.of(1.0), List.of(0.0), 20, 4000, "brier", "best"));

        ClusterModel m = trainer.fit(c.twoArms(30), null, 1);

        // 500 clusters are capped at the 51 rows the clusterings are fitted on.
        assertThat(m.clusterSizes()).containsExactly(2, 2, 3, 3, 51, 51);
        assertThat(m.toJson().get("weights").get("centroids").get("shape").get(0).asInt()).isEqualTo(2 + 2 + 3 + 3 + 51 + 51);
    }

    @Test
    void placesCentroidsOnASampleWhenThereAreManyRows() {
        Clusters c = new Clusters(46);
        ClusterTrainer trainer = new ClusterTrainer(new ClusterTrainer.Config(List.of(4), 1, List.of(1.0), List.of(0.0), 20, 30, "brier", "best"));

        ClusterModel m = trainer.fit(c.twoArms(50), null, 1);

        assertThat(m.hyperParameters().get("clustering").asText()).endsWith("on 30 rows");
        assertThat(m.predict(c.near(c.a, 0.1))[0]).isGreaterThan(0.75);
    }

    @Test
    void kMeansFindsWellSeparatedGroups() {
        Clusters c = new Clusters(47);
        float[][] centres = {c.a, c.b, c.randomUnit()};
        int d = Clusters.DIM;
        float[] x = new float[90 * d];
        for (int i = 0; i < 90; i++) System.arraycopy(c.near(centres[i % 3], 0.02), 0, x, i * d, d);

        float[] centroids = SphericalKMeans.fit(x, d, 3, 50, 5);

        assertThat(centroids).hasSize(3 * d);
        for (float[] centre : centres) {
            double best = -1;
            for (int k = 0; k < 3; k++) best = Math.max(best, SphericalKMeans.dot(centre, 0, centroids, k * d, d));
            assertThat(best).isGreaterThan(0.99);
        }
    }

    @Test
    void rejectsBadSettingsAndDamagedJson() {
        assertThatThrownBy(() -> new ClusterTrainer.Config(List.of(0), 1, List.of(1.0), List.of(0.0), 20, 10, "brier", "best"))
                .hasMessageContaining("cluster count");
        assertThatThrownBy(() -> new ClusterTrainer.Config(List.of(2), 1, List.of(-1.0), List.of(0.0), 20, 10, "brier", "best"))
                .hasMessageContaining("shrinkage");
        assertThatThrownBy(() -> new ClusterTrainer.Config(List.of(2), 1, List.of(1.0), List.of(0.0), 20, 10, "mse", "best"))
                .hasMessageContaining("'mse'");
        Clusters c = new Clusters(48);
        ObjectNode json = SMALL.fit(c.twoArms(10), null, 1).toJson();
        json.putArray("clusters").add(1);
        assertThatThrownBy(() -> QualityModels.fromJson(json)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'centroids'");
    }

    private static float[] add(float[] u, float[] v, double share) {
        float[] out = new float[u.length];
        for (int i = 0; i < u.length; i++) out[i] = (float) ((1 - share) * u[i] + share * v[i]);
        return out;
    }
}
