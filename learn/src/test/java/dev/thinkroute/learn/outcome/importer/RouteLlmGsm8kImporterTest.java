package dev.thinkroute.learn.outcome.importer;

import dev.thinkroute.core.Outcome;
import dev.thinkroute.core.TokenEstimator;
import dev.thinkroute.learn.outcome.LoadedLog;
import dev.thinkroute.learn.outcome.OutcomeLog;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.thinkroute.learn.outcome.importer.ImportChecks.meanCost;
import static dev.thinkroute.learn.outcome.importer.ImportChecks.of;
import static org.assertj.core.api.Assertions.assertThat;

class RouteLlmGsm8kImporterTest {

    static final String GPT4 = "gpt-4-1106-preview:off";
    static final String MIXTRAL = "mistralai/Mixtral-8x7B-Instruct-v0.1:off";

    static ImportResult result;

    @BeforeAll
    static void importOnce() {
        result = new RouteLlmGsm8kImporter().run(ImportChecks.dataRoot());
    }

    @Test
    void importsEveryRowForBothArms() {
        assertThat(result.skipped()).isEmpty();
        assertThat(result.dataset()).isEqualTo("gsm8k");
        assertThat(result.queryCount()).isEqualTo(1319);
        assertThat(result.outcomes()).hasSize(2 * 1319);
        assertThat(result.arms()).extracting(a -> a.label()).containsExactly(MIXTRAL, GPT4);
        assertThat(result.outcomes().getFirst().queryId()).isEqualTo("gsm8k-0000");
        assertThat(result.outcomes().getLast().queryId()).isEqualTo("gsm8k-1318");
        assertThat(result.outcomes().getFirst().query()).startsWith("Janet’s ducks lay 16 eggs per day.");
        ImportChecks.assertWellFormed(result);
    }

    @Test
    void correctCountsMatchSourceMd() {
        // SOURCE.md: Mixtral 842 correct (0.638), GPT-4 1130 correct (0.857) of 1319.
        assertThat(of(result.outcomes(), MIXTRAL).stream().filter(o -> o.score() == 1.0).count()).isEqualTo(842);
        assertThat(of(result.outcomes(), GPT4).stream().filter(o -> o.score() == 1.0).count()).isEqualTo(1130);
        assertThat(result.outcomes()).allSatisfy(o -> assertThat(o.score()).isIn(0.0, 1.0));
    }

    @Test
    void costsComeFromPromptAndResponseLengthsAtListPrices() {
        Outcome first = result.outcomes().get(1); // GPT-4 on question 0
        assertThat(first.model()).isEqualTo("gpt-4-1106-preview");
        assertThat(first.inputTokens()).isEqualTo(TokenEstimator.estimate(first.query()));
        assertThat(first.costUsd()).isCloseTo((first.inputTokens() * 10.0 + first.outputTokens() * 30.0) / 1e6,
                org.assertj.core.data.Offset.offset(1e-12));
        assertThat(meanCost(result.outcomes(), GPT4)).isGreaterThan(10 * meanCost(result.outcomes(), MIXTRAL));
        assertThat(result.provenance().prices()).containsOnlyKeys("gpt-4-1106-preview", "mistralai/Mixtral-8x7B-Instruct-v0.1");
        assertThat(result.provenance().costMethod()).contains("TokenEstimator").contains("Together AI").contains("OpenAI");
    }

    @Test
    void provenanceNamesTheFileAndItsHash() {
        ImportChecks.assertProvenanceHolds(result, ImportChecks.dataRoot());
        assertThat(result.provenance().sources()).singleElement()
                .satisfies(s -> assertThat(s.path()).isEqualTo("routellm/routellm/evals/gsm8k/gsm8k_responses.csv"));
        assertThat(result.provenance().rowsRead()).isEqualTo(1319);
        assertThat(result.provenance().rowsSkipped()).isZero();
    }

    @Test
    void aLogOfTheImportReadsBackEqual(@TempDir Path dir) {
        Path log = dir.resolve("gsm8k.jsonl");
        result.writeTo(log);

        LoadedLog loaded = OutcomeLog.read(log);

        assertThat(loaded.problems()).isEmpty();
        assertThat(loaded.outcomes()).isEqualTo(result.outcomes());
        assertThat(loaded.provenance()).contains(result.provenance());
    }
}
