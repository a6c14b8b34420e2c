package dev.thinkroute.eval.thinking;

import dev.thinkroute.core.Outcome;
import dev.thinkroute.core.metric.OutcomeMatrix;
import dev.thinkroute.learn.train.AlphaSweep;
import dev.thinkroute.learn.train.Calibration;
import dev.thinkroute.learn.train.Target;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class TwoWayTest {

    /** Three queries, arms: cheap (score, cost 1, 10 tokens), expensive (cost 100, 1000 tokens), second cheap (cost 0.1, 5 tokens). */
    private static OutcomeMatrix table() {
        List<Outcome> o = new ArrayList<>();
        double[][] scores = {{1, 1, 1}, {0, 1, 0}, {0, 0, 1}};
        for (int q = 0; q < 3; q++) {
            String id = "q" + q;
            o.add(new Outcome(id, "t", "question " + q, "big", "off", scores[q][0], 4, 6, 0, 1.0, 0, "test"));
            o.add(new Outcome(id, "t", "question " + q, "big", "on", scores[q][1], 400, 600, 500, 100.0, 0, "test"));
            o.add(new Outcome(id, "t", "question " + q, "small", "off", scores[q][2], 2, 3, 0, 0.1, 0, "test"));
        }
        OutcomeMatrix m = OutcomeMatrix.of(o);
        // Arms are sorted by cost: small:off, big:off, big:on.
        return ThinkingStudy.columns(m, 1, 2, 0);
    }

    @Test
    void anEscalatedQueryPaysForBothCallsAndOneThatIsNotForTheCheapOnly() {
        TwoWay alone = TwoWay.cascade(table(), 0, -1, 1);
        TwoWay.Point p = alone.of(new boolean[]{false, true, false}, 0.5);
        assertThat(p.rate()).isCloseTo(1 / 3.0, within(1e-12));
        assertThat(p.meanCost()).isCloseTo((1 + (1 + 100) + 1) / 3.0, within(1e-9));
        assertThat(p.meanTokens()).isCloseTo((10 + (10 + 1000) + 10) / 3.0, within(1e-9));
        assertThat(p.quality()).isCloseTo((1 + 1 + 0) / 3.0, within(1e-12));
        // With the second cheap sample, every query also pays for it.
        TwoWay paired = TwoWay.cascade(table(), 0, 2, 1);
        TwoWay.Point q = paired.of(new boolean[]{false, true, false}, 0.5);
        assertThat(q.meanCost()).isCloseTo((1.1 + (1.1 + 100) + 1.1) / 3.0, within(1e-9));
        assertThat(q.meanTokens()).isCloseTo((15 + (15 + 1000) + 15) / 3.0, within(1e-9));
        // A trigger pays for one call either way.
        TwoWay trigger = TwoWay.trigger(table(), 0, 1);
        assertThat(trigger.of(new boolean[]{false, true, false}, 0.5).meanCost()).isCloseTo((1 + 100 + 1) / 3.0, within(1e-9));
        assertThat(trigger.always().meanCost()).isCloseTo(100, within(1e-9));
        assertThat(paired.always().meanCost()).isCloseTo(101.1, within(1e-9));
        assertThat(paired.never().meanCost()).isCloseTo(1.1, within(1e-9));
    }

    @Test
    void theSweepRunsFromNothingToEverythingAndEachThresholdReproducesItsPoint() {
        TwoWay t = TwoWay.trigger(table(), 0, 1);
        double[] score = {0.2, 0.9, 0.5};
        List<TwoWay.Point> sweep = t.sweep(score);
        assertThat(sweep).hasSize(4);
        assertThat(sweep.getFirst().rate()).isZero();
        assertThat(sweep.getLast().rate()).isEqualTo(1.0);
        for (TwoWay.Point p : sweep) assertThat(t.at(score, p.threshold())).isEqualTo(p);
        assertThat(sweep.get(1).quality()).isCloseTo(2 / 3.0, within(1e-12)); // escalating q1 only
    }

    /** A synthetic table where a noisy score separates rows thinking helps from those it does not. */
    @Test
    void calibrationMeetsTheQualityFloorAtTheLeastCost() {
        SplittableRandom r = new SplittableRandom(7);
        int n = 400;
        double[] ls = new double[n], lc = new double[n], lt = new double[n], hs = new double[n], hc = new double[n], ht = new double[n], score = new double[n];
        for (int i = 0; i < n; i++) {
            boolean helps = r.nextDouble() < 0.4;
            ls[i] = helps ? 0 : (r.nextDouble() < 0.5 ? 1 : 0);
            hs[i] = helps ? 1 : ls[i];
            lc[i] = 1;
            hc[i] = 50 + r.nextDouble();
            lt[i] = 10;
            ht[i] = 500;
            score[i] = (helps ? 1 : 0) + r.nextGaussian() * 0.6;
        }
        TwoWay t = new TwoWay(ls, lc, lt, hs, hc, ht);
        List<TwoWay.Point> sweep = t.sweep(score);
        double always = t.always().quality();
        for (double delta : new double[]{0, 0.02, 0.05}) {
            Calibration cal = Calibration.calibrate(new Target.QualityFloor(delta),
                    sweep.stream().map(TwoWay.Point::asSweepPoint).toList(), 1, always);
            assertThat(cal.met()).isTrue();
            AlphaSweep.Point chosen = cal.achieved();
            assertThat(chosen.quality()).isGreaterThanOrEqualTo(always - delta - 1e-12);
            for (TwoWay.Point p : sweep) {
                if (p.quality() >= always - delta - 1e-12) assertThat(p.meanCost()).isGreaterThanOrEqualTo(chosen.meanCost());
            }
            TwoWay.Point same = TwoWay.cheapestAtLeast(sweep, always - delta);
            assertThat(same.meanCost()).isEqualTo(chosen.meanCost());
            // The threshold carries the point: applying it reproduces what calibration saw.
            assertThat(t.at(score, cal.alpha()).quality()).isEqualTo(chosen.quality());
            assertThat(chosen.share(1)).isLessThan(1.0);
        }
        // The Pareto curve rises with the rate.
        List<TwoWay.Point> pareto = TwoWay.pareto(sweep);
        for (int i = 1; i < pareto.size(); i++) {
            assertThat(pareto.get(i).rate()).isGreaterThan(pareto.get(i - 1).rate());
            assertThat(pareto.get(i).quality()).isGreaterThan(pareto.get(i - 1).quality());
        }
    }

    @Test
    void logisticRegressionLearnsASeparableSignalAndAucRanksIt() {
        SplittableRandom r = new SplittableRandom(3);
        int n = 300;
        double[][] x = new double[n][2];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i][0] = r.nextGaussian();
            x[i][1] = r.nextGaussian();
            y[i] = r.nextDouble() < Logistic.sigmoid(2 * x[i][0]) ? 1 : 0;
        }
        Logistic m = Logistic.fit(x, y, 1);
        assertThat(m.w()[0]).isGreaterThan(1);
        assertThat(Math.abs(m.w()[1])).isLessThan(0.5);
        double[] p = new double[n];
        for (int i = 0; i < n; i++) p[i] = m.predict(x[i]);
        assertThat(Logistic.auc(p, y)).isGreaterThan(0.8);
        assertThat(Logistic.auc(new double[]{0.1, 0.9}, new double[]{0, 1})).isEqualTo(1.0);
        assertThat(Logistic.auc(new double[]{0.5, 0.5}, new double[]{0, 1})).isEqualTo(0.5);
    }
}
