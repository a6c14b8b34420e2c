package dev.thinkroute.core.route;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CostAwarePolicyTest {

    // Three arms: cheap and weak, middle, expensive and strong. Costs in USD, scale = the strong arm's cost.
    private final double[] quality = {0.60, 0.75, 0.80};
    private final double[] cost = {0.001, 0.004, 0.010};

    @Test
    void alphaZeroBuysTheBestQuality() {
        assertThat(new CostAwarePolicy(0, 0.010).choose(quality, cost)).isEqualTo(2);
    }

    @Test
    void largerAlphaMovesToCheaperArms() {
        // Utilities at alpha 1: 0.60-0.1=0.50, 0.75-0.4=0.35, 0.80-1.0=-0.20 -> arm 0.
        assertThat(new CostAwarePolicy(1, 0.010).choose(quality, cost)).isEqualTo(0);
        // At alpha 0.2: 0.58, 0.67, 0.60 -> arm 1.
        assertThat(new CostAwarePolicy(0.2, 0.010).choose(quality, cost)).isEqualTo(1);
    }

    @Test
    void twoArmsReduceToAThresholdOnTheQualityGap() {
        double[] q = {0.5, 0.5 + 0.3};
        double[] c = {0.0, 0.010};
        // Strong wins iff gap (0.3) > alpha * (1.0 - 0.0).
        assertThat(new CostAwarePolicy(0.29, 0.010).choose(q, c)).isEqualTo(1);
        assertThat(new CostAwarePolicy(0.31, 0.010).choose(q, c)).isEqualTo(0);
    }

    @Test
    void tiesGoToTheCheaperArm() {
        assertThat(new CostAwarePolicy(0, 1).choose(new double[]{0.7, 0.7}, new double[]{2, 1})).isEqualTo(1);
    }

    @Test
    void constraintsExcludeArmsAndTheCapFallsBackToTheCheapestAllowed() {
        CostAwarePolicy p = new CostAwarePolicy(0, 0.010);
        assertThat(p.choose(quality, cost, new boolean[]{true, true, false}, Double.POSITIVE_INFINITY)).isEqualTo(1);
        assertThat(p.choose(quality, cost, null, 0.005)).isEqualTo(1);
        assertThat(p.choose(quality, cost, new boolean[]{false, true, true}, 0.0001)).isEqualTo(1);
        assertThatThrownBy(() -> p.choose(quality, cost, new boolean[3], 1)).hasMessageContaining("no arm");
    }

    @Test
    void badSettingsAreRefused() {
        assertThatThrownBy(() -> new CostAwarePolicy(-1, 1)).hasMessageContaining("alpha");
        assertThatThrownBy(() -> new CostAwarePolicy(1, 0)).hasMessageContaining("costScale");
    }
}
