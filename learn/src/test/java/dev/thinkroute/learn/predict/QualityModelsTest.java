package dev.thinkroute.learn.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class QualityModelsTest {

    @Test
    void registersEveryKind() {
        assertThat(QualityModels.kinds()).containsExactly("knn", "mlp", "mf", "cluster", "ensemble");
        for (String kind : QualityModels.kinds()) assertThat(QualityModels.trainer(kind).kind()).isEqualTo(kind);
    }

    @Test
    void unknownKindListsTheKnownOnes() {
        assertThatThrownBy(() -> QualityModels.trainer("forest"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'forest'").hasMessageContaining("knn, mlp, mf");
        ObjectNode json = JsonNodeFactory.instance.objectNode().put("kind", "forest");
        assertThatThrownBy(() -> QualityModels.fromJson(json)).hasMessageContaining("knn, mlp, mf");
        assertThatThrownBy(() -> QualityModels.fromJson(JsonNodeFactory.instance.objectNode())).hasMessageContaining("no 'kind'");
    }

    @Test
    void damagedWeightsAreReportedByName() {
        Clusters c = new Clusters(51);
        ObjectNode json = new KnnTrainer().fit(c.twoArms(10), null, 1).toJson();
        ((ObjectNode) json.get("weights").get("scores")).put("base64", "AAAA");

        assertThatThrownBy(() -> QualityModels.fromJson(json)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'scores'");
    }

    @Test
    void trainingRejectsScoresOutsideTheUnitInterval() {
        TrainingSet bad = new TrainingSet(new float[][]{{1, 0}, {0, 1}}, new double[][]{{0.5}, {1.5}});

        for (String kind : QualityModels.kinds()) {
            assertThatThrownBy(() -> QualityModels.trainer(kind).fit(bad, null, 1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("row 1 arm 0").hasMessageContaining("1.5");
        }
    }

    @Test
    void trainingRejectsMismatchedValidationAndEmptyData() {
        TrainingSet train = new TrainingSet(new float[][]{{1, 0}, {0, 1}}, new double[][]{{1}, {0}});
        TrainingSet wrongDim = new TrainingSet(new float[][]{{1, 0, 0}}, new double[][]{{1}});

        assertThatThrownBy(() -> new KnnTrainer().fit(train, wrongDim, 1)).hasMessageContaining("validation set row 0").hasMessageContaining("expected 2");
        assertThatThrownBy(() -> new MlpTrainer().fit(new TrainingSet(new float[0][], new double[0][]), null, 1)).hasMessageContaining("empty");
        TrainingSet unscored = new TrainingSet(new float[][]{{1, 0}}, new double[][]{{Double.NaN}});
        assertThatThrownBy(() -> new MfTrainer().fit(unscored, null, 1)).hasMessageContaining("no observed score");
    }

    @Test
    void aSingleRowStillTrains() {
        TrainingSet one = new TrainingSet(new float[][]{{1, 0}}, new double[][]{{1, 0}});

        for (String kind : QualityModels.kinds()) {
            QualityModel m = QualityModels.trainer(kind).fit(one, null, 1);
            assertThat(m.predict(new float[]{1, 0})).hasSize(2);
            assertThat(m.hyperParameters().get("validation").asText()).contains("training rows");
        }
    }
}
