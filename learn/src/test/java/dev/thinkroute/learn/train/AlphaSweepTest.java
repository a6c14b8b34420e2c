package dev.thinkroute.learn.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.thinkroute.core.metric.OutcomeMatrix;
import dev.thinkroute.learn.router.Synthetic;
import org.junit.jupiter.api.Test;

import java.util.List;

class AlphaSweepTest {

    /** Real outcomes of 4 queries on 2 arms (cheap, strong). */
    private static final double[][] SCORE = {{1, 1}, {0, 1}, {1, 0}, {0, 1}};
    private static final double[][] COST = {{0.001, 0.010}, {0.002, 0.012}, {0.001, 0.011}, {0.0015, 0.009}};

    /** Hand-set predictions, deliberately not the real scores: the best predicted arm is 0, 1, 1, 1. */
    private static final double[][] PREDICTED_QUALITY = {{0.9, 0.5}, {0.2, 0.8}, {0.3, 0.6}, {0.4, 0.7}};
    private static final double[][] PREDICTED_COST = {{0.001, 0.01}, {0.001, 0.01}, {0.001, 0.01}, {0.001, 0.01}};

    private static OutcomeMatrix actual() {
        return new OutcomeMatrix(List.of("q0", "q1", "q2", "q3"), List.of("a", "b", "c", "d"),
                List.of(Synthetic.CHEAP, Synthetic.STRONG), SCORE, COST, Synthetic.nan(4, 2), Synthetic.nan(4, 2));
    }

    @Test
    void alphaZeroIsAlwaysTheBestPredictedArmMeasuredOnTheRealOutcomes() {
        AlphaSweep.Point p = AlphaSweep.at(0, PREDICTED_QUALITY, PREDICTED_COST, actual(), 0.01);

        // Choices 0, 1, 1, 1: real scores 1, 1, 0, 1 and real costs 0.001, 0.012, 0.011, 0.009.
        assertThat(p.alpha()).isZero();
        assertThat(p.quality()).isCloseTo(0.75, within(1e-12));
        assertThat(p.meanCost()).isCloseTo((0.001 + 0.012 + 0.011 + 0.009) / 4, within(1e-15));
        assertThat(p.armShare()).containsExactly(0.25, 0.75);
        assertThat(p.share(1)).isEqualTo(0.75);
    }

    @Test
    void aLargeAlphaIsAlwaysTheCheapestPredictedArm() {
        AlphaSweep.Point p = AlphaSweep.at(1e6, PREDICTED_QUALITY, PREDICTED_COST, actual(), 0.01);

        assertThat(p.quality()).isCloseTo(0.5, within(1e-12));
        assertThat(p.meanCost()).isCloseTo((0.001 + 0.002 + 0.001 + 0.0015) / 4, within(1e-15));
        assertThat(p.armShare()).containsExactly(1.0, 0.0);
    }

    @Test
    void cheapestMeansCheapestPredictedPerRow() {
        // Row 2 is predicted cheaper on arm 1: a large α sends it there, and pays arm 1's real cost.
        double[][] cost = {{0.001, 0.01}, {0.001, 0.01}, {0.02, 0.01}, {0.001, 0.01}};

        AlphaSweep.Point p = AlphaSweep.at(1e6, PREDICTED_QUALITY, cost, actual(), 0.01);

        assertThat(p.armShare()).containsExactly(0.75, 0.25);
        assertThat(p.quality()).isCloseTo((1 + 0 + 0 + 0) / 4.0, within(1e-12));
        assertThat(p.meanCost()).isCloseTo((0.001 + 0.002 + 0.011 + 0.0015) / 4, within(1e-15));
    }

    @Test
    void inBetweenTheStrongArmIsBoughtWhereThePredictedGapPaysForIt() {
        // Cost gap in policy units: (0.01 − 0.001) / 0.01 = 0.9; α = 0.5 needs a predicted gap above 0.45: only row 1 (0.6).
        AlphaSweep.Point p = AlphaSweep.at(0.5, PREDICTED_QUALITY, PREDICTED_COST, actual(), 0.01);

        assertThat(p.armShare()).containsExactly(0.75, 0.25);
        assertThat(p.quality()).isCloseTo((1 + 1 + 1 + 0) / 4.0, within(1e-12));
        assertThat(p.meanCost()).isCloseTo((0.001 + 0.012 + 0.001 + 0.0015) / 4, within(1e-15));
    }

    @Test
    void runGivesOnePointPerAlphaInOrderWithSharesSummingToOne() {
        double[] grid = {0, 0.1, 0.5, 2, 100};

        List<AlphaSweep.Point> sweep = AlphaSweep.run(PREDICTED_QUALITY, PREDICTED_COST, actual(), 0.01, grid);

        assertThat(sweep).extracting(AlphaSweep.Point::alpha).containsExactly(0.0, 0.1, 0.5, 2.0, 100.0);
        for (AlphaSweep.Point p : sweep) {
            assertThat(p.armShare()[0] + p.armShare()[1]).isCloseTo(1.0, within(1e-12));
            AlphaSweep.Point alone = AlphaSweep.at(p.alpha(), PREDICTED_QUALITY, PREDICTED_COST, actual(), 0.01);
            assertThat(p.quality()).isEqualTo(alone.quality());
            assertThat(p.meanCost()).isEqualTo(alone.meanCost());
            assertThat(p.armShare()).containsExactly(alone.armShare());
        }
        // Cost never rises with α here (two arms, the same predicted costs on every row).
        for (int i = 1; i < sweep.size(); i++) assertThat(sweep.get(i).meanCost()).isLessThanOrEqualTo(sweep.get(i - 1).meanCost());
    }

    @Test
    void sharesSumToOneWithThreeArmsToo() {
        OutcomeMatrix m = Synthetic.noisyThreeArms(30, 3);
        java.util.Random r = new java.util.Random(9);
        double[][] q = new double[m.size()][3], c = new double[m.size()][];
        for (int i = 0; i < m.size(); i++) {
            for (int a = 0; a < 3; a++) q[i][a] = r.nextDouble();
            c[i] = new double[]{0.001, 0.004, 0.01};
        }

        for (AlphaSweep.Point p : AlphaSweep.run(q, c, m, 0.01, AlphaSweep.defaultGrid())) {
            assertThat(p.armShare()[0] + p.armShare()[1] + p.armShare()[2]).isCloseTo(1.0, within(1e-12));
            assertThat(p.quality()).isBetween(0.0, 1.0);
        }
    }

    @Test
    void defaultGridStartsAtZeroThenSpansOneTenThousandthToAHundredInLogSteps() {
        double[] grid = AlphaSweep.defaultGrid();

        assertThat(grid).hasSize(241);
        assertThat(grid[0]).isZero();
        assertThat(grid[1]).isCloseTo(1e-4, within(1e-16));
        assertThat(grid[240]).isCloseTo(100, within(1e-9));
        for (int i = 2; i < grid.length; i++) {
            assertThat(grid[i] / grid[i - 1]).isCloseTo(Math.pow(10, 6.0 / 239), within(1e-9));
        }
    }
}
