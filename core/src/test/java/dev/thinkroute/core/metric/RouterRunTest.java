package dev.thinkroute.core.metric;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class RouterRunTest {

    private static final org.assertj.core.data.Offset<Double> EPS = within(1e-12);

    @Test
    void summarisesAHandPickedRouter() {
        // Choices 0, 2, 2, 0: scores 1, 1, 1, 0 -> 0.75; costs 1, 10, 9, 1 -> 5.25.
        RouterRun run = RouterRun.of(Tables.fourByThree(), new int[] {0, 2, 2, 0});

        assertThat(run.counted()).isEqualTo(4);
        assertThat(run.skipped()).isZero();
        assertThat(run.accuracy()).isCloseTo(0.75, EPS);
        assertThat(run.meanCost()).isCloseTo(5.25, EPS);
        assertThat(run.meanInputTokens()).isCloseTo(25, EPS);              // (10+20+30+40)/4
        assertThat(run.meanOutputTokens()).isCloseTo(52.5, EPS);           // (5+100+100+5)/4
        assertThat(run.armShare()).containsExactly(0.5, 0.0, 0.5);
        assertThat(run.strongShare()).isEqualTo(0.5);
        assertThat(run.thinkingShare()).isEqualTo(0.5);                    // only small:off does not think
        assertThat(run.point("r")).isEqualTo(new Frontier.Point(5.25, 0.75, "r"));
    }

    @Test
    void skipsRowsWithoutAChoiceOrWithAMissingCell() {
        OutcomeMatrix m = Tables.fourByThree();
        double[][] score = {{1, 1, 1}, {0, Double.NaN, 1}, {0, 0, 1}, {0, .5, .5}};
        double[][] cost = {{1, 3, 10}, {1, 4, 10}, {2, 3, Double.NaN}, {1, 3, 3}};
        OutcomeMatrix holes = Tables.table(m.arms(), score, cost);

        // Row 1 chose an unscored cell, row 2 an uncosted one, row 3 made no choice: only row 0 counts.
        RouterRun run = RouterRun.of(holes, new int[] {2, 1, 2, -1});

        assertThat(run.counted()).isEqualTo(1);
        assertThat(run.skipped()).isEqualTo(3);
        assertThat(run.accuracy()).isEqualTo(1.0);
        assertThat(run.meanCost()).isEqualTo(10.0);
        assertThat(run.armShare()).containsExactly(0.0, 0.0, 1.0);
    }

    @Test
    void tokenMeansUseTheRowsWhoseTokensAreKnown() {
        OutcomeMatrix m = Tables.fourByThree();
        double[][] in = {{10, 0, 0}, {Double.NaN, 0, 0}, {30, 0, 0}, {40, 0, 0}};
        double[][] out = {{1, 0, 0}, {2, 0, 0}, {3, 0, 0}, {Double.NaN, 0, 0}};
        double[][] score = {{1, 1, 1}, {0, 1, 1}, {0, 0, 1}, {0, .5, .5}};
        double[][] cost = {{1, 3, 10}, {1, 4, 10}, {2, 3, 9}, {1, 3, 3}};
        RouterRun run = RouterRun.of(Tables.table(m.arms(), score, cost, in, out), new int[4]);

        assertThat(run.counted()).isEqualTo(4);
        assertThat(run.meanInputTokens()).isCloseTo(80.0 / 3, EPS);
        assertThat(run.meanOutputTokens()).isCloseTo(2.0, EPS);
    }

    @Test
    void noCountedRowGivesNaNNotZero() {
        RouterRun run = RouterRun.of(Tables.fourByThree(), new int[] {-1, -1, -1, -1});

        assertThat(run.counted()).isZero();
        assertThat(run.accuracy()).isNaN();
        assertThat(run.meanCost()).isNaN();
        assertThat(run.strongShare()).isNaN();
        assertThat(run.thinkingShare()).isNaN();
    }

    @Test
    void rejectsChoicesThatDoNotFitTheTable() {
        OutcomeMatrix m = Tables.fourByThree();
        assertThatThrownBy(() -> RouterRun.of(m, new int[3])).hasMessageContaining("one choice per row");
        assertThatThrownBy(() -> RouterRun.of(m, new int[] {0, 3, 0, 0})).hasMessageContaining("row 1 chooses arm 3");
    }

    @Test
    void armSharesCannotBeChangedFromOutside() {
        RouterRun run = RouterRun.of(Tables.fourByThree(), new int[4]);
        assertThatThrownBy(() -> run.armShare().set(0, 0.0)).isInstanceOf(UnsupportedOperationException.class);
    }
}
