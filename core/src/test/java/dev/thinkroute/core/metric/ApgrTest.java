package dev.thinkroute.core.metric;

import dev.thinkroute.core.Arm;
import dev.thinkroute.core.metric.Frontier.Point;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ApgrTest {

    private static final org.assertj.core.data.Offset<Double> EPS = within(1e-12);
    private static final List<Arm> PAIR = List.of(Arm.parse("weak:off"), Arm.parse("strong:on"));

    /** 10 rows; every row: weak scores .4 at cost 1, strong .9 at cost 5. Which rows go to strong carries no information. */
    private static OutcomeMatrix uninformative() {
        double[][] score = new double[10][], cost = new double[10][];
        for (int q = 0; q < 10; q++) {
            score[q] = new double[] {0.4, 0.9};
            cost[q] = new double[] {1, 5};
        }
        return Tables.table(PAIR, score, cost);
    }

    /** 0/1 scores: weak right on rows 0–5, strong right on rows 0–6. Only row 6 gains from the strong arm. */
    private static OutcomeMatrix binary() {
        double[][] score = new double[10][], cost = new double[10][];
        for (int q = 0; q < 10; q++) {
            score[q] = new double[] {q <= 5 ? 1 : 0, q <= 6 ? 1 : 0};
            cost[q] = new double[] {1, 5};
        }
        return Tables.table(PAIR, score, cost);
    }

    /** Threshold sweep: for k = 0..10, the first k rows of {@code order} go to the strong arm. */
    private static List<RouterRun> sweep(OutcomeMatrix m, int[] order) {
        List<RouterRun> runs = new ArrayList<>();
        for (int k = 0; k <= order.length; k++) {
            int[] choice = new int[m.size()];
            for (int i = 0; i < k; i++) choice[order[i]] = 1;
            runs.add(RouterRun.of(m, choice));
        }
        return runs;
    }

    @Test
    void randomRoutingRecoversExactlyHalf() {
        OutcomeMatrix m = uninformative();
        Gap gap = Gap.of(m);
        List<Point> byShare = new ArrayList<>(), byCost = new ArrayList<>();
        for (RouterRun run : sweep(m, new int[] {3, 7, 1, 9, 0, 5, 2, 8, 4, 6})) {
            byShare.add(gap.byStrongShare(run, ""));
            byCost.add(gap.byCost(run.point("")));
        }

        assertThat(Apgr.apgr(byShare)).isCloseTo(0.5, EPS);
        assertThat(Apgr.apgr(byCost)).isCloseTo(0.5, EPS);
        assertThat(Apgr.apgrAsRouteLlm(byShare)).isCloseTo(0.5, EPS);
        assertThat(Apgr.cpt(byShare, 0.5)).isCloseTo(0.5, EPS);
        assertThat(Apgr.cpt(byShare, 0.8)).isCloseTo(0.8, EPS);
    }

    @Test
    void randomAtMatchedCostRecoversExactlyHalf() {
        OutcomeMatrix m = uninformative();
        Gap gap = Gap.of(m);
        List<Point> curve = new ArrayList<>();
        for (int i = 0; i <= 8; i++) {
            double cost = 1 + 4 * i / 8.0;
            curve.add(gap.byCost(new Point(cost, Baselines.randomAtCost(m, cost), "")));
        }
        assertThat(Apgr.apgr(curve)).isCloseTo(0.5, EPS);
    }

    @Test
    void oracleLikeStepRecoversNearlyAll() {
        OutcomeMatrix m = binary();
        Gap gap = Gap.of(m);
        // Row 6 (the only one the strong arm fixes) first: PGR jumps to 1 at share 0.1 and stays.
        List<Point> curve = sweep(m, new int[] {6, 7, 8, 9, 0, 1, 2, 3, 4, 5}).stream()
                .map(run -> gap.byStrongShare(run, "")).toList();

        assertThat(curve.get(1)).isEqualTo(new Point(0.1, 1.0, ""));
        // (0+1)/2 · 0.1 + 1 · 0.9 = 0.95
        assertThat(Apgr.apgr(curve)).isCloseTo(0.95, EPS);
        assertThat(Apgr.cpt(curve, 0.5)).isCloseTo(0.05, EPS);
        // The oracle itself is one point (0.1, 1): the same curve.
        assertThat(Apgr.apgr(List.of(gap.byStrongShare(Baselines.oracle(m), "oracle")))).isCloseTo(0.95, EPS);
    }

    @Test
    void alwaysWeakRecoversNothing() {
        OutcomeMatrix m = binary();
        Gap gap = Gap.of(m);
        List<Point> curve = List.of(gap.byStrongShare(Baselines.singleArm(m, 0), "weak"));

        assertThat(curve).containsExactly(new Point(0, 0, "weak"));
        assertThat(Apgr.apgr(curve)).isZero();
        assertThat(Apgr.cpt(curve, 0.5)).isNaN();
    }

    @Test
    void cptOnAHandMadeCurveWithADip() {
        // Raw PGR: (0,0) (.2,.3) (.4,.6) (.6,.55) (.8,.9) (1,1); running max lifts the dip to .6.
        List<Point> curve = List.of(new Point(0.6, 0.55), new Point(0, 0), new Point(0.2, 0.3),
                new Point(0.4, 0.6), new Point(1, 1), new Point(0.8, 0.9));

        assertThat(Apgr.curve(curve)).extracting(Point::quality).containsExactly(0.0, 0.3, 0.6, 0.6, 0.9, 1.0);
        // 50%: between (.2,.3) and (.4,.6): .2 + (.5−.3)/(.6−.3)·.2 = .2 + .1333… = .3333…
        assertThat(Apgr.cpt(curve, 0.5)).isCloseTo(0.2 + 0.2 / 0.3 * 0.2, EPS);
        // 80%: between (.6,.6) and (.8,.9): .6 + (.8−.6)/(.9−.6)·.2 = .7333…
        assertThat(Apgr.cpt(curve, 0.8)).isCloseTo(0.6 + 0.2 / 0.3 * 0.2, EPS);
        // Exactly at a point, at the start, and never.
        assertThat(Apgr.cpt(curve, 0.6)).isCloseTo(0.4, EPS);
        assertThat(Apgr.cpt(curve, 0.0)).isZero();
        assertThat(Apgr.cpt(curve, 1.01)).isNaN();
        // Trapezoids of width .2: .03 + .09 + .12 + .15 + .19 = .58
        assertThat(Apgr.apgr(curve)).isCloseTo(0.58, EPS);
        // RouteLLM's formula keeps the dip: .03 + .09 + .115 + .145 + .19 = .57
        assertThat(Apgr.apgrAsRouteLlm(curve)).isCloseTo(0.57, EPS);
    }

    @Test
    void sweepsThatStopShortAreAnchoredAtAlwaysWeakAndFlatAfter() {
        // One point (.5, .5): from (0,0) up to it, then flat: .125 + .25 = .375.
        List<Point> one = List.of(new Point(0.5, 0.5));
        assertThat(Apgr.apgr(one)).isCloseTo(0.375, EPS);
        assertThat(Apgr.cpt(one, 0.25)).isCloseTo(0.25, EPS);
        assertThat(Apgr.cpt(one, 0.6)).isNaN();
        assertThat(Apgr.apgrAsRouteLlm(one)).isNaN();
    }

    @Test
    void xIsClampedAndEqualXKeepTheBest() {
        // x −.2 counts at 0 (PGR −.1 is beaten by the always-weak anchor); 1.3 counts at 1.
        List<Point> curve = List.of(new Point(-0.2, -0.1), new Point(0.5, 0.4), new Point(0.5, 0.8), new Point(1.3, 1.1));
        assertThat(Apgr.curve(curve)).containsExactly(
                new Point(0, 0, "always weak"), new Point(0.5, 0.8, ""), new Point(1, 1.1, ""));
        // (0+.8)/2·.5 + (.8+1.1)/2·.5 = .2 + .475
        assertThat(Apgr.apgr(curve)).isCloseTo(0.675, EPS);
    }

    @Test
    void undefinedPgrGivesNaNEverywhere() {
        List<Point> nan = List.of(new Point(0.5, Double.NaN), new Point(Double.NaN, 0.5));
        assertThat(Apgr.curve(nan)).isEmpty();
        assertThat(Apgr.apgr(nan)).isNaN();
        assertThat(Apgr.cpt(nan, 0.5)).isNaN();
        assertThat(Apgr.apgr(List.of())).isNaN();
    }
}
