package dev.thinkroute.learn.predict;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/**
 * What every quality predictor must do, on data where the answer is known; each kind's test class supplies its trainer
 * (small settings, so the suite stays fast).
 */
abstract class PredictorContract {

    /** The trainer under test. */
    abstract QualityTrainer trainer();

    /** Smallest gap required between the right arm and the wrong one on a clear-cut query. */
    double margin() {
        return 0.5;
    }

    @Test
    void predictsTheArmThatScoresOnEachCluster() {
        Clusters c = new Clusters(1);
        QualityModel m = trainer().fit(c.twoArms(60), null, 7);

        assertThat(m.kind()).isEqualTo(trainer().kind());
        assertThat(m.armCount()).isEqualTo(2);
        double[] nearA = m.predict(c.near(c.a, 0.1));
        double[] nearB = m.predict(c.near(c.b, 0.1));
        assertThat(nearA[0] - nearA[1]).isGreaterThan(margin());
        assertThat(nearB[1] - nearB[0]).isGreaterThan(margin());
        for (double p : nearA) assertThat(p).isBetween(0.0, 1.0);
    }

    @Test
    void worksFromAGivenValidationSetToo() {
        Clusters c = new Clusters(2);
        QualityModel m = trainer().fit(c.twoArms(50), c.twoArms(15), 7);

        double[] nearA = m.predict(c.near(c.a, 0.1));
        double[] nearB = m.predict(c.near(c.b, 0.1));
        assertThat(nearA[0] - nearA[1]).isGreaterThan(margin());
        assertThat(nearB[1] - nearB[0]).isGreaterThan(margin());
        assertThat(m.hyperParameters().path("validation").asText()).isEqualTo("given");
    }

    @Test
    void ignoresUnobservedCells() {
        Clusters c = new Clusters(3);
        QualityModel m = trainer().fit(c.twoArmsWithoutArm1OnA(60), null, 7);

        double[] nearA = m.predict(c.near(c.a, 0.1));
        double[] nearB = m.predict(c.near(c.b, 0.1));
        for (double p : nearA) assertThat(p).isFinite().isBetween(0.0, 1.0);
        for (double p : nearB) assertThat(p).isFinite().isBetween(0.0, 1.0);
        // Arm 0 is fully observed and still separates the clusters; arm 1 was only ever seen scoring 1 on B.
        assertThat(nearA[0] - nearB[0]).isGreaterThan(margin());
        assertThat(nearB[1]).isGreaterThan(0.75);
    }

    @Test
    void sameSeedGivesBitIdenticalModels() {
        Clusters c = new Clusters(4);
        TrainingSet data = c.twoArms(60);
        QualityModel first = trainer().fit(data, null, 11);
        QualityModel second = trainer().fit(data, null, 11);

        assertThat(second.toJson()).isEqualTo(first.toJson());
        for (int i = 0; i < 10; i++) {
            float[] q = c.randomUnit();
            assertThat(second.predict(q)).isEqualTo(first.predict(q));
        }
    }

    @Test
    void jsonRoundTripPredictsIdentically() throws Exception {
        Clusters c = new Clusters(5);
        QualityModel m = trainer().fit(c.twoArmsWithoutArm1OnA(40), null, 3);
        ObjectMapper json = new ObjectMapper();
        String text = json.writeValueAsString(m.toJson());

        QualityModel back = QualityModels.fromJson((ObjectNode) json.readTree(text));

        assertThat(back.kind()).isEqualTo(m.kind());
        assertThat(back.armCount()).isEqualTo(m.armCount());
        assertThat(back.hyperParameters()).isEqualTo(m.hyperParameters());
        assertThat(back.toJson()).isEqualTo(m.toJson());
        for (int i = 0; i < 20; i++) {
            float[] q = c.randomUnit();
            assertThat(back.predict(q)).isEqualTo(m.predict(q));
        }
    }

    @Test
    void rejectsAnEmbeddingOfTheWrongDimension() {
        Clusters c = new Clusters(6);
        QualityModel m = trainer().fit(c.twoArms(20), null, 1);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> m.predict(new float[Clusters.DIM + 1]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("17 dimensions").hasMessageContaining("expects 16");
    }

    @Test
    void predictsConsistentlyFromManyThreads() throws Exception {
        Clusters c = new Clusters(8);
        QualityModel m = trainer().fit(c.twoArms(40), null, 1);
        float[][] queries = new float[64][];
        double[][] expected = new double[64][];
        for (int i = 0; i < queries.length; i++) {
            queries[i] = c.randomUnit();
            expected[i] = m.predict(queries[i]);
        }
        double[][] seen = new double[64][];
        java.util.stream.IntStream.range(0, 64).parallel().forEach(i -> seen[i] = m.predict(queries[i]));
        assertThat(seen).isEqualTo(expected);
    }
}
