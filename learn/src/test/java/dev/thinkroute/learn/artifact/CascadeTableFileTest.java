package dev.thinkroute.learn.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thinkroute.core.route.CascadeTable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CascadeTableFileTest {

    @Test
    void roundTripsEveryLevelAndTheCalibratedAlpha(@TempDir Path dir) throws IOException {
        CascadeTable table = new CascadeTable(List.of(new CascadeTable.Level(0, 248, 0.788, 0.804),
                new CascadeTable.Level(3, 216, 0.037, 0.45)), 1.87, 1.87, 0.1667, "openai-gsm8k: gpt3-175b:off escalating to gpt3-175b:on");
        Path file = dir.resolve("sub/cascade.json");
        CascadeTableFile.write(file, table);
        assertThat(Files.readString(file)).contains("\"format\" : \"thinkroute-cascade/1\"");
        assertThat(CascadeTableFile.read(file)).isEqualTo(table);
    }

    @Test
    void aFileThatIsNotATableSaysWhatIsWrong(@TempDir Path dir) throws IOException {
        Path notJson = Files.writeString(dir.resolve("a.json"), "{nope");
        assertThatThrownBy(() -> CascadeTableFile.read(notJson)).hasMessageContaining("a.json").hasMessageContaining("not JSON");
        Path router = Files.writeString(dir.resolve("b.json"), "{\"format\": \"thinkroute-router/1\"}");
        assertThatThrownBy(() -> CascadeTableFile.read(router)).hasMessageContaining("not a cascade table")
                .hasMessageContaining("thinkroute-cascade/1");
        Path badLevel = Files.writeString(dir.resolve("c.json"), """
                {"format": "thinkroute-cascade/1", "alpha": 0.1, "expensive_cost_usd": 1, "cost_scale_usd": 1,
                 "levels": [{"level": 0, "n": 3, "p_cheap": 1.5, "p_expensive": 0.5}]}""");
        assertThatThrownBy(() -> CascadeTableFile.read(badLevel)).hasMessageContaining("p_cheap, p_expensive in [0, 1]");
    }
}
