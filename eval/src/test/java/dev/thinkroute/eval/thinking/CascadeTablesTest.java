package dev.thinkroute.eval.thinking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinkroute.core.Arm;
import dev.thinkroute.core.metric.OutcomeMatrix;
import dev.thinkroute.core.route.CascadeTable;
import dev.thinkroute.core.score.JudgeFeatures;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The learned escalation table: per-level rates from the rows, and the cheapest α within δ of always escalating. */
class CascadeTablesTest {

    private static final String CLEAN = "She has 3 + 4 = <<3+4=7>>7 apples.\n#### 7";
    private static final String OTHER = "She has 3 + 5 = <<3+5=8>>8 apples.\n#### 8";
    private static final String BROKEN = "She has 3 + 4 = <<3+4=9>>9 apples.\n#### 9";

    @Test
    void levelsCountWhatHappenedAndAlphaKeepsQualityWithinDelta() {
        // 40 queries: 20 clean and agreeing (cheap right 19 of 20), 12 disagreeing (cheap right 3, expensive 9),
        // 8 with a broken calculator and disagreeing (cheap right 0, expensive 6).
        List<String> ids = new ArrayList<>(), texts = new ArrayList<>();
        Map<String, JudgeFeatures> features = new HashMap<>();
        double[][] s = new double[40][2], c = new double[40][2], in = new double[40][2], out = new double[40][2];
        for (int q = 0; q < 40; q++) {
            ids.add("q" + q);
            texts.add("question " + q);
            boolean clean = q < 20, disagree = q >= 20 && q < 32;
            features.put("q" + q, clean ? JudgeFeatures.of(CLEAN, CLEAN) : disagree ? JudgeFeatures.of(CLEAN, OTHER) : JudgeFeatures.of(BROKEN, OTHER));
            s[q][0] = clean ? (q == 0 ? 0 : 1) : disagree ? (q < 23 ? 1 : 0) : 0;
            s[q][1] = clean ? 1 : disagree ? (q < 29 ? 1 : 0) : (q < 38 ? 1 : 0);
            c[q][0] = 0.01;
            c[q][1] = 1.0;
        }
        Arm cheap = Arm.parse("m:off"), expensive = Arm.parse("m:on");
        OutcomeMatrix m = new OutcomeMatrix(ids, texts, List.of(cheap, expensive), s, c, in, out);
        CascadeTable t = CascadeTables.build(m, cheap, expensive, features, true, 0.02, "synthetic");

        assertThat(t.levels()).extracting(CascadeTable.Level::level).containsExactly(0, 2, 3);
        CascadeTable.Level l0 = t.at(0), l2 = t.at(2), l3 = t.at(3);
        assertThat(l0.n()).isEqualTo(20);
        assertThat(l0.pCheap()).isEqualTo(20.0 / 22); // (19 + 1) / (20 + 2)
        assertThat(l0.pExpensive()).isEqualTo(21.0 / 22);
        assertThat(l2.pCheap()).isEqualTo(4.0 / 14);
        assertThat(l2.pExpensive()).isEqualTo(10.0 / 14);
        assertThat(l3.pCheap()).isEqualTo(1.0 / 10);
        assertThat(l3.pExpensive()).isEqualTo(7.0 / 10);
        assertThat(t.expensiveCost()).isEqualTo(1.0);

        // Always escalating: 35/40. Keeping level 0 loses one answer (34/40, within δ=0.02? no: 0.025): so the
        // calibrated α must escalate everything with a positive gain, i.e. α below level 0's gain.
        assertThat(t.escalate(0, t.alpha())).isTrue();
        assertThat(t.escalate(2, t.alpha())).isTrue();
        // With δ = 0.05 keeping level 0 is allowed, and the cheapest such α is level 0's gain.
        CascadeTable loose = CascadeTables.build(m, cheap, expensive, features, true, 0.05, "synthetic");
        assertThat(loose.escalate(0, loose.alpha())).isFalse();
        assertThat(loose.escalate(2, loose.alpha())).isTrue();
        assertThat(loose.alpha()).isCloseTo(l0.gain(), org.assertj.core.data.Offset.offset(1e-12));
    }
}
