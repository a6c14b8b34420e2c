package dev.thinkroute.learn.outcome.importer;

import dev.thinkroute.core.Outcome;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static dev.thinkroute.learn.outcome.importer.ImportChecks.meanCost;
import static dev.thinkroute.learn.outcome.importer.ImportChecks.meanScore;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class LlmRouterDcImporterTest {

    static ImportResult result;

    @BeforeAll
    static void importOnce() {
        result = new LlmRouterDcImporter().run(ImportChecks.dataRoot());
    }

    @Test
    void importsBothSplitsForNineArms() {
        assertThat(result.skipped()).isEmpty();
        assertThat(result.dataset()).isEqualTo("llmrouter");
        assertThat(result.queryCount()).isEqualTo(5_608 + 500);
        assertThat(result.outcomes()).hasSize(9 * (5_608 + 500));
        assertThat(result.arms()).extracting(a -> a.model()).containsExactlyElementsOf(LlmRouterDcImporter.MODELS);
        assertThat(result.arms()).allSatisfy(a -> assertThat(a.thinking().label()).isEqualTo("off"));
        assertThat(result.outcomes().getFirst().queryId()).isEqualTo("train-agentverse-logicgrid-0000");
        // 5,608 + 500 records plus 5,616 + 706 query-file lines.
        assertThat(result.provenance().rowsRead()).isEqualTo(5_608 + 500 + 5_616 + 706);
        ImportChecks.assertWellFormed(result);
    }

    @Test
    void theOriginalSplitIsKept() {
        List<Outcome> train = LlmRouterDcImporter.inSplit(result.outcomes(), "train");
        List<Outcome> test = LlmRouterDcImporter.inSplit(result.outcomes(), "test");
        assertThat(train.stream().map(Outcome::queryId).distinct().count()).isEqualTo(5_608);
        assertThat(test.stream().map(Outcome::queryId).distinct().count()).isEqualTo(500);
        assertThat(train).allSatisfy(o -> assertThat(LlmRouterDcImporter.splitOf(o)).isEqualTo("train"));
        assertThat(test).allSatisfy(o -> assertThat(LlmRouterDcImporter.splitOf(o)).isEqualTo("test"));
        assertThat(test).extracting(Outcome::queryId)
                .allMatch(id -> id.matches("test-[a-z0-9_-]+-\\d{4}"));
        assertThatThrownBy(() -> LlmRouterDcImporter.splitOf("gsm8k-0001")).hasMessageContaining("train- or test-");
        assertThatThrownBy(() -> LlmRouterDcImporter.inSplit(result.outcomes(), "dev")).hasMessageContaining("train or test");
    }

    @Test
    void testMeansMatchSourceMd() {
        // SOURCE.md, test split, documented model order.
        double[] expected = {.423, .154, .563, .267, .277, .450, .235, .508, .503};
        List<Outcome> test = LlmRouterDcImporter.inSplit(result.outcomes(), "test");
        for (int m = 0; m < expected.length; m++) {
            String arm = LlmRouterDcImporter.MODELS.get(m) + ":off";
            assertThat(meanScore(test, arm)).as(arm).isCloseTo(expected[m], within(0.0005));
        }
    }

    @Test
    void tasksComeFromTheJoinedQueryFile() {
        List<Outcome> test = LlmRouterDcImporter.inSplit(result.outcomes(), "test");
        // test.json scores 50 queries of each of 10 of the 14 tasks (no math, commonsense_qa, openbook_qa, arc_challenge).
        Map<String, Long> perTask = test.stream().map(Outcome::queryId).distinct()
                .collect(Collectors.groupingBy(id -> id.substring("test-".length(), id.length() - "-0000".length()),
                        TreeMap::new, Collectors.counting()));
        assertThat(perTask).containsOnlyKeys("agentverse-logicgrid", "agentverse-mgsm", "commongen", "natural_qa",
                "trivia_qa", "mmlu", "gpqa", "mbpp", "human_eval", "gsm8k");
        assertThat(perTask.values()).containsOnly(50L);
        // A multiple-choice answer is priced as 5 tokens, a GSM8K solution as 105.
        assertThat(test).filteredOn(o -> o.queryId().startsWith("test-mmlu-"))
                .allSatisfy(o -> assertThat(o.outputTokens()).isEqualTo(AnswerLengths.MULTIPLE_CHOICE));
        assertThat(test).filteredOn(o -> o.queryId().startsWith("test-gsm8k-"))
                .allSatisfy(o -> assertThat(o.outputTokens()).isEqualTo(AnswerLengths.GRADE_SCHOOL_MATH));
    }

    @Test
    void pricesComeFromDefaultLlmJson() {
        assertThat(result.provenance().prices()).containsOnlyKeys(LlmRouterDcImporter.MODELS);
        assertThat(result.provenance().prices().get("gemma-2-9b-it").inputPerMillion()).isEqualTo(0.1);
        assertThat(result.provenance().prices().get("llama3-chatqa-1.5-70b").outputPerMillion()).isEqualTo(0.9);
        // $0.90 models cost 9x the $0.10 one on the same queries.
        assertThat(meanCost(result.outcomes(), "llama3-chatqa-1.5-70b:off"))
                .isCloseTo(9 * meanCost(result.outcomes(), "gemma-2-9b-it:off"), within(1e-12));
        ImportChecks.assertProvenanceHolds(result, ImportChecks.dataRoot());
    }

    @Test
    void testQuestionsAlsoInTrainCanBeDropped() {
        var seen = LlmRouterDcImporter.testIdsSeenInTrain(result.outcomes());
        assertThat(seen).hasSize(119).allMatch(id -> id.startsWith("test-gpqa-") || id.startsWith("test-human_eval-")
                || id.startsWith("test-mbpp-"));
    }

    @Test
    void findingsThatCostNoRowAreNoted() {
        assertThat(result.provenance().notes())
                .anySatisfy(n -> assertThat(n).contains("119 question(s) also occur word for word in train.json"))
                .anySatisfy(n -> assertThat(n).contains("listed under two tasks"));
    }
}
