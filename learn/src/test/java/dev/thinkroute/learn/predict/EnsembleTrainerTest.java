package dev.thinkroute.learn.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EnsembleTrainerTest extends PredictorContract {

    @Override
    QualityTrainer trainer() {
        return new EnsembleTrainer(new EnsembleTrainer.Config(List.of("cluster", "knn"), 0, "brier", "best"));
    }

    @Test
    void theDefaultIsTheEqualMeanOfClusterKnnAndMlp() {
        Clusters c = new Clusters(61);
        TrainingSet data = c.twoArms(40);

        EnsembleModel m = new EnsembleTrainer().fit(data, null, 3);

        assertThat(m.members()).extracting(QualityModel::kind).containsExactly("cluster", "knn", "mlp");
        assertThat(m.weights()).containsExactly(1.0 / 3, 1.0 / 3, 1.0 / 3);
        // Each member is what its own trainer makes from the same rows and seed.
        QualityModel cluster = QualityModels.trainer("cluster").fit(data, null, 3);
        QualityModel knn = QualityModels.trainer("knn").fit(data, null, 3);
        QualityModel mlp = QualityModels.trainer("mlp").fit(data, null, 3);
        for (int i = 0; i < 10; i++) {
            float[] q = c.randomUnit();
            double[] p = m.predict(q);
            for (int a = 0; a < 2; a++) {
                double mean = (cluster.predict(q)[a] + knn.predict(q)[a] + mlp.predict(q)[a]) / 3;
                assertThat(p[a]).isCloseTo(mean, within(1e-12));
            }
        }
    }

    @Test
    void aWeightGridIsSearchedOnTheHeldOutRowsAndZeroWeightsAreDropped() {
        // Arm 0 depends on the side of a hyperplane through the origin; arm 1 is noise.
        Clusters c = new Clusters(62);
        Random rng = new Random(3);
        int n = 400;
        float[][] x = new float[n][];
        double[][] y = new double[n][];
        for (int i = 0; i < n; i++) {
            x[i] = c.randomUnit();
            y[i] = new double[]{x[i][0] > 0 ? 1 : 0, rng.nextInt(2)};
        }
        EnsembleTrainer trainer = new EnsembleTrainer(new EnsembleTrainer.Config(List.of("knn", "mf"), 0.5, "brier", "best"));

        EnsembleModel m = trainer.fit(new TrainingSet(x, y), null, 1);

        JsonNode tried = m.hyperParameters().get("candidates");
        assertThat(tried).hasSize(3);
        int best = 0;
        for (int i = 1; i < 3; i++) if (tried.get(i).get("validation_loss").asDouble() < tried.get(best).get("validation_loss").asDouble()) best = i;
        double[] expected = EnsembleTrainer.grid(2, 0.5).get(best);
        List<Double> kept = java.util.Arrays.stream(expected).filter(w -> w > 0).boxed().toList();
        assertThat(m.weights()).containsExactly(kept.stream().mapToDouble(Double::doubleValue).toArray());
        assertThat(m.members()).hasSize(kept.size());
        assertThat(m.hyperParameters().get("validation").asText()).startsWith("held out 15%");
        assertThat(m.predict(c.near(new float[]{1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 0.1))[0]).isGreaterThan(0.6);
    }

    @Test
    void theWeightGridListsTheFirstMembersWeightHighestFirst() {
        List<double[]> grid = EnsembleTrainer.grid(3, 0.5);

        assertThat(grid).containsExactly(new double[]{1, 0, 0}, new double[]{0.5, 0.5, 0}, new double[]{0.5, 0, 0.5},
                new double[]{0, 1, 0}, new double[]{0, 0.5, 0.5}, new double[]{0, 0, 1});
        assertThat(EnsembleTrainer.grid(2, 0)).containsExactly(new double[]{0.5, 0.5});
    }

    @Test
    void rejectsBadSettingsAndDamagedJson() {
        assertThatThrownBy(() -> new EnsembleTrainer.Config(List.of("ensemble"), 0, "brier", "best")).hasMessageContaining("cannot hold an ensemble");
        assertThatThrownBy(() -> new EnsembleTrainer.Config(List.of("knn", "knn"), 0, "brier", "best")).hasMessageContaining("repeat");
        assertThatThrownBy(() -> new EnsembleTrainer.Config(List.of("forest"), 0, "brier", "best")).hasMessageContaining("'forest'");
        assertThatThrownBy(() -> new EnsembleTrainer.Config(List.of("knn"), 0.3, "brier", "best")).hasMessageContaining("1/n");
        Clusters c = new Clusters(63);
        ObjectNode json = trainer().fit(c.twoArms(10), null, 1).toJson();
        json.putArray("weights").add(1.0);
        assertThatThrownBy(() -> QualityModels.fromJson(json)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one number per member");
    }
}
