package dev.thinkroute.learn.outcome.importer;

import dev.thinkroute.llm.replay.MissingDataException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImportersTest {

    @Test
    void listsEveryImporterByName() {
        assertThat(Importers.names()).containsExactly(
                "routellm-gsm8k", "routellm-mmlu", "llmrouter-dcrouter", "llmrouter-nq", "openai-gsm8k");
        for (String name : Importers.names()) {
            Importer i = Importers.get(name);
            assertThat(i.name()).isEqualTo(name);
            assertThat(i.description()).isNotBlank();
        }
        assertThat(Importers.get("  RouteLLM-GSM8K ").name()).isEqualTo("routellm-gsm8k");
        assertThat(Importers.all()).extracting(Importer::name).containsExactlyElementsOf(Importers.names());
    }

    @Test
    void anUnknownNameListsTheKnownOnes() {
        assertThatThrownBy(() -> Importers.get("routellm-mtbench"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown importer 'routellm-mtbench'; known importers: routellm-gsm8k, routellm-mmlu, "
                        + "llmrouter-dcrouter, llmrouter-nq, openai-gsm8k");
        assertThatThrownBy(() -> Importers.get(" ")).hasMessageStartingWith("no importer named; known importers: ");
    }

    @Test
    void everyImporterSaysWhereItsDataWasExpected(@TempDir Path empty) {
        for (Importer i : Importers.all()) {
            assertThatThrownBy(() -> i.run(empty))
                    .as(i.name())
                    .isInstanceOf(MissingDataException.class)
                    .hasMessageContaining(i.name())
                    .hasMessageContaining(empty.toString())
                    .hasMessageContaining("THINKROUTE_DATA");
        }
    }
}
