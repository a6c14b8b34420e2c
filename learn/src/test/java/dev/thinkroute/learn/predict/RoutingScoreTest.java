package dev.thinkroute.learn.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RoutingScoreTest {

    /** Two arms; arm 1 gains 1 on the first two rows and loses 1 on the last two. */
    private static final double[][] ACTUAL = {{0, 1}, {0, 1}, {1, 0}, {1, 0}};

    @Test
    void aPerfectOrderScoresTheAreaAboveTheChord() {
        double[][] perfect = {{0, 0.9}, {0, 0.8}, {0, 0.2}, {0, 0.1}};
        // Cumulative gain by share sent to arm 1: 0, ¼, ½, ¼, 0 (in units of quality); the chord is flat at 0.
        // Trapezoids of width ¼: (0+¼)/2 + (¼+½)/2 + (½+¼)/2 + (¼+0)/2 = 1, times ¼.
        assertThat(RoutingScore.pairwise(perfect, ACTUAL)).isCloseTo(0.25, within(1e-12));
        double[][] reversed = {{0, 0.1}, {0, 0.2}, {0, 0.8}, {0, 0.9}};
        assertThat(RoutingScore.pairwise(reversed, ACTUAL)).isCloseTo(-0.25, within(1e-12));
    }

    @Test
    void tiedPredictionsCountAsOneStraightStep() {
        double[][] constant = {{0.5, 0.5}, {0.5, 0.5}, {0.5, 0.5}, {0.5, 0.5}};
        assertThat(RoutingScore.pairwise(constant, ACTUAL)).isCloseTo(0, within(1e-12));
        // The first two rows tied first, the last two tied after: the same area as the perfect order's chords.
        double[][] grouped = {{0, 0.9}, {0, 0.9}, {0, 0.1}, {0, 0.1}};
        assertThat(RoutingScore.pairwise(grouped, ACTUAL)).isCloseTo(0.25, within(1e-12));
    }

    @Test
    void averagesOverEveryPairAndSkipsUnscoredCells() {
        Random rng = new Random(1);
        int n = 50;
        double[][] predicted = new double[n][3];
        double[][] actual = new double[n][3];
        for (int r = 0; r < n; r++) {
            for (int a = 0; a < 3; a++) {
                predicted[r][a] = rng.nextInt(4) / 4.0; // ties
                actual[r][a] = rng.nextInt(2);
            }
        }
        actual[3][1] = Double.NaN;
        double expected = 0;
        int[][] pairs = {{0, 1}, {0, 2}, {1, 2}};
        for (int[] p : pairs) expected += directArea(predicted, actual, p[0], p[1]);
        assertThat(RoutingScore.pairwise(predicted, actual)).isCloseTo(expected / 3, within(1e-12));
    }

    @Test
    void theBrierRowsAverageToTheMeanSquaredErrorOverScoredCells() {
        double[][] predicted = {{0.5, 1}, {0, 0}};
        double[][] actual = {{1, Double.NaN}, {0, 1}};

        assertThat(RoutingScore.brier(predicted, actual)).isCloseTo((0.25 + 0 + 1) / 3, within(1e-12));
        assertThat(RoutingScore.mean(RoutingScore.Criterion.BRIER.rowLosses(predicted, actual))).isCloseTo((0.25 + 0 + 1) / 3, within(1e-12));
    }

    @Test
    void theOneStandardErrorRuleKeepsTheSmoothestCandidateWithinNoise() {
        double[] smooth = {0.30, 0.50, 0.40, 0.60};   // mean 0.45
        double[] middle = {0.20, 0.60, 0.30, 0.60};   // mean 0.425
        double[] sharp = {0.25, 0.45, 0.35, 0.55};    // mean 0.40: the best

        RoutingScore.Choice best = RoutingScore.choose(List.of(smooth, middle, sharp), RoutingScore.Rule.BEST);
        RoutingScore.Choice oneSe = RoutingScore.choose(List.of(smooth, middle, sharp), RoutingScore.Rule.ONE_STANDARD_ERROR);

        assertThat(best.index()).isEqualTo(2);
        // smooth − sharp is 0.05 on every row: no noise, so it is not within one standard error (0) of the best.
        // middle − sharp varies around 0.025 with a standard error above 0.025: within noise.
        assertThat(oneSe.index()).isEqualTo(1);
        assertThat(oneSe.best()).isEqualTo(2);
        assertThat(RoutingScore.standardError(middle, sharp)).isGreaterThan(0.025);
    }

    /** The area above the chord of the cumulative-gain curve of pair (a, b), computed by walking the curve. */
    private static double directArea(double[][] predicted, double[][] actual, int a, int b) {
        java.util.List<double[]> rows = new java.util.ArrayList<>();
        for (int r = 0; r < actual.length; r++) {
            if (Double.isNaN(actual[r][a]) || Double.isNaN(actual[r][b])) continue;
            rows.add(new double[]{predicted[r][b] - predicted[r][a], actual[r][b] - actual[r][a]});
        }
        rows.sort((u, v) -> Double.compare(v[0], u[0]));
        int m = rows.size();
        double cumulative = 0, integral = 0;
        int i = 0;
        while (i < m) {
            int j = i;
            double step = 0;
            while (j < m && rows.get(j)[0] == rows.get(i)[0]) step += rows.get(j++)[1];
            double next = cumulative + step / m;
            integral += (double) (j - i) / m * (cumulative + next) / 2;
            cumulative = next;
            i = j;
        }
        return integral - cumulative / 2;
    }
}
