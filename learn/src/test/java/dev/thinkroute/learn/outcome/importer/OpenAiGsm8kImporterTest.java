package dev.thinkroute.learn.outcome.importer;

import dev.thinkroute.core.Outcome;
import dev.thinkroute.learn.outcome.LoadedLog;
import dev.thinkroute.learn.outcome.OutcomeLog;
import dev.thinkroute.llm.replay.OutcomeTable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import java.util.Map;
import java.util.stream.Collectors;

import static dev.thinkroute.learn.outcome.importer.ImportChecks.meanCost;
import static dev.thinkroute.learn.outcome.importer.ImportChecks.meanScore;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class OpenAiGsm8kImporterTest {

    static ImportResult result;

    @BeforeAll
    static void importOnce() {
        result = new OpenAiGsm8kImporter().run(ImportChecks.dataRoot());
    }

    @Test
    void importsEveryQuestionForFourArms() {
        assertThat(result.skipped()).isEmpty();
        assertThat(result.dataset()).isEqualTo("gsm8k");
        assertThat(result.queryCount()).isEqualTo(1319);
        assertThat(result.outcomes()).hasSize(4 * 1319);
        assertThat(result.arms()).extracting(a -> a.label())
                .containsExactly("gpt3-6b:off", "gpt3-175b:off", "gpt3-6b:on", "gpt3-175b:on");
        ImportChecks.assertWellFormed(result);
        ImportChecks.assertProvenanceHolds(result, ImportChecks.dataRoot());
    }

    @Test
    void accuracyMatchesSourceMd() {
        assertThat(meanScore(result.outcomes(), "gpt3-6b:off")).isCloseTo(.217, within(0.0005));
        assertThat(meanScore(result.outcomes(), "gpt3-6b:on")).isCloseTo(.390, within(0.0005));
        assertThat(meanScore(result.outcomes(), "gpt3-175b:off")).isCloseTo(.347, within(0.0005));
        assertThat(meanScore(result.outcomes(), "gpt3-175b:on")).isCloseTo(.563, within(0.0005));
    }

    @Test
    void verificationCostsAboutTwoHundredSamplesWorth() {
        for (String size : new String[]{"gpt3-6b", "gpt3-175b"}) {
            double off = meanCost(result.outcomes(), size + ":off");
            double on = meanCost(result.outcomes(), size + ":on");
            assertThat(on / off).as(size).isBetween(150.0, 260.0);
        }
        assertThat(meanCost(result.outcomes(), "gpt3-175b:off")).isCloseTo(10 * meanCost(result.outcomes(), "gpt3-6b:off"),
                within(0.2 * meanCost(result.outcomes(), "gpt3-175b:off")));
        Outcome on = result.outcomes().stream().filter(o -> o.thinking().equals("on")).findFirst().orElseThrow();
        long s = on.outputTokens() / OpenAiGsm8kImporter.SAMPLES;
        assertThat(on.reasoningTokens()).isEqualTo((OpenAiGsm8kImporter.SAMPLES - 1) * s);
        assertThat(result.provenance().notes()).anySatisfy(n -> assertThat(n).contains("200x"));
    }

    @Test
    void aLogOfTheImportReadsBackEqual(@TempDir Path dir) {
        Path log = dir.resolve("openai-gsm8k.jsonl");
        result.writeTo(log);

        LoadedLog loaded = OutcomeLog.read(log);

        assertThat(loaded.problems()).isEmpty();
        assertThat(loaded.outcomes()).isEqualTo(result.outcomes());
        assertThat(loaded.provenance()).contains(result.provenance());
    }

    @Test
    void sharesQueryIdsWithRouteLlmGsm8k() {
        // Same 1319 questions in the same order: the two logs join into one six-arm table on query_id.
        ImportResult routeLlm = new RouteLlmGsm8kImporter().run(ImportChecks.dataRoot());
        Map<String, String> theirs = routeLlm.outcomes().stream()
                .collect(Collectors.toMap(Outcome::queryId, Outcome::query, (a, b) -> a));
        Map<String, String> ours = result.outcomes().stream()
                .collect(Collectors.toMap(Outcome::queryId, Outcome::query, (a, b) -> a));
        assertThat(ours.keySet()).isEqualTo(theirs.keySet());
        ours.forEach((id, q) -> assertThat(OutcomeTable.normalisePrompt(q)).as(id)
                .isEqualTo(OutcomeTable.normalisePrompt(theirs.get(id))));
    }
}
