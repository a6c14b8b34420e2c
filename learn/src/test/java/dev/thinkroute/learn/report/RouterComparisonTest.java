package dev.thinkroute.learn.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.thinkroute.core.metric.Baselines;
import dev.thinkroute.core.metric.OutcomeMatrix;
import dev.thinkroute.core.metric.RouterRun;
import dev.thinkroute.learn.router.Synthetic;
import dev.thinkroute.learn.train.AlphaSweep;
import dev.thinkroute.learn.train.Folds;
import dev.thinkroute.learn.train.Target;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

class RouterComparisonTest {

    private static final Synthetic.ClusterEncoder ENCODER = new Synthetic.ClusterEncoder();
    private static final double TOLERANCE = 1e-9;

    /** 120 rows, three arms; the cheap arm is right on cluster A and wrong on B, so the embedding tells them apart. */
    private static final OutcomeMatrix TABLE = Synthetic.noisyThreeArms(60, 21);
    private static final float[][] X = Synthetic.embed(ENCODER, TABLE);

    private static void checkCommonInvariants(RouterComparison.Result r, OutcomeMatrix test) {
        assertThat(r.arms()).containsExactly(Synthetic.CHEAP.label(), Synthetic.MID.label(), Synthetic.STRONG.label());
        assertThat(r.singleArms()).hasSize(3);
        for (int a = 0; a < 3; a++) {
            assertThat(r.singleArms().get(a).accuracy()).isCloseTo(test.meanScore(a), within(1e-12));
            assertThat(r.singleArms().get(a).armShare().get(a)).isEqualTo(1.0);
        }
        assertThat(r.rows()).isEqualTo(test.size());
        assertThat(r.cMin()).isCloseTo(test.meanCost(0), within(1e-15));
        assertThat(r.cMax()).isCloseTo(test.meanCost(2), within(1e-15));
        assertThat(r.oracle().accuracy()).isEqualTo(Baselines.oracle(test).accuracy());
        assertThat(r.aiqRandom()).isLessThanOrEqualTo(r.aiqOracle() + TOLERANCE);
        for (RouterRun single : r.singleArms()) assertThat(single.accuracy()).isLessThanOrEqualTo(r.oracle().accuracy());
        for (RouterComparison.RouterResult router : r.routers()) {
            RouterComparison.Metrics m = router.metrics();
            assertThat(r.oracle().accuracy()).as("%s: the oracle is the ceiling", router.kind()).isGreaterThanOrEqualTo(m.peakQuality());
            assertThat(m.aiq()).as("%s AIQ", router.kind()).isLessThanOrEqualTo(r.aiqOracle() + TOLERANCE);
            assertThat(m.aiqShareOfOracle()).as("%s AIQ share of the oracle's", router.kind()).isLessThanOrEqualTo(1 + TOLERANCE)
                    .isCloseTo(m.aiq() / r.aiqOracle(), within(1e-12));
            assertThat(router.sweep()).hasSize(AlphaSweep.defaultGrid().length);
            for (AlphaSweep.Point p : router.sweep()) {
                double sum = 0;
                for (double s : p.armShare()) sum += s;
                assertThat(sum).isCloseTo(1, within(1e-12));
            }
            assertThat(router.frontier()).isNotEmpty();
            // The sweep's most expensive end is the best-predicted arm per row, its cheapest end always the cheap arm.
            AlphaSweep.Point cheapest = router.sweep().getLast();
            assertThat(cheapest.share(0)).isEqualTo(1.0);
            assertThat(cheapest.quality()).isCloseTo(test.meanScore(0), within(1e-12));
        }
    }

    @Test
    void crossValidationComparesEveryRouterWithTheBaselinesOnAllRows() {
        List<String> progress = new ArrayList<>();

        RouterComparison.Result r = RouterComparison.run("clusters", TABLE, X, new RouterComparison.CrossValidation(5, 7),
                List.of("knn", "mf"), null, progress::add);

        checkCommonInvariants(r, TABLE);
        assertThat(r.dataset()).isEqualTo("clusters");
        assertThat(r.protocol()).contains("5-fold").contains("7");
        assertThat(r.routers()).extracting(RouterComparison.RouterResult::kind).containsExactly("knn", "mf");
        assertThat(progress).hasSize(10);
        RouterComparison.RouterResult knn = r.routers().getFirst();
        assertThat(knn.calibrated()).isNull();
        // Informative predictions: better than random routing, and by a clear margin.
        assertThat(knn.metrics().apgr()).isGreaterThan(0.5);
        assertThat(knn.metrics().aiq()).isGreaterThan(r.aiqRandom());
        // It knows to send B to the strong arm and A to the cheap one, so it matches the best single arm for less.
        assertThat(knn.metrics().costToMatchBest()).isLessThan(r.cMax());
        assertThat(knn.metrics().peakQuality()).isGreaterThanOrEqualTo(TABLE.meanScore(2) - 0.02);
    }

    @Test
    void aSplitMeasuresOnTheTestRowsAndCalibratesOnTrain() {
        int[][] split = Folds.split(TABLE.size(), 0.3, 9);
        OutcomeMatrix test = TABLE.rows(split[1]);

        RouterComparison.Result r = RouterComparison.run("clusters", TABLE, X,
                new RouterComparison.Split(split[0], split[1], "70/30 split", 9, 4), List.of("knn"), new Target.MeanCost(0.005), line -> { });

        checkCommonInvariants(r, test);
        assertThat(r.rows()).isEqualTo(36);
        assertThat(r.protocol()).isEqualTo("70/30 split, seed 9");
        RouterComparison.RouterResult knn = r.routers().getFirst();
        assertThat(knn.metrics().apgr()).isGreaterThan(0.5);
        RouterComparison.Calibrated cal = knn.calibrated();
        assertThat(cal).isNotNull();
        assertThat(cal.target()).isEqualTo("cost=0.005");
        assertThat(cal.met()).isTrue();
        assertThat(cal.alpha()).isPositive();
        assertThat(cal.quality()).isBetween(0.0, 1.0);
        // Chosen on train, measured on test: near the budget, not necessarily within it.
        assertThat(cal.meanCost()).isBetween(0.002, 0.008);
        assertThat(cal.strongShare()).isBetween(0.0, 1.0);
    }

    @Test
    void aSplitWithoutATargetHasNoCalibratedEntry() {
        int[][] split = Folds.split(TABLE.size(), 0.25, 3);

        RouterComparison.Result r = RouterComparison.run("clusters", TABLE, X,
                new RouterComparison.Split(split[0], split[1], "holdout", 3, 3), List.of("knn"), null, line -> { });

        assertThat(r.routers().getFirst().calibrated()).isNull();
    }

    @Test
    void onACleanTableTheRouterReachesTheOracle() {
        OutcomeMatrix clean = Synthetic.cheapGoodOnA(40);

        RouterComparison.Result r = RouterComparison.run("clean", clean, Synthetic.embed(ENCODER, clean),
                new RouterComparison.CrossValidation(4, 1), List.of("knn"), null, line -> { });

        RouterComparison.Metrics m = r.routers().getFirst().metrics();
        assertThat(r.oracle().accuracy()).isEqualTo(1.0);
        assertThat(m.peakQuality()).isEqualTo(1.0);
        assertThat(m.costAtPeak()).isCloseTo((0.001 + 0.01) / 2, within(1e-12));
        assertThat(m.aiqShareOfOracle()).isCloseTo(1.0, within(1e-6));
        assertThat(m.costToMatchBest()).isCloseTo((0.001 + 0.01) / 2, within(1e-12));
        assertThat(m.apgr()).isGreaterThan(0.7);
        assertThat(m.cpt50()).isLessThan(0.5);
    }

    @Test
    void refusesIncompleteRows() {
        OutcomeMatrix m = Synthetic.cheapGoodOnA(5);
        double[][] s = new double[m.size()][2], c = new double[m.size()][2];
        for (int q = 0; q < m.size(); q++) {
            for (int a = 0; a < 2; a++) {
                s[q][a] = m.score(q, a);
                c[q][a] = m.cost(q, a);
            }
        }
        s[3][1] = Double.NaN;
        OutcomeMatrix holed = new OutcomeMatrix(m.queryIds(), m.queries(), m.arms(), s, c, Synthetic.nan(10, 2), Synthetic.nan(10, 2));

        assertThatThrownBy(() -> RouterComparison.run("holed", holed, Synthetic.embed(ENCODER, holed),
                new RouterComparison.CrossValidation(2, 1), List.of("knn"), null, line -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("q3").hasMessageContaining("completeRows");
    }
}
