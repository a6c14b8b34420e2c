package dev.thinkroute.eval.thinking;

import dev.thinkroute.core.score.JudgeFeatures;
import dev.thinkroute.core.Outcome;
import dev.thinkroute.core.metric.OutcomeMatrix;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The whole study on a small synthetic table: every strategy is swept, calibrated and set beside its references. */
class ThinkingStudyTest {

    @Test
    void runsTriggerAndCascadesOnTheSameFoldsWithEveryCallCounted() {
        SplittableRandom r = new SplittableRandom(11);
        int n = 120;
        List<Outcome> outcomes = new ArrayList<>();
        float[][] x = new float[n][8];
        Map<String, JudgeFeatures> features = new HashMap<>();
        for (int q = 0; q < n; q++) {
            String id = "gsm8k-" + String.format("%04d", q);
            double norm = 0;
            for (int d = 0; d < 8; d++) {
                x[q][d] = (float) r.nextGaussian();
                norm += x[q][d] * x[q][d];
            }
            for (int d = 0; d < 8; d++) x[q][d] /= (float) Math.sqrt(norm);
            boolean easy = x[q][0] > 0;
            boolean offOk = easy ? r.nextDouble() < 0.8 : r.nextDouble() < 0.1;
            boolean onOk = offOk || r.nextDouble() < 0.6;
            boolean smallOk = offOk && r.nextDouble() < 0.7;
            String text = "question " + q;
            outcomes.add(new Outcome(id, "gsm8k", text, "gpt3-175b", "off", offOk ? 1.0 : 0.0, 20, 30, 0, 0.003, 0, "t"));
            outcomes.add(new Outcome(id, "gsm8k", text, "gpt3-175b", "on", onOk ? 1.0 : 0.0, 4000, 3000, 2970, 0.42, 0, "t"));
            outcomes.add(new Outcome(id, "gsm8k", text, "gpt3-6b", "off", smallOk ? 1.0 : 0.0, 20, 30, 0, 0.0003, 0, "t"));
            outcomes.add(new Outcome(id, "gsm8k", text, "gpt3-6b", "on", smallOk ? 1.0 : 0.0, 4000, 3000, 2970, 0.042, 0, "t"));
            String cheap = offOk ? "So 2 + 2 = <<2+2=4>>4\nA: 4" : (r.nextBoolean() ? "So 2 + 2 = <<2+2=5>>5\nA: 5" : "So 2 + 3 = <<2+3=5>>5\nA: 5");
            String second = smallOk ? "Then 2*2 = <<2*2=4>>4\nA: 4" : "Then 2*3 = <<2*3=6>>6\nA: 6";
            features.put(id, JudgeFeatures.of(cheap, second));
        }
        OutcomeMatrix all = OutcomeMatrix.of(outcomes);
        ThinkingStudy.Settings settings = new ThinkingStudy.Settings(3, 42, 0.02, "knn");
        ThinkingStudy.SizeResult res = ThinkingStudy.run("synthetic", all, x, ThinkingStudy.Size.GPT3_175B, features, settings, line -> { });

        assertThat(res.rows()).isEqualTo(n);
        assertThat(res.never().rate()).isZero();
        assertThat(res.always().rate()).isEqualTo(1.0);
        assertThat(res.always().tokensSaved()).isZero();
        assertThat(res.oracle().quality()).isGreaterThanOrEqualTo(res.always().quality());
        assertThat(res.strategies()).extracting(ThinkingStudy.Strategy::name)
                .contains("trigger", "cascade-agree", "cascade-form", "cascade-agree+form", "cascade-lr-form+agree",
                        "cascade-lr-form+agree+difficulty", "cascade-gain(lr-form+agree+difficulty)");
        for (ThinkingStudy.Strategy s : res.strategies()) {
            assertThat(s.thresholds()).hasSize(3);
            assertThat(s.sweep().getFirst().rate()).isZero();
            assertThat(s.sweep().getLast().rate()).isEqualTo(1.0);
            // Escalating everything: a trigger pays for the thinking call; a cascade for the cheap call(s) too.
            double cheapCalls = s.name().equals("trigger") ? 0 : 0.003 + (s.secondSample() ? 0.0003 : 0);
            assertThat(s.sweep().getLast().meanCost()).isCloseTo(0.42 + cheapCalls, within(1e-9));
            assertThat(s.sweep().getFirst().meanCost()).isCloseTo(s.name().equals("trigger") ? 0.003 : cheapCalls, within(1e-9));
            // The calibrated point is one the sweep can reach, measured against the same references.
            assertThat(s.calibrated().rate()).isBetween(0.0, 1.0);
            assertThat(s.calibrated().vsAlwaysThink()).isCloseTo(s.calibrated().quality() - res.always().quality(), within(1e-12));
            if (s.bestWithinDelta() != null) {
                assertThat(s.bestWithinDelta().quality()).isGreaterThanOrEqualTo(res.always().quality() - 0.02 - 1e-12);
            }
            assertThat(s.metrics().apgr()).isBetween(0.0, 1.5);
        }
        // The synthetic judge signals are strong: the cascades beat random routing.
        assertThat(res.strategy("cascade-agree+form").metrics().apgr()).isGreaterThan(0.6);
    }

    @Test
    void withoutASecondCheapArmTheAgreementStrategiesAreLeftOutAndTheRestRuns() {
        SplittableRandom r = new SplittableRandom(5);
        int n = 100;
        List<Outcome> outcomes = new ArrayList<>();
        float[][] x = new float[n][4];
        Map<String, JudgeFeatures> features = new HashMap<>();
        for (int q = 0; q < n; q++) {
            String id = "q" + q;
            for (int d = 0; d < 4; d++) x[q][d] = (float) r.nextGaussian();
            boolean cheapOk = r.nextDouble() < 0.6;
            boolean dearOk = cheapOk || r.nextDouble() < 0.8;
            outcomes.add(new Outcome(id, "own", "question " + q, "small", "off", cheapOk ? 1.0 : 0.0, 20, 30, 0, 0.001, 0, "t"));
            outcomes.add(new Outcome(id, "own", "question " + q, "big", "on", dearOk ? 1.0 : 0.0, 20, 900, 800, 0.05, 0, "t"));
            features.put(id, JudgeFeatures.of(cheapOk ? "So 2 + 2 = <<2+2=4>>4\nA: 4" : "So 7 / 2 = <<7/2=3.5>>3.5\nA: 3.5", null));
        }
        ThinkingStudy.Arms arms = new ThinkingStudy.Arms("small-vs-big", dev.thinkroute.core.Arm.parse("small:off"),
                dev.thinkroute.core.Arm.parse("big:on"), null);
        ThinkingStudy.SizeResult res = ThinkingStudy.run("own", OutcomeMatrix.of(outcomes), x, arms, features,
                new ThinkingStudy.Settings(3, 42, 0.02, "knn"), line -> { });

        assertThat(res.secondArm()).isNull();
        assertThat(res.offArm()).isEqualTo("small:off");
        assertThat(res.onArm()).isEqualTo("big:on");
        assertThat(res.skipped()).containsAll(ThinkingStudy.AGREEMENT_STRATEGIES);
        assertThat(res.strategies()).extracting(ThinkingStudy.Strategy::name)
                .contains("trigger", "cascade-form", "cascade-lr-form", "cascade-lr-form+emb", "cascade-lr-form+difficulty")
                .doesNotContainAnyElementsOf(ThinkingStudy.AGREEMENT_STRATEGIES);
        assertThat(res.strategies()).noneMatch(ThinkingStudy.Strategy::secondSample);
        assertThat(res.features()).extracting(ThinkingStudy.FeatureStat::name).doesNotContain("agree");
        // The form rule separates right from wrong exactly here.
        assertThat(res.strategy("cascade-form").judgeAuc()).isEqualTo(1.0);
    }
}
