package dev.thinkroute.learn.outcome.importer;

import dev.thinkroute.core.Outcome;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.thinkroute.learn.outcome.importer.ImportChecks.meanCost;
import static dev.thinkroute.learn.outcome.importer.ImportChecks.meanScore;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RouteLlmMmluImporterTest {

    static final String GPT4 = "gpt-4-1106-preview:off";
    static final String MIXTRAL = "mistralai/Mixtral-8x7B-Instruct-v0.1:off";

    static ImportResult result;

    @BeforeAll
    static void importOnce() {
        result = new RouteLlmMmluImporter().run(ImportChecks.dataRoot());
    }

    @Test
    void importsAllSubjectsForBothArms() {
        assertThat(result.skipped()).isEmpty();
        assertThat(result.dataset()).isEqualTo("mmlu");
        assertThat(result.queryCount()).isEqualTo(14_042);
        assertThat(result.outcomes()).hasSize(2 * 14_042);
        assertThat(result.arms()).extracting(a -> a.label()).containsExactly(MIXTRAL, GPT4);
        assertThat(result.provenance().sources()).hasSize(57);
        assertThat(result.provenance().rowsRead()).isEqualTo(14_042);
        assertThat(result.outcomes().getFirst().queryId()).isEqualTo("mmlu-abstract_algebra-0000");
        assertThat(result.outcomes()).extracting(Outcome::queryId)
                .contains("mmlu-anatomy-0000", "mmlu-professional_law-1533")
                .allMatch(id -> id.matches("mmlu-[a-z_]+-\\d{4}"));
        ImportChecks.assertWellFormed(result);
    }

    @Test
    void accuracyMatchesSourceMd() {
        // SOURCE.md: acc 0.681 (Mixtral), 0.806 (GPT-4) over 14,042.
        assertThat(meanScore(result.outcomes(), MIXTRAL)).isCloseTo(0.681, within(0.0005));
        assertThat(meanScore(result.outcomes(), GPT4)).isCloseTo(0.806, within(0.0005));
    }

    @Test
    void answersArePricedAsFiveTokensAndGpt4CostsMore() {
        assertThat(result.outcomes()).allSatisfy(o -> assertThat(o.outputTokens()).isEqualTo(AnswerLengths.MULTIPLE_CHOICE));
        assertThat(meanCost(result.outcomes(), GPT4)).isGreaterThan(10 * meanCost(result.outcomes(), MIXTRAL));
        assertThat(result.provenance().costMethod()).contains("5 per answer");
        ImportChecks.assertProvenanceHolds(result, ImportChecks.dataRoot());
    }
}
