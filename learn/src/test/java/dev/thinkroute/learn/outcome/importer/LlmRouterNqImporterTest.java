package dev.thinkroute.learn.outcome.importer;

import dev.thinkroute.core.Outcome;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.thinkroute.learn.outcome.importer.ImportChecks.mean;
import static dev.thinkroute.learn.outcome.importer.ImportChecks.meanCost;
import static dev.thinkroute.learn.outcome.importer.ImportChecks.meanScore;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LlmRouterNqImporterTest {

    /** SOURCE.md's table order, with mean perf and mean cost_list value. */
    static final List<String> MODELS = List.of("qwen/qwen2.5-7b-instruct", "meta/llama-3.1-70b-instruct",
            "mistralai/mistral-7b-instruct-v0.3", "mistralai/mixtral-8x22b-instruct-v0.1", "google/gemma-2-27b-it",
            "meta/llama-3.1-8b-instruct");
    static final double[] PERF = {.134, .199, .165, .306, .457, .280};
    static final double[] COST_LIST = {13.89, 125.92, 12.34, 79.60, 29.88, 36.18};

    static ImportResult result;

    @BeforeAll
    static void importOnce() {
        result = new LlmRouterNqImporter().run(ImportChecks.dataRoot());
    }

    @Test
    void importsFiveHundredQuestionsForSixArms() {
        assertThat(result.skipped()).isEmpty();
        assertThat(result.dataset()).isEqualTo("nq");
        assertThat(result.queryCount()).isEqualTo(500);
        assertThat(result.outcomes()).hasSize(6 * 500);
        assertThat(result.arms()).extracting(a -> a.model()).containsExactlyInAnyOrderElementsOf(MODELS);
        assertThat(result.outcomes().getFirst().queryId()).isEqualTo("nq-0000");
        assertThat(result.outcomes().getFirst().query()).isEqualTo("when does a wrinkle in time come out in canada?");
        ImportChecks.assertWellFormed(result);
        ImportChecks.assertProvenanceHolds(result, ImportChecks.dataRoot());
    }

    @Test
    void scoresAndCostsMatchSourceMdPerModel() {
        for (int m = 0; m < MODELS.size(); m++) {
            String arm = MODELS.get(m) + ":off";
            assertThat(meanScore(result.outcomes(), arm)).as(arm).isCloseTo(PERF[m], within(0.0005));
            // cost_list read as micro-USD, kept exactly.
            assertThat(meanCost(result.outcomes(), arm) * 1e6).as(arm).isCloseTo(COST_LIST[m], within(0.005));
        }
        assertThat(meanCost(result.outcomes(), "meta/llama-3.1-70b-instruct:off"))
                .isGreaterThan(5 * meanCost(result.outcomes(), "qwen/qwen2.5-7b-instruct:off"));
    }

    @Test
    void valuesFollowTheirModelWhenARecordListsModelsInAnotherOrder() {
        // Record q_id 0 lists qwen first with cost 3.0 ("<answer>1962</answer>", 10 Qwen tokens at $0.30 / 1M).
        Outcome qwen = result.outcomes().stream()
                .filter(o -> o.queryId().equals("nq-0000") && o.model().equals("qwen/qwen2.5-7b-instruct"))
                .findFirst().orElseThrow();
        assertThat(qwen.costUsd()).isCloseTo(3.0e-6, within(1e-15));
        assertThat(qwen.outputTokens()).isEqualTo(10);
        assertThat(qwen.score()).isEqualTo(0.0);
        // output tokens are cost_list / price, so cost = output tokens x output price for every outcome
        assertThat(result.outcomes()).allSatisfy(o -> assertThat(o.costUsd()).isCloseTo(
                o.outputTokens() * ListPrices.NQ_IMPLIED.get(o.model()).outputPerMillion() / 1e6, within(1e-12)));
        // Llama-3.1-8B writes the longest answers: SOURCE.md's mean cost_list 36.18 / $0.18 = ~201 tokens.
        double implied = mean(result.outcomes(), "meta/llama-3.1-8b-instruct:off", Outcome::outputTokens);
        assertThat(implied).isBetween(120.0, 300.0);
    }
}
