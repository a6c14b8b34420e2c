package dev.thinkroute.learn.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class MfTrainerTest extends PredictorContract {

    static final MfTrainer SMALL = new MfTrainer(new MfTrainer.Config(List.of(4, 8), new GradientSettings(1e-2, 1e-3, 16, 100, 8)));

    @Override
    QualityTrainer trainer() {
        return SMALL;
    }

    @Test
    void defaultSettingsAlsoSeparateTheClusters() {
        Clusters c = new Clusters(41);
        QualityModel m = QualityModels.trainer("mf").fit(c.twoArms(150), null, 1);

        assertThat(m.predict(c.near(c.a, 0.1))[0] - m.predict(c.near(c.a, 0.1))[1]).isGreaterThan(0.5);
        assertThat(m.predict(c.near(c.b, 0.1))[1] - m.predict(c.near(c.b, 0.1))[0]).isGreaterThan(0.5);
    }

    @Test
    void keepsTheRankWithTheLowestValidationLoss() {
        Clusters c = new Clusters(42);

        MfModel m = SMALL.fit(c.twoArms(60), null, 1);

        JsonNode tried = m.hyperParameters().get("candidates");
        assertThat(tried).hasSize(2);
        double l4 = tried.get(0).get("validation_loss").asDouble();
        double l8 = tried.get(1).get("validation_loss").asDouble();
        assertThat(m.rank()).isEqualTo(l4 <= l8 ? 4 : 8);
        assertThat(m.hyperParameters().get("rank").asInt()).isEqualTo(m.rank());
    }

    @Test
    void earlyStoppingReturnsTheBestEpochNotTheLast() {
        Clusters c = new Clusters(43);
        TrainingSet train = MlpTrainerTest.noise(c, 80);
        TrainingSet validation = MlpTrainerTest.noise(c, 60);
        MfTrainer overfitting = new MfTrainer(new MfTrainer.Config(List.of(16), new GradientSettings(3e-2, 0, 8, 300, 10)));

        MfModel m = overfitting.fit(train, validation, 1);

        ObjectNode hp = m.hyperParameters();
        assertThat(hp.get("best_epoch").asInt()).isLessThan(hp.get("epochs_run").asInt());
        double kept = Clusters.meanBce(m, validation);
        assertThat(kept).isCloseTo(hp.get("validation_loss").asDouble(), within(1e-9));
        assertThat(kept).isLessThan(hp.get("last_epoch_validation_loss").asDouble());
    }

    @Test
    void differentSeedsGiveDifferentWeights() {
        Clusters c = new Clusters(44);
        TrainingSet data = c.twoArms(40);

        assertThat(SMALL.fit(data, null, 1).toJson().get("weights")).isNotEqualTo(SMALL.fit(data, null, 2).toJson().get("weights"));
    }

    @Test
    void storesTheProjectionAndOneVectorPerArm() {
        Clusters c = new Clusters(45);
        MfModel m = new MfTrainer(new MfTrainer.Config(List.of(8), new GradientSettings(1e-2, 0, 16, 20, 5))).fit(c.twoArms(20), null, 1);

        JsonNode w = m.toJson().get("weights");
        assertThat(w.get("projection").get("shape")).hasToString("[16,8]");
        assertThat(w.get("arm_vectors").get("shape")).hasToString("[2,8]");
        assertThat(w.get("arm_bias").get("shape")).hasToString("[2]");
    }
}
