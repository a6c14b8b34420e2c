package dev.thinkroute.learn.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.thinkroute.core.Decision;
import dev.thinkroute.core.Reason;
import dev.thinkroute.core.TokenEstimator;
import dev.thinkroute.core.route.CostAwarePolicy;
import dev.thinkroute.core.route.Query;
import dev.thinkroute.learn.predict.QualityModel;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Locale;

class LearnedRouterTest {

    private static final List<dev.thinkroute.core.Arm> ARMS = List.of(Synthetic.CHEAP, Synthetic.STRONG);
    private static final Synthetic.ClusterEncoder ENCODER = new Synthetic.ClusterEncoder();

    /** Cluster A: both arms nearly always right; cluster B: only the strong arm is. */
    private static final QualityModel BY_CLUSTER = Synthetic.model(2, x ->
            Synthetic.dot(x, Synthetic.CENTRE_A) > Synthetic.dot(x, Synthetic.CENTRE_B) ? new double[]{0.95, 0.97} : new double[]{0.10, 0.90});

    private static final QualityModel CONSTANT = Synthetic.model(2, x -> new double[]{0.42, 0.87});

    private static LearnedRouter router(QualityModel quality, CostModel cost, double alpha, boolean[] allowed) {
        return new LearnedRouter("unit-router", ARMS, ENCODER, quality, cost, new CostAwarePolicy(alpha, cost.costScale()), allowed);
    }

    @Test
    void routesEachQueryToTheArmWithTheBestUtility() {
        LearnedRouter r = router(BY_CLUSTER, Synthetic.flatCosts(0.001, 0.01), 0.1, null);

        // On A the strong arm adds 0.02 of quality for 0.1·0.9 = 0.09 of utility: not worth it. On B it adds 0.8.
        for (int i = 0; i < 20; i++) {
            assertThat(r.route(Query.of("A" + i)).arm()).isEqualTo(Synthetic.CHEAP);
            assertThat(r.route(Query.of("B" + i)).arm()).isEqualTo(Synthetic.STRONG);
        }
    }

    @Test
    void reasonIsLearnedWithTheRouterNameAndThePredictedQuality() {
        LearnedRouter r = router(CONSTANT, Synthetic.flatCosts(0.001, 0.01), 0.0, null);

        Decision d = r.route(Query.of("What is 2 + 2?"));

        assertThat(d.arm()).isEqualTo(Synthetic.STRONG);
        assertThat(d.reason()).isInstanceOf(Reason.Learned.class);
        Reason.Learned learned = (Reason.Learned) d.reason();
        assertThat(learned.code()).isEqualTo("learned");
        assertThat(learned.router()).isEqualTo("unit-router");
        assertThat(learned.detail())
                .contains("unit-router")
                .contains(String.format(Locale.ROOT, "%.3f", 0.87))
                .contains("hand-set");
    }

    @Test
    void predictionsCarryEveryArmAndTheUtilityThePolicyRanks() {
        CostModel cost = Synthetic.flatCosts(0.001, 0.01);
        LearnedRouter r = router(CONSTANT, cost, 0.6, null);

        LearnedRouter.Predictions p = r.predict("anything");

        assertThat(p.arms()).containsExactlyElementsOf(ARMS);
        assertThat(p.quality()).containsExactly(0.42, 0.87);
        assertThat(p.cost()).containsExactly(0.001, 0.01);
        assertThat(p.alpha()).isEqualTo(0.6);
        assertThat(p.utility()[0]).isCloseTo(0.42 - 0.6 * 0.001 / 0.01, within(1e-12));
        assertThat(p.utility()[1]).isCloseTo(0.87 - 0.6, within(1e-12));
        // 0.36 against 0.27: the cheap arm.
        assertThat(p.chosen()).isEqualTo(0);
        assertThat(p.choice()).isEqualTo(Synthetic.CHEAP);
    }

    @Test
    void disallowedArmsAreNeverChosen() {
        // Without flags: α = 0 takes the strong arm, a huge α the cheap one. The flags override both.
        assertThat(router(CONSTANT, Synthetic.flatCosts(0.001, 0.01), 0, null).route(Query.of("q")).arm()).isEqualTo(Synthetic.STRONG);
        assertThat(router(CONSTANT, Synthetic.flatCosts(0.001, 0.01), 100, null).route(Query.of("q")).arm()).isEqualTo(Synthetic.CHEAP);

        assertThat(router(CONSTANT, Synthetic.flatCosts(0.001, 0.01), 0, new boolean[]{true, false}).route(Query.of("q")).arm())
                .isEqualTo(Synthetic.CHEAP);
        assertThat(router(CONSTANT, Synthetic.flatCosts(0.001, 0.01), 100, new boolean[]{false, true}).route(Query.of("q")).arm())
                .isEqualTo(Synthetic.STRONG);
        for (int i = 0; i < 10; i++) {
            assertThat(router(BY_CLUSTER, Synthetic.flatCosts(0.001, 0.01), 0.1, new boolean[]{true, false}).route(Query.of("B" + i)).arm())
                    .isEqualTo(Synthetic.CHEAP);
        }
    }

    @Test
    void theAllowedFlagsAreCopied() {
        boolean[] allowed = {true, false};
        LearnedRouter r = router(CONSTANT, Synthetic.flatCosts(0.001, 0.01), 0, allowed);
        allowed[0] = false;
        allowed[1] = true;

        assertThat(r.route(Query.of("q")).arm()).isEqualTo(Synthetic.CHEAP);
    }

    @Test
    void perCallFlagsAndPolicyOverrideTheRoutersOwn() {
        LearnedRouter r = router(CONSTANT, Synthetic.flatCosts(0.001, 0.01), 0, new boolean[]{true, false});

        LearnedRouter.Predictions p = r.predict("q", new boolean[]{false, true}, Double.POSITIVE_INFINITY, new CostAwarePolicy(100, 0.01));

        assertThat(p.chosen()).isEqualTo(1);
        assertThat(p.alpha()).isEqualTo(100);
    }

    @Test
    void theCostCapExcludesArmsPredictedToCostMore() {
        LearnedRouter r = router(CONSTANT, Synthetic.flatCosts(0.001, 0.01), 0, null);
        CostAwarePolicy bestQuality = new CostAwarePolicy(0, 0.01);

        assertThat(r.predict("q", null, Double.POSITIVE_INFINITY, bestQuality).chosen()).isEqualTo(1);
        assertThat(r.predict("q", null, 0.01, bestQuality).chosen()).as("a cap equal to the cost allows it").isEqualTo(1);
        assertThat(r.predict("q", null, 0.005, bestQuality).chosen()).isEqualTo(0);
        // Nothing fits: the cheapest allowed arm, never a refusal.
        assertThat(r.predict("q", null, 1e-6, bestQuality).chosen()).isEqualTo(0);
        assertThat(r.predict("q", new boolean[]{false, true}, 1e-6, bestQuality).chosen()).isEqualTo(1);
    }

    @Test
    void tokenPricedCostsGrowWithThePromptAndTheCapSeesThat() {
        // Arm 1 charges $1e-5 per input token plus 100 expected output tokens at $2e-5.
        CostModel cost = new CostModel(new double[]{0, 1e-5}, new double[]{0, 2e-5}, new double[]{0, 100},
                new double[]{0.0005, 0.005}, new boolean[]{false, true});
        LearnedRouter r = router(CONSTANT, cost, 0, null);
        CostAwarePolicy bestQuality = new CostAwarePolicy(0, cost.costScale());
        String shortText = "Is this short?";
        String longText = "word ".repeat(1000);

        LearnedRouter.Predictions shortP = r.predict(shortText, null, 0.004, bestQuality);
        LearnedRouter.Predictions longP = r.predict(longText, null, 0.004, bestQuality);

        assertThat(shortP.cost()[1]).isCloseTo(1e-5 * TokenEstimator.estimate(shortText) + 2e-5 * 100, within(1e-15));
        assertThat(longP.cost()[1]).isCloseTo(1e-5 * TokenEstimator.estimate(longText) + 2e-5 * 100, within(1e-15));
        assertThat(shortP.chosen()).isEqualTo(1);
        assertThat(longP.chosen()).as("the long prompt makes arm 1 cost over $0.004").isEqualTo(0);
    }

    @Test
    void rejectsModelsThatDoNotMatchTheArms() {
        assertThatThrownBy(() -> router(Synthetic.model(3, x -> new double[3]), Synthetic.flatCosts(0.001, 0.01), 0, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unit-router").hasMessageContaining("3 qualities");
        assertThatThrownBy(() -> router(CONSTANT, Synthetic.flatCosts(0.001), 0, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 costs");
        assertThatThrownBy(() -> router(CONSTANT, Synthetic.flatCosts(0.001, 0.01), 0, new boolean[]{true}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("allowed");
    }
}
