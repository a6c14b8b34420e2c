package dev.thinkroute.learn.predict;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class KnnTrainerTest extends PredictorContract {

    @Override
    QualityTrainer trainer() {
        return new KnnTrainer();
    }

    @Test
    void choosesASmallKWhenScoresChangeFromNeighbourhoodToNeighbourhood() {
        // 30 tight neighbourhoods of 10 training rows, each with its own random scores: only close neighbours inform.
        Clusters c = new Clusters(21);
        Random rng = new Random(5);
        float[][] tx = new float[300][];
        double[][] ty = new double[300][];
        float[][] vx = new float[90][];
        double[][] vy = new double[90][];
        for (int g = 0; g < 30; g++) {
            float[] centre = c.randomUnit();
            double[] scores = {rng.nextInt(2), rng.nextInt(2), rng.nextInt(2)};
            for (int i = 0; i < 10; i++) {
                tx[g * 10 + i] = c.near(centre, 0.02);
                ty[g * 10 + i] = scores;
            }
            for (int i = 0; i < 3; i++) {
                vx[g * 3 + i] = c.near(centre, 0.02);
                vy[g * 3 + i] = scores;
            }
        }

        KnnModel m = new KnnTrainer().fit(new TrainingSet(tx, ty), new TrainingSet(vx, vy), 1);

        // k = 5 and 10 stay inside a neighbourhood and are both exact; on a tie the larger (smoother) k is kept.
        assertThat(m.k()).isEqualTo(10);
        assertThat(m.hyperParameters().get("validation_loss").asDouble()).isLessThan(1e-9);
    }

    @Test
    void choosesALargeKWhenScoresAreNoise() {
        // Scores independent of the query: the best estimate is the mean over as many rows as possible.
        Clusters c = new Clusters(22);
        Random rng = new Random(6);
        int n = 1200;
        float[][] x = new float[n][];
        double[][] y = new double[n][];
        for (int i = 0; i < n; i++) {
            x[i] = c.randomUnit();
            y[i] = new double[]{rng.nextDouble() < 0.3 ? 1 : 0, rng.nextDouble() < 0.6 ? 1 : 0};
        }

        KnnModel m = new KnnTrainer().fit(new TrainingSet(x, y), null, 1);

        assertThat(m.k()).isEqualTo(160);
        assertThat(m.hyperParameters().get("validation").asText()).startsWith("held out 15%");
    }

    @Test
    void keepsEveryTrainingRowAfterHoldingSomeOutForTheChoice() {
        Clusters c = new Clusters(23);

        KnnModel m = new KnnTrainer().fit(c.twoArms(50), null, 1);

        assertThat(m.hyperParameters().get("validation_rows").asInt()).isEqualTo(15);
        assertThat(m.toJson().get("rows").asInt()).isEqualTo(100);
    }

    @Test
    void capsKAtTheNumberOfTrainingRows() {
        Clusters c = new Clusters(24);
        KnnTrainer trainer = new KnnTrainer(new KnnTrainer.Config(List.of(500), List.of(KnnModel.Weighting.UNIFORM)));

        KnnModel m = trainer.fit(c.twoArms(10), c.twoArms(3), 1);

        assertThat(m.k()).isEqualTo(20);
        // Every row is a neighbour: each arm's prediction is its overall mean.
        assertThat(m.predict(c.randomUnit())).containsExactly(0.5, 0.5);
    }

    @Test
    void neighboursAreTheTopKOfAFullSortByDescendingSimilarityThenRow() {
        Clusters c = new Clusters(25);
        int n = 500;
        float[][] x = new float[n][];
        double[][] y = new double[n][1];
        for (int i = 0; i < n; i++) x[i] = i % 7 == 0 && i > 0 ? x[i - 1] : c.randomUnit(); // duplicates: equal similarities
        KnnModel m = new KnnTrainer(new KnnTrainer.Config(List.of(1), List.of(KnnModel.Weighting.UNIFORM)))
                .fit(new TrainingSet(x, y), new TrainingSet(x, y), 1);

        for (int trial = 0; trial < 20; trial++) {
            float[] q = new float[Clusters.DIM];
            KnnModel.unit(c.randomUnit(), q);
            int[] idx = new int[37];
            float[] sim = new float[37];
            m.neighbours(q, idx, sim);

            // Every row's similarity, as the model computes it, then an independent full sort.
            int[] everyIdx = new int[n];
            float[] everySim = new float[n];
            m.neighbours(q, everyIdx, everySim);
            float[] all = new float[n];
            for (int j = 0; j < n; j++) all[everyIdx[j]] = everySim[j];
            Integer[] sorted = IntStream.range(0, n).boxed().toArray(Integer[]::new);
            Arrays.sort(sorted, Comparator.<Integer>comparingDouble(i -> -all[i]).thenComparingInt(i -> i));
            for (int j = 0; j < 37; j++) {
                assertThat(idx[j]).isEqualTo(sorted[j]);
                assertThat(sim[j]).isEqualTo(all[sorted[j]]);
            }
        }
    }

    @Test
    void similarityWeightingCountsNearerNeighboursMore() {
        Clusters c = new Clusters(26);
        float[] near = c.randomUnit();
        float[] far = c.near(near, 3);
        float[][] x = {near, far};
        double[][] y = {{1}, {0}};
        TrainingSet data = new TrainingSet(x, y);
        KnnModel uniform = new KnnTrainer(new KnnTrainer.Config(List.of(2), List.of(KnnModel.Weighting.UNIFORM))).fit(data, data, 1);
        KnnModel weighted = new KnnTrainer(new KnnTrainer.Config(List.of(2), List.of(KnnModel.Weighting.SIMILARITY))).fit(data, data, 1);

        assertThat(uniform.predict(near)[0]).isEqualTo(0.5);
        assertThat(weighted.predict(near)[0]).isGreaterThan(0.5);
        assertThat(weighted.weighting()).isEqualTo(KnnModel.Weighting.SIMILARITY);
    }
}
