package dev.thinkroute.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.thinkroute.core.route.Cascade;
import dev.thinkroute.core.route.CascadeTable;
import dev.thinkroute.learn.artifact.CascadeTableFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A cascade profile's learned table: found next to the config, its α overridable, and every mistake named. */
class CascadeTableConfigTest {

    static final String MODELS = """
            models:
              - {name: qwen3-8b, dialect: openai, base_url: "http://127.0.0.1:9/v1", thinking: qwen3}
            """;

    @Test
    void aTableIsReadRelativeToTheConfigAndItsAlphaCanBeSet(@TempDir Path dir) throws Exception {
        CascadeTable table = new CascadeTable(List.of(new CascadeTable.Level(0, 10, 0.9, 0.9)), 1, 1, 0.2, "t");
        CascadeTableFile.write(dir.resolve("tables/c.json"), table);
        Path config = Files.writeString(dir.resolve("gateway.yaml"), MODELS + """
                profiles:
                  learned: {cascade: {cheap: "qwen3-8b:off", strong: "qwen3-8b:on", table: tables/c.json}}
                  tuned: {cascade: {cheap: "qwen3-8b:off", strong: "qwen3-8b:on", table: tables/c.json, alpha: 0.05}}
                """);
        GatewayConfig cfg = ConfigLoader.load(config);
        Cascade learned = (Cascade) cfg.profile("learned").orElseThrow().router();
        assertThat(learned.table()).isEqualTo(table);
        assertThat(learned.acceptsConstraints()).isTrue();
        assertThat(learned.alphaFor(null)).isEqualTo(0.2);
        Cascade tuned = (Cascade) cfg.profile("tuned").orElseThrow().router();
        assertThat(tuned.alphaFor(null)).isEqualTo(0.05);
        assertThat(((Cascade) ConfigLoader.parse(MODELS + """
                profiles:
                  plain: {cascade: {cheap: "qwen3-8b:off", strong: "qwen3-8b:on"}}
                """, dir.resolve("x.yaml")).profile("plain").orElseThrow().router()).acceptsConstraints()).isFalse();
    }

    @Test
    void aMissingTableOrAnAlphaWithoutOneIsNamed(@TempDir Path dir) throws IOException {
        Path config = Files.writeString(dir.resolve("gateway.yaml"), MODELS + """
                profiles:
                  a: {cascade: {cheap: "qwen3-8b:off", strong: "qwen3-8b:on", table: nowhere.json}}
                  b: {cascade: {cheap: "qwen3-8b:off", strong: "qwen3-8b:on", alpha: 0.1}}
                """);
        try {
            ConfigLoader.load(config);
            throw new AssertionError("expected problems");
        } catch (ConfigException e) {
            assertThat(e.getMessage()).contains("profiles.a.cascade.table: cannot read").contains("nowhere.json")
                    .contains("thinkroute think --save-cascade")
                    .contains("profiles.b.cascade.alpha: only used with a learned 'table'");
        }
    }
}
