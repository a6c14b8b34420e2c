package dev.thinkroute.llm.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LLMRouter's NQ routing history as a replay table: the real file, and hand-made broken ones. */
class LlmRouterNqTableTest {

    @Test
    void realFileHoldsFiveHundredQuestionsBySixModelsWithTheirScores() {
        LlmRouterNqTable t = LlmRouterNqTable.load(Tables.dataRoot());
        assertThat(t.size()).isEqualTo(500);
        assertThat(t.skipped()).isEmpty();
        assertThat(t.models()).containsExactlyInAnyOrder("qwen/qwen2.5-7b-instruct", "meta/llama-3.1-70b-instruct",
                "mistralai/mistral-7b-instruct-v0.3", "mistralai/mixtral-8x22b-instruct-v0.1", "google/gemma-2-27b-it",
                "meta/llama-3.1-8b-instruct");
        // The first record, as SOURCE.md shows it: Qwen answered "<answer>1962</answer>" and scored 0.
        RecordedAnswer qwen = t.lookup("qwen/qwen2.5-7b-instruct", "when does a wrinkle in time come out in canada?").orElseThrow();
        assertThat(qwen.text()).isEqualTo("<answer>1962</answer>");
        assertThat(qwen.score()).isZero();
        // Matched after whitespace normalisation, not otherwise.
        assertThat(t.lookup("qwen/qwen2.5-7b-instruct", "  when does a wrinkle   in time come out in canada?\n")).isPresent();
        assertThat(t.lookup("qwen/qwen2.5-7b-instruct", "When does a wrinkle in time come out in Canada?")).isEmpty();
        assertThatThrownBy(() -> t.lookup("gpt-4", "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no model 'gpt-4'").hasMessageContaining("google/gemma-2-27b-it");
        assertThat(RecordedTables.open(LlmRouterNqTable.NAME, Tables.dataRoot()).size()).isEqualTo(500);
    }

    @Test
    void badRecordsAreSkippedWithTheirLineAndRepeatsKeepTheFirst(@TempDir Path root) throws IOException {
        Path file = root.resolve(LlmRouterNqTable.RELATIVE_PATH);
        Files.createDirectories(file.getParent());
        Files.writeString(file, """
                [
                {"query": "q one", "llm_name_list": ["a", "b"], "response_list": ["x", "y"], "perf_list": [1.0, 0.5]},
                {"query": "", "llm_name_list": ["a"], "response_list": ["x"], "perf_list": [1.0]},
                {"query": "q two", "llm_name_list": ["a", "b"], "response_list": ["x"], "perf_list": [1.0, 0.0]},
                {"query": "q three", "llm_name_list": ["a"], "response_list": ["x"], "perf_list": [1.5]},
                {"query": "q  one", "llm_name_list": ["a"], "response_list": ["again"], "perf_list": [0.0]},
                {"query": "q four", "llm_name_list": ["b"], "response_list": ["only b"], "perf_list": [0.25]}
                ]
                """);
        LlmRouterNqTable t = LlmRouterNqTable.load(root);
        assertThat(t.prompts()).containsExactly("q one", "q four");
        assertThat(t.models()).containsExactly("a", "b");
        assertThat(t.skipped()).hasSize(4);
        assertThat(t.skipped().get(0)).contains(":3:").contains("query must be a non-empty string");
        assertThat(t.skipped().get(1)).contains(":4:").contains("arrays of one length");
        assertThat(t.skipped().get(2)).contains(":5:").contains("score in [0, 1]");
        assertThat(t.skipped().get(3)).contains(":6:").contains("repeats the query on line 2");
        assertThat(t.lookup("a", "q one").orElseThrow().text()).isEqualTo("x");
        // A model missing from one record has no answer there, rather than failing.
        assertThat(t.lookup("a", "q four")).isEmpty();
        assertThat(t.lookup("b", "q four").orElseThrow().score()).isEqualTo(0.25);
    }

    @Test
    void aMissingFileSaysWhereItWasExpectedAndHowToGetIt(@TempDir Path root) {
        assertThatThrownBy(() -> LlmRouterNqTable.load(root)).isInstanceOf(MissingDataException.class)
                .hasMessageContaining(LlmRouterNqTable.RELATIVE_PATH).hasMessageContaining("thinkroute data fetch");
    }
}
