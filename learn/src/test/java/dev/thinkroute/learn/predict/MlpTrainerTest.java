package dev.thinkroute.learn.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class MlpTrainerTest extends PredictorContract {

    /** Small and quick: 16 hidden units against logistic regression. */
    static final MlpTrainer SMALL = new MlpTrainer(new MlpTrainer.Config(List.of(16, 0), 0.1, new GradientSettings(1e-2, 1e-3, 16, 100, 8)));

    @Override
    QualityTrainer trainer() {
        return SMALL;
    }

    @Test
    void defaultSettingsAlsoSeparateTheClusters() {
        Clusters c = new Clusters(31);
        QualityModel m = QualityModels.trainer("mlp").fit(c.twoArms(150), null, 1);

        assertThat(m.predict(c.near(c.a, 0.1))[0] - m.predict(c.near(c.a, 0.1))[1]).isGreaterThan(0.5);
        assertThat(m.predict(c.near(c.b, 0.1))[1] - m.predict(c.near(c.b, 0.1))[0]).isGreaterThan(0.5);
    }

    @Test
    void noHiddenUnitsIsPerArmLogisticRegression() {
        Clusters c = new Clusters(32);
        MlpTrainer logistic = new MlpTrainer(new MlpTrainer.Config(List.of(0), 0.5, new GradientSettings(1e-2, 0, 16, 100, 8)));

        MlpModel m = logistic.fit(c.twoArms(60), null, 1);

        assertThat(m.hiddenUnits()).isZero();
        assertThat(m.hyperParameters().get("dropout").asDouble()).isZero();
        assertThat(m.toJson().get("weights").has("w")).isTrue();
        assertThat(m.predict(c.near(c.a, 0.1))[0]).isGreaterThan(0.75);
        assertThat(m.predict(c.near(c.b, 0.1))[0]).isLessThan(0.25);
    }

    @Test
    void keepsTheHiddenWidthWithTheLowestValidationLoss() {
        Clusters c = new Clusters(33);

        MlpModel m = SMALL.fit(c.twoArms(60), null, 1);

        JsonNode tried = m.hyperParameters().get("candidates");
        assertThat(tried).hasSize(2);
        double best = Math.min(tried.get(0).get("validation_loss").asDouble(), tried.get(1).get("validation_loss").asDouble());
        assertThat(m.hyperParameters().get("validation_loss").asDouble()).isEqualTo(best);
        int chosen = tried.get(0).get("validation_loss").asDouble() == best ? 16 : 0;
        assertThat(m.hiddenUnits()).isEqualTo(chosen);
    }

    @Test
    void earlyStoppingReturnsTheBestEpochNotTheLast() {
        // Noise scores, a fast learning rate and no regularisation: the validation loss rises once the net memorises.
        Clusters c = new Clusters(34);
        TrainingSet train = noise(c, 80);
        TrainingSet validation = noise(c, 60);
        MlpTrainer overfitting = new MlpTrainer(new MlpTrainer.Config(List.of(64), 0, new GradientSettings(3e-2, 0, 8, 300, 10)));

        MlpModel m = overfitting.fit(train, validation, 1);

        ObjectNode hp = m.hyperParameters();
        int best = hp.get("best_epoch").asInt();
        int run = hp.get("epochs_run").asInt();
        assertThat(best).isLessThan(run);
        assertThat(run).isLessThan(300);
        double kept = Clusters.meanBce(m, validation);
        assertThat(kept).isCloseTo(hp.get("validation_loss").asDouble(), within(1e-9));
        assertThat(kept).isLessThan(hp.get("last_epoch_validation_loss").asDouble());
    }

    @Test
    void differentSeedsGiveDifferentWeights() {
        Clusters c = new Clusters(35);
        TrainingSet data = c.twoArms(40);

        assertThat(SMALL.fit(data, null, 1).toJson().get("weights")).isNotEqualTo(SMALL.fit(data, null, 2).toJson().get("weights"));
    }

    static TrainingSet noise(Clusters c, int n) {
        float[][] x = new float[n][];
        double[][] y = new double[n][];
        for (int i = 0; i < n; i++) {
            x[i] = c.randomUnit();
            y[i] = new double[]{c.rng().nextInt(2), c.rng().nextInt(2), c.rng().nextDouble()};
        }
        return new TrainingSet(x, y);
    }
}
