package dev.thinkroute.core.metric;

import dev.thinkroute.core.Arm;
import dev.thinkroute.core.metric.Frontier.Point;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class GapTest {

    private static final org.assertj.core.data.Offset<Double> EPS = within(1e-12);

    @Test
    void weakIsTheCheapestArmStrongTheBest() {
        Gap gap = Gap.of(Tables.fourByThree());
        assertThat(gap).isEqualTo(new Gap(0, 2, 1.25, 0.25, 8, 0.875));
        assertThat(gap.defined()).isTrue();
    }

    @Test
    void placesARouterOnBothAxes() {
        OutcomeMatrix m = Tables.fourByThree();
        Gap gap = Gap.of(m);
        RouterRun run = RouterRun.of(m, new int[] {0, 2, 2, 0});   // accuracy .75, cost 5.25, strong share .5

        assertThat(gap.pgr(run.accuracy())).isCloseTo((0.75 - 0.25) / (0.875 - 0.25), EPS);   // 0.8
        assertThat(gap.byCost(run.point("r"))).satisfies(p -> {
            assertThat(p.cost()).isCloseTo((5.25 - 1.25) / (8 - 1.25), EPS);
            assertThat(p.quality()).isCloseTo(0.8, EPS);
            assertThat(p.label()).isEqualTo("r");
        });
        assertThat(gap.byStrongShare(run, "r").cost()).isEqualTo(0.5);
        assertThat(gap.pgr(0.25)).isZero();
        assertThat(gap.pgr(0.875)).isCloseTo(1, EPS);
    }

    @Test
    void strongIsTheBestArmNotTheDearest() {
        // The dearest arm is worse than the middle one: strong is the middle arm, and its share is what counts.
        OutcomeMatrix m = Tables.table(List.of(Tables.SMALL_OFF, Tables.SMALL_ON, Tables.BIG_HIGH),
                new double[][] {{0, 1, 0}, {0, 1, 1}}, new double[][] {{1, 2, 3}, {1, 2, 3}});
        Gap gap = Gap.of(m);

        assertThat(gap.strongArm()).isEqualTo(1);
        RouterRun run = RouterRun.of(m, new int[] {1, 2});
        assertThat(gap.byStrongShare(run, "").cost()).isEqualTo(0.5);
        assertThat(run.strongShare()).isEqualTo(0.5);    // share of the dearest arm, a different number in general
        assertThat(gap.normalisedCost(3)).isCloseTo(2, EPS);   // dearer than strong: beyond 1, Apgr clamps it
    }

    @Test
    void equalQualityLeavesPgrUndefined() {
        // The cheapest arm is as good as the dearer one: the tie goes to the cheaper, so weak == strong.
        OutcomeMatrix m = Tables.table(List.of(Arm.parse("a:off"), Arm.parse("b:on")),
                new double[][] {{1, 0}, {0, 1}}, new double[][] {{1, 2}, {1, 2}});
        Gap gap = Gap.of(m);

        assertThat(gap.strongArm()).isZero();
        assertThat(gap.defined()).isFalse();
        assertThat(gap.pgr(1)).isNaN();
        List<Point> curve = List.of(gap.byStrongShare(Baselines.oracle(m), "oracle"));
        assertThat(Apgr.apgr(curve)).isNaN();
        assertThat(Apgr.cpt(curve, 0.5)).isNaN();
    }

    @Test
    void oneArmHasNoGap() {
        OutcomeMatrix m = Tables.table(List.of(Arm.parse("only:off")), new double[][] {{1}, {0}}, new double[][] {{2}, {4}});
        Gap gap = Gap.of(m);

        assertThat(gap.weakArm()).isEqualTo(gap.strongArm());
        assertThat(gap.defined()).isFalse();
        assertThat(gap.normalisedCost(3)).isNaN();
    }

    @Test
    void equalCostsLeaveTheCostAxisUndefinedButNotTheShareAxis() {
        Gap gap = Gap.between(new Point(2, 0.4), new Point(2, 0.9));

        assertThat(gap.normalisedCost(2)).isNaN();
        assertThat(gap.pgr(0.65)).isCloseTo(0.5, EPS);
        assertThat(Apgr.apgr(List.of(gap.byCost(new Point(2, 0.65))))).isNaN();
        assertThatThrownBy(() -> gap.byStrongShare(RouterRun.of(Tables.fourByThree(), new int[4]), ""))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void tableWithoutArmsIsRejected() {
        OutcomeMatrix empty = Tables.table(List.of(), new double[0][], new double[0][]);
        assertThatThrownBy(() -> Gap.of(empty)).isInstanceOf(IllegalArgumentException.class);
    }
}
