package dev.thinkroute.llm.replay;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecordedTablesTest {

    @TempDir
    Path tmp;

    @Test
    void opensTheGsm8kTableOncePerRoot() {
        Path root = Tables.dataRoot();
        OutcomeTable first = RecordedTables.open("routellm-gsm8k", root);
        assertThat(first).isInstanceOf(RouteLlmGsm8kTable.class);
        assertThat(RecordedTables.open(" routellm-gsm8k ", root.resolve("x/..")) ).isSameAs(first);
        assertThat(RecordedTables.names()).containsExactly("routellm-gsm8k", "llmrouter-nq");
    }

    @Test
    void anUnknownNameListsTheKnownOnes() {
        assertThatThrownBy(() -> RecordedTables.open("mmlu", tmp))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'mmlu'")
                .hasMessageContaining("routellm-gsm8k");
        assertThatThrownBy(() -> RecordedTables.open(null, tmp))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("routellm-gsm8k");
    }

    @Test
    void concurrentOpensShareOneLoadAndFailuresAreNotCached() throws Exception {
        assertThatThrownBy(() -> RecordedTables.open("routellm-gsm8k", tmp)).isInstanceOf(MissingDataException.class);

        Path csv = tmp.resolve(RouteLlmGsm8kTable.RELATIVE_PATH);
        Files.createDirectories(csv.getParent());
        Files.writeString(csv, Tables.HEADER + "Q,True,False,m,g\n");
        List<Future<OutcomeTable>> opened = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 16; i++) opened.add(pool.submit(() -> RecordedTables.open("routellm-gsm8k", tmp)));
        }
        OutcomeTable first = opened.getFirst().get();
        for (Future<OutcomeTable> f : opened) assertThat(f.get()).isSameAs(first);
        assertThat(first.size()).isEqualTo(1);
    }

    @Test
    void differentRootsAreDifferentTables() throws IOException {
        Path a = tmp.resolve("a"), b = tmp.resolve("b");
        for (Path root : List.of(a, b)) {
            Path csv = root.resolve(RouteLlmGsm8kTable.RELATIVE_PATH);
            Files.createDirectories(csv.getParent());
            Files.writeString(csv, Tables.HEADER + "Q " + root.getFileName() + ",True,False,m,g\n");
        }
        assertThat(RecordedTables.open("routellm-gsm8k", a).prompts()).containsExactly("Q a");
        assertThat(RecordedTables.open("routellm-gsm8k", b).prompts()).containsExactly("Q b");
    }
}
