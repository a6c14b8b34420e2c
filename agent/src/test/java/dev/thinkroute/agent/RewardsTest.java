package dev.thinkroute.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The Router-R1 hierarchical reward: each format rule, the outcome, the batch cost normalisation and the total. */
class RewardsTest {

    static final Set<String> NAMES = Set.of("small", "big");

    static final String WELL_FORMED = """
            <think>I need the director of Jaws first.</think>
            <search> big: Who directed Jaws? </search>
            <information>Steven Spielberg</information>
            <think>Now his birth year.</think>
            <search> small: In what year was Steven Spielberg born? </search>
            <information>1946</information>
            <think>Done.</think>
            <answer>1946</answer>
            """;

    private static Optional<String> violation(String transcript) {
        return Rewards.formatViolation(transcript, NAMES);
    }

    @Test
    void aWellFormedTwoSearchTranscriptKeepsTheFormat() {
        assertThat(violation(WELL_FORMED)).isEmpty();
        assertThat(Rewards.format(WELL_FORMED, NAMES)).isEqualTo(0.0);
        // The name is read trimmed and in any case.
        assertThat(Rewards.format(WELL_FORMED.replace("<search> big:", "<search>  BIG :"), NAMES)).isEqualTo(0.0);
    }

    @Test
    void eachBrokenRuleScoresMinusOne() {
        assertBroken("1946", "no complete tag pair");
        assertBroken(WELL_FORMED.replace("Steven Spielberg</information>", "Steven Spielberg"), "unbalanced <information> tags");
        assertBroken(WELL_FORMED.replace("<think>Done.</think>", "<think>Done: <answer>1946</answer></think>"), "a tag nested inside <think>");
        assertBroken(WELL_FORMED.replace("<think>Done.</think>", "<think>...</think>"), "an empty <think>");
        assertBroken(WELL_FORMED.replace("<think>Done.</think>", "<think>  </think>"), "an empty <think>");
        assertBroken(WELL_FORMED.replace("<answer>1946</answer>", "<answer>1946</answer> <answer>1946</answer>"), "not exactly one <answer>");
        assertBroken("<search> big: Who directed Jaws? </search><information>Steven Spielberg</information><answer>Steven Spielberg</answer>",
                "no <think>");
        assertBroken(WELL_FORMED.replace("<information>1946</information>\n", ""), "searches and informations differ in number");
        assertBroken("Sure.\n" + WELL_FORMED, "does not start with <think>");
        assertBroken(WELL_FORMED + "Hope that helps.", "does not end with </answer>");
        assertBroken(WELL_FORMED.replace("Who directed Jaws?", "Who directed Jaws: the film?"), "a <search> not written Name: question");
        assertBroken(WELL_FORMED.replace("big: Who directed Jaws?", "Who directed Jaws?"), "a <search> not written Name: question");
        assertBroken(WELL_FORMED.replace("big: Who directed Jaws?", "big:  "), "a <search> not written Name: question");
        assertBroken(WELL_FORMED.replace("<search> big:", "<search> huge:"), "a <search> asks an unknown model");
    }

    private static void assertBroken(String transcript, String why) {
        assertThat(violation(transcript)).as(transcript).contains(why);
        assertThat(Rewards.format(transcript, NAMES)).isEqualTo(-1.0);
    }

    @Test
    void theOutcomeIsTheBestMatchOverTheGoldAnswers() {
        // Normalised, "The Steven Spielberg!" is "steven spielberg", the second gold.
        assertThat(Rewards.outcome("The Steven Spielberg!", List.of("Spielberg", "Steven Spielberg"))).isEqualTo(new Rewards.Outcome(1, 1));
        // "spielberg director" against "steven spielberg": one common token, precision = recall = 1/2, F1 = 1/2.
        Rewards.Outcome partial = Rewards.outcome("Spielberg, the director", List.of("George Lucas", "Steven Spielberg"));
        assertThat(partial.exactMatch()).isEqualTo(0);
        assertThat(partial.f1()).isCloseTo(0.5, within(1e-12));
        assertThat(Rewards.outcome(null, List.of("1946"))).isEqualTo(new Rewards.Outcome(0, 0));
    }

    @Test
    void costsAreSquareRootedAndScaledBetweenTheBatchPercentiles() {
        // sqrt gives 10, 0, 3, 1, 4, 2; sorted 0 1 2 3 4 10 (n = 6).
        // p5: rank 0.05·5 = 0.25 → 0 + 0.25·(1 - 0) = 0.25; p95: rank 4.75 → 4 + 0.75·(10 - 4) = 8.5; range 8.25.
        // Reward 1 - clip((x - 0.25) / 8.25) = (8.5 - x) / 8.25 inside the range: x=1 → 10/11, 2 → 26/33, 3 → 2/3,
        // 4 → 6/11; x=0 is clipped to 1 and the outlier x=10 to 0, without squeezing the others towards 1.
        double[] rewards = Rewards.costRewards(new double[] {100, 0, 9, 1, 16, 4});
        assertThat(rewards).containsExactly(new double[] {0, 1, 2.0 / 3, 10.0 / 11, 6.0 / 11, 26.0 / 33}, within(1e-12));
    }

    @Test
    void aBatchWithoutSpreadGivesEveryoneTheNeutralCostReward() {
        assertThat(Rewards.costRewards(new double[] {4, 4, 4})).containsExactly(0.5, 0.5, 0.5);
        assertThat(Rewards.costRewards(new double[] {7})).containsExactly(0.5);
        assertThat(Rewards.costRewards(new double[0])).isEmpty();
        assertThatThrownBy(() -> Rewards.costRewards(new double[] {1, -1})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("finite and non-negative");
    }

    @Test
    void theTotalIsHierarchical() {
        assertThat(Rewards.total(-1, 1, 1, 0.5)).as("a broken format outweighs a right, cheap answer").isEqualTo(-1);
        assertThat(Rewards.total(0, 0, 1, 0.5)).as("a wrong answer earns nothing for being cheap").isEqualTo(0);
        assertThat(Rewards.total(0, 1, 0.8, 0.25)).isCloseTo(0.75 * 1 + 0.25 * 0.8, within(1e-12));
        assertThat(Rewards.total(0, 1, 0.8, 0)).isEqualTo(1);
    }

    @Test
    void alphaOutsideZeroToOneIsRejected() {
        for (double alpha : new double[] {-0.1, 1.5, Double.NaN}) {
            assertThatThrownBy(() -> Rewards.total(0, 1, 1, alpha)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("the cost coefficient alpha must be in [0, 1], got " + alpha);
        }
        assertThatThrownBy(() -> new TrajectoryWriter(NAMES, 2, Rewards.CostBasis.USD, "")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("alpha must be in [0, 1]");
    }
}
