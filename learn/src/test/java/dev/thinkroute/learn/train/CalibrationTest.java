package dev.thinkroute.learn.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.thinkroute.core.metric.OutcomeMatrix;
import dev.thinkroute.learn.router.Synthetic;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

class CalibrationTest {

    private static final int STRONG = 1;

    /**
     * 200 queries of seeded difficulty d in [0, 1): the cheap arm ($0.001 ± 10%) is right on easy ones (d + noise < 0.5),
     * the strong arm ($0.01 ± 10%) on most (d + noise < 0.9). Predictions are informative but not exact: the
     * predicted gap q̂_strong − q̂_cheap grows with d. The sweep runs the default α grid.
     */
    private static final class Table {
        final OutcomeMatrix actual;
        final List<AlphaSweep.Point> sweep;
        final double bestSingle;

        Table(long seed) {
            Random r = new Random(seed);
            int n = 200;
            List<String> ids = new ArrayList<>(), texts = new ArrayList<>();
            double[][] s = new double[n][2], c = new double[n][2], q = new double[n][2], pc = new double[n][2];
            for (int i = 0; i < n; i++) {
                ids.add("q" + i);
                texts.add("query " + i);
                double d = r.nextDouble();
                s[i][0] = d + 0.1 * r.nextGaussian() < 0.5 ? 1 : 0;
                s[i][1] = d + 0.1 * r.nextGaussian() < 0.9 ? 1 : 0;
                c[i][0] = 0.001 * (0.9 + 0.2 * r.nextDouble());
                c[i][1] = 0.01 * (0.9 + 0.2 * r.nextDouble());
                q[i][0] = Math.clamp(1 - d + 0.05 * r.nextGaussian(), 0, 1);
                q[i][1] = Math.clamp(0.97 - 0.3 * d + 0.05 * r.nextGaussian(), 0, 1);
                pc[i] = new double[]{0.001, 0.01};
            }
            actual = new OutcomeMatrix(ids, texts, List.of(Synthetic.CHEAP, Synthetic.STRONG), s, c, Synthetic.nan(n, 2), Synthetic.nan(n, 2));
            sweep = AlphaSweep.run(q, pc, actual, 0.01, AlphaSweep.defaultGrid());
            bestSingle = actual.meanScore(STRONG);
        }

        double minCost() {
            return sweep.stream().mapToDouble(AlphaSweep.Point::meanCost).min().orElseThrow();
        }

        double maxCost() {
            return sweep.stream().mapToDouble(AlphaSweep.Point::meanCost).max().orElseThrow();
        }
    }

    private static final Table TABLE = new Table(17);

    @Test
    void theSyntheticSweepSpansTheCostRange() {
        // Guards the premise of the tests below: the grid reaches from (nearly) always-strong to always-cheap.
        assertThat(TABLE.minCost()).isLessThan(0.0011);
        assertThat(TABLE.maxCost()).isGreaterThan(0.008);
        assertThat(TABLE.actual.meanScore(STRONG)).isGreaterThan(TABLE.actual.meanScore(0));
    }

    @Test
    void aCostTargetIsMetWithinItsBudgetAndCloseToIt() {
        for (double usd : new double[]{0.002, 0.004, 0.006}) {
            Calibration cal = Calibration.calibrate(new Target.MeanCost(usd), TABLE.sweep, STRONG, TABLE.bestSingle);

            assertThat(cal.met()).isTrue();
            assertThat(cal.note()).isNull();
            assertThat(cal.achieved().meanCost()).as("cost at target $%s", usd).isLessThanOrEqualTo(usd).isGreaterThan(usd - 0.0005);
            assertThat(cal.alpha()).isEqualTo(cal.achieved().alpha());
            // The best quality the budget buys on this sweep.
            for (AlphaSweep.Point p : TABLE.sweep) {
                if (p.meanCost() <= usd) assertThat(p.quality()).isLessThanOrEqualTo(cal.achieved().quality());
            }
        }
    }

    @Test
    void aStrongShareTargetIsMetAndCloseToIt() {
        for (double share : new double[]{0.1, 0.3, 0.6}) {
            Calibration cal = Calibration.calibrate(new Target.StrongShare(share), TABLE.sweep, STRONG, TABLE.bestSingle);

            assertThat(cal.met()).isTrue();
            assertThat(cal.achieved().share(STRONG)).as("strong share at target %s", share).isLessThanOrEqualTo(share).isGreaterThan(share - 0.05);
            for (AlphaSweep.Point p : TABLE.sweep) {
                if (p.share(STRONG) <= share) assertThat(p.quality()).isLessThanOrEqualTo(cal.achieved().quality());
            }
        }
    }

    @Test
    void aQualityDropTargetTakesTheCheapestPointAboveTheFloor() {
        for (double drop : new double[]{0.0, 0.02, 0.05, 0.1}) {
            Calibration cal = Calibration.calibrate(new Target.QualityFloor(drop), TABLE.sweep, STRONG, TABLE.bestSingle);

            assertThat(cal.met()).as("quality-drop=%s", drop).isTrue();
            double floor = TABLE.bestSingle - drop;
            assertThat(cal.achieved().quality()).isGreaterThanOrEqualTo(floor - 1e-12).isLessThan(floor + 0.03);
            for (AlphaSweep.Point p : TABLE.sweep) {
                if (p.quality() >= floor - 1e-12) assertThat(p.meanCost()).isGreaterThanOrEqualTo(cal.achieved().meanCost());
            }
        }
        // A looser floor never costs more.
        double strict = Calibration.calibrate(new Target.QualityFloor(0.0), TABLE.sweep, STRONG, TABLE.bestSingle).achieved().meanCost();
        double loose = Calibration.calibrate(new Target.QualityFloor(0.1), TABLE.sweep, STRONG, TABLE.bestSingle).achieved().meanCost();
        assertThat(loose).isLessThan(strict);
    }

    @Test
    void aCostBelowTheCheapestArmIsNotMetAndTakesTheCheapestPoint() {
        Calibration cal = Calibration.calibrate(new Target.MeanCost(0.0001), TABLE.sweep, STRONG, TABLE.bestSingle);

        assertThat(cal.met()).isFalse();
        assertThat(cal.achieved().meanCost()).isEqualTo(TABLE.minCost());
        assertThat(cal.alpha()).isEqualTo(cal.achieved().alpha());
        assertThat(cal.achieved().share(STRONG)).isZero();
        assertThat(cal.note()).contains("cheapest").contains("1.0E-4");
        assertThat(cal.target()).isEqualTo(new Target.MeanCost(0.0001));
    }

    @Test
    void anUnreachableQualityFloorTakesTheBestQuality() {
        double best = TABLE.sweep.stream().mapToDouble(AlphaSweep.Point::quality).max().orElseThrow();

        Calibration cal = Calibration.calibrate(new Target.QualityFloor(0.0), TABLE.sweep, STRONG, best + 0.05);

        assertThat(cal.met()).isFalse();
        assertThat(cal.achieved().quality()).isEqualTo(best);
        assertThat(cal.note()).contains("best quality");
    }

    /** The note is stored in artifacts and reports: its numbers must not depend on the machine's locale. */
    @Test
    void theNoteIsTheSameInEveryLocale() {
        java.util.Locale saved = java.util.Locale.getDefault();
        try {
            java.util.Locale.setDefault(java.util.Locale.GERMANY);
            Calibration cal = Calibration.calibrate(new Target.QualityFloor(0.0), HAND, STRONG, 0.95);
            assertThat(cal.met()).isFalse();
            assertThat(cal.note()).contains("0.9500").doesNotContain("0,9500");
        } finally {
            java.util.Locale.setDefault(saved);
        }
    }

    // A hand-made sweep where each answer is known.
    private static final List<AlphaSweep.Point> HAND = List.of(
            new AlphaSweep.Point(0.0, 0.80, 0.010, new double[]{0.0, 1.0}),
            new AlphaSweep.Point(0.1, 0.78, 0.006, new double[]{0.4, 0.6}),
            new AlphaSweep.Point(0.2, 0.78, 0.005, new double[]{0.5, 0.5}),
            new AlphaSweep.Point(0.5, 0.70, 0.003, new double[]{0.75, 0.25}),
            new AlphaSweep.Point(1.0, 0.60, 0.001, new double[]{1.0, 0.0}));

    @Test
    void onAHandMadeSweepEachTargetPicksTheKnownPoint() {
        // Best quality within $0.0065: 0.78 twice, the cheaper one wins.
        assertThat(Calibration.calibrate(new Target.MeanCost(0.0065), HAND, STRONG, 0.8).alpha()).isEqualTo(0.2);
        assertThat(Calibration.calibrate(new Target.MeanCost(0.004), HAND, STRONG, 0.8).alpha()).isEqualTo(0.5);
        assertThat(Calibration.calibrate(new Target.MeanCost(0.010), HAND, STRONG, 0.8).alpha()).isEqualTo(0.0);
        assertThat(Calibration.calibrate(new Target.StrongShare(0.5), HAND, STRONG, 0.8).alpha()).isEqualTo(0.2);
        assertThat(Calibration.calibrate(new Target.StrongShare(0.0), HAND, STRONG, 0.8).alpha()).isEqualTo(1.0);
        assertThat(Calibration.calibrate(new Target.QualityFloor(0.0), HAND, STRONG, 0.8).alpha()).isEqualTo(0.0);
        assertThat(Calibration.calibrate(new Target.QualityFloor(0.05), HAND, STRONG, 0.8).alpha()).isEqualTo(0.2);
        assertThat(Calibration.calibrate(new Target.QualityFloor(0.1), HAND, STRONG, 0.8).alpha()).isEqualTo(0.5);
        assertThat(Calibration.calibrate(new Target.QualityFloor(0.5), HAND, STRONG, 0.8).alpha()).isEqualTo(1.0);
    }

    @Test
    void anUnreachableStrongShareTakesTheLowestShare() {
        List<AlphaSweep.Point> alwaysSomeStrong = HAND.subList(0, 3);

        Calibration cal = Calibration.calibrate(new Target.StrongShare(0.2), alwaysSomeStrong, STRONG, 0.8);

        assertThat(cal.met()).isFalse();
        assertThat(cal.alpha()).isEqualTo(0.2);
        assertThat(cal.note()).contains("strong share").contains("0.2");
    }

    @Test
    void refusesAnEmptySweep() {
        assertThatThrownBy(() -> Calibration.calibrate(new Target.MeanCost(1), List.of(), STRONG, 0.8))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
    }

    @Test
    void theSweepIsDeterministic() {
        Table again = new Table(17);
        for (int i = 0; i < again.sweep.size(); i++) {
            assertThat(again.sweep.get(i).quality()).isEqualTo(TABLE.sweep.get(i).quality());
            assertThat(again.sweep.get(i).meanCost()).isCloseTo(TABLE.sweep.get(i).meanCost(), within(0.0));
        }
    }
}
