package dev.thinkroute.core.metric;

import dev.thinkroute.core.Arm;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class BaselinesTest {

    private static final org.assertj.core.data.Offset<Double> EPS = within(1e-12);

    @Test
    void oracleTakesTheCheapestOfTheBestPerRow() {
        // See Tables.fourByThree: 0 (all correct), 1, 2 (only correct arm), 1 (tie on score and cost -> lower index).
        assertThat(Baselines.oracleChoice(Tables.fourByThree())).containsExactly(0, 1, 2, 1);
    }

    @Test
    void oracleRunByHand() {
        RouterRun oracle = Baselines.oracle(Tables.fourByThree());

        assertThat(oracle.accuracy()).isCloseTo((1 + 1 + 1 + .5) / 4, EPS);     // 0.875
        assertThat(oracle.meanCost()).isCloseTo((1 + 4 + 9 + 3) / 4.0, EPS);    // 4.25
        assertThat(oracle.meanInputTokens()).isCloseTo(25, EPS);
        assertThat(oracle.meanOutputTokens()).isCloseTo((5 + 50 + 100 + 50) / 4.0, EPS);
        assertThat(oracle.armShare()).containsExactly(0.25, 0.5, 0.25);
        assertThat(oracle.strongShare()).isEqualTo(0.25);
        assertThat(oracle.thinkingShare()).isEqualTo(0.75);
    }

    @Test
    void singleArmsByHand() {
        List<RouterRun> arms = Baselines.singleArms(Tables.fourByThree());

        assertThat(arms).extracting(RouterRun::accuracy).containsExactly(0.25, 0.625, 0.875);
        assertThat(arms).extracting(RouterRun::meanCost).containsExactly(1.25, 3.25, 8.0);
        assertThat(arms).extracting(RouterRun::strongShare).containsExactly(0.0, 0.0, 1.0);
        assertThat(Baselines.singleArmPoints(Tables.fourByThree())).extracting(Frontier.Point::label)
                .containsExactly("small:off", "small:on", "big:high");
    }

    @Test
    void oracleSkipsMissingCellsAndGivesUpOnEmptyRows() {
        double nan = Double.NaN;
        OutcomeMatrix m = Tables.table(List.of(Tables.SMALL_OFF, Tables.BIG_HIGH),
                new double[][] {{nan, 1}, {nan, nan}, {1, 1}},
                new double[][] {{1, 5}, {1, 5}, {1, nan}});

        assertThat(Baselines.oracleChoice(m)).containsExactly(1, -1, 0);
        assertThat(Baselines.oracle(m).skipped()).isEqualTo(1);
    }

    @Test
    void randomAtCostInterpolatesBetweenAdjacentArms() {
        OutcomeMatrix m = Tables.fourByThree();   // single arms (1.25, .25), (3.25, .625), (8, .875)

        assertThat(Baselines.randomAtCost(m, 1.25)).isCloseTo(0.25, EPS);
        assertThat(Baselines.randomAtCost(m, 2.25)).isCloseTo(0.4375, EPS);    // half way from arm 0 to arm 1
        assertThat(Baselines.randomAtCost(m, 5.625)).isCloseTo(0.75, EPS);     // half way from arm 1 to arm 2
        assertThat(Baselines.randomAtCost(m, 8)).isCloseTo(0.875, EPS);
        assertThat(Baselines.randomAtCost(m, 1.0)).isNaN();                    // no mix is that cheap
        assertThat(Baselines.randomAtCost(m, 9.0)).isNaN();
    }

    @Test
    void randomAtCostMixesNeighboursNotTheBestPair() {
        // The middle arm is poor: the hull would skip it, random at matched cost does not.
        List<Frontier.Point> arms = List.of(new Frontier.Point(0, 0.2), new Frontier.Point(1, 0.1), new Frontier.Point(2, 1.0));
        assertThat(Baselines.randomAtCost(arms, 0.5)).isCloseTo(0.15, EPS);
    }

    @Test
    void armsOfEqualCostCountAsAUniformPick() {
        List<Frontier.Point> arms = List.of(new Frontier.Point(1, 0.2), new Frontier.Point(1, 0.6), new Frontier.Point(3, 1.0));
        assertThat(Baselines.randomAtCost(arms, 1)).isCloseTo(0.4, EPS);
        assertThat(Baselines.randomAtCost(arms, 2)).isCloseTo(0.7, EPS);
    }

    @Test
    void oneArmIsItsOwnOracleAndRandomBaseline() {
        OutcomeMatrix m = Tables.table(List.of(Arm.parse("only:off")), new double[][] {{1}, {0}}, new double[][] {{2}, {4}});

        assertThat(Baselines.oracleChoice(m)).containsExactly(0, 0);
        assertThat(Baselines.oracle(m).accuracy()).isEqualTo(0.5);
        assertThat(Baselines.randomAtCost(m, 3)).isEqualTo(0.5);
        assertThat(Baselines.randomAtCost(m, 3.5)).isNaN();
    }
}
