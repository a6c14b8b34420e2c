package dev.thinkroute.learn.outcome;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.thinkroute.core.Outcome;
import dev.thinkroute.core.Prices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OutcomeLogTest {

    @TempDir
    Path dir;

    private static Outcome outcome(String id, String model, String thinking, Double score, double cost) {
        return new Outcome(id, "demo", "What is 2 + 2?", model, thinking, score, 12, 34, 0, cost, 56, "eval");
    }

    private static Provenance provenance() {
        return new Provenance("test", "demo", "/data", List.of(new Provenance.SourceFile("a/b.csv", "ab12", 42)),
                "by hand", Map.of("m1", new Prices(1, 2)), List.of("a note"), "cmd", "2025-01-01T00:00:00Z", 3, 1, 2);
    }

    @Test
    void writtenLogReadsBackEqual() {
        List<Outcome> outcomes = List.of(
                outcome("q1", "qwen3:8b", "off", 1.0, 0.000123),
                outcome("q1", "o4-mini", "high", 0.25, 1.5e-7),
                new Outcome("q2", "demo", "Line one\nline \"two\" — ünïcödé ✓ \t tab", "m", "on@2048", null,
                        Long.MAX_VALUE / 2, 0, 0, 0.0, 0, "feedback"),
                new Outcome("q3", "other", "x", "m", "on", 0.0, 1, 2000, 1500, 0.1 + 0.2, 7, "judge"));
        Path log = dir.resolve("sub/out.jsonl");
        OutcomeLog.write(log, outcomes, provenance());

        LoadedLog loaded = OutcomeLog.read(log);

        assertThat(loaded.outcomes()).containsExactlyElementsOf(outcomes);
        assertThat(loaded.problems()).isEmpty();
        assertThat(loaded.skippedLines()).isZero();
        assertThat(loaded.provenance()).contains(provenance());
        assertThat(OutcomeLog.provenancePath(log)).hasFileName("out.jsonl.provenance.json").exists();
    }

    @Test
    void linesCarryTheDesignFieldsInOrder() throws IOException {
        Path log = dir.resolve("out.jsonl");
        OutcomeLog.write(log, List.of(outcome("q1", "m", "off", null, 0.5)), null);

        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(1);
        JsonNode node = new ObjectMapper().readTree(lines.getFirst());
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) names.add(it.next());
        assertThat(names).containsExactly("query_id", "dataset", "query", "model", "thinking", "score", "input_tokens",
                "output_tokens", "reasoning_tokens", "cost_usd", "latency_ms", "source");
        assertThat(node.get("score").isNull()).isTrue();
    }

    @Test
    void answerTextsRoundTripAndAreWrittenOnlyWhenKept() throws IOException {
        Outcome without = outcome("q1", "m", "off", 1.0, 0.5);
        Outcome with = new Outcome("q2", "demo", "What is 2 + 2?", "m", "on", 0.0, 12, 34, 5, 0.5, 56, "live",
                "Let me think.\n2 + 2 = \"4\" — ✓\t#### 4");
        Outcome empty = new Outcome("q3", "demo", "What is 2 + 2?", "m", "off", 0.0, 1, 0, 0, 0.0, 1, "live", "");
        Path log = dir.resolve("answers.jsonl");
        OutcomeLog.write(log, List.of(without, with, empty), null);

        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).doesNotContain("response");
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = new ObjectMapper().readTree(lines.get(1)).fieldNames(); it.hasNext(); ) names.add(it.next());
        assertThat(names).isEqualTo(OutcomeLog.FIELDS);
        assertThat(lines.get(2)).endsWith(",\"response\":\"\"}");

        LoadedLog loaded = OutcomeLog.read(log);
        assertThat(loaded.problems()).isEmpty();
        assertThat(loaded.outcomes()).containsExactly(without, with, empty);
        assertThat(loaded.outcomes()).extracting(Outcome::response)
                .containsExactly(null, "Let me think.\n2 + 2 = \"4\" — ✓\t#### 4", "");
    }

    @Test
    void aLogWithoutAnswersIsWrittenExactlyAsBefore() throws IOException {
        Path log = dir.resolve("old.jsonl");
        OutcomeLog.write(log, List.of(outcome("q1", "m", "off", 1.0, 0.25), outcome("q2", "m", "on", null, 0)), null);

        assertThat(Files.readString(log, StandardCharsets.UTF_8)).isEqualTo("""
                {"query_id":"q1","dataset":"demo","query":"What is 2 + 2?","model":"m","thinking":"off","score":1.0,\
                "input_tokens":12,"output_tokens":34,"reasoning_tokens":0,"cost_usd":0.25,"latency_ms":56,"source":"eval"}
                {"query_id":"q2","dataset":"demo","query":"What is 2 + 2?","model":"m","thinking":"on","score":null,\
                "input_tokens":12,"output_tokens":34,"reasoning_tokens":0,"cost_usd":0.0,"latency_ms":56,"source":"eval"}
                """);
        assertThat(OutcomeLog.read(log).outcomes()).extracting(Outcome::response).containsOnlyNulls();
    }

    @Test
    void aResponseThatIsNotAStringIsReportedWithFileAndLine() throws IOException {
        Path log = dir.resolve("answers.jsonl");
        String base = "{\"query_id\":\"%s\",\"query\":\"q\",\"model\":\"m\",\"score\":1,\"cost_usd\":0%s}";
        Files.writeString(log, String.join("\n",
                base.formatted("a", ",\"response\":\"#### 4\""),
                base.formatted("b", ",\"response\":4"),
                base.formatted("c", ",\"response\":{\"text\":\"4\"}"),
                base.formatted("d", ",\"response\":null"),
                base.formatted("e", ",\"response\":[\"4\"],\"latency_ms\":-1")) + "\n");

        LoadedLog loaded = OutcomeLog.read(log);

        assertThat(loaded.outcomes()).extracting(Outcome::queryId).containsExactly("a", "d");
        assertThat(loaded.outcomes()).extracting(Outcome::response).containsExactly("#### 4", null);
        String f = log.toString();
        assertThat(loaded.problems()).hasSize(3);
        assertThat(loaded.problems().get(0)).isEqualTo(f + ":2: response must be a string, got number 4");
        assertThat(loaded.problems().get(1)).isEqualTo(f + ":3: response must be a string, got an object");
        assertThat(loaded.problems().get(2)).startsWith(f + ":5: ").contains("response must be a string, got an array");
    }

    @Test
    void writingWithoutProvenanceRemovesAStaleSidecar() {
        Path log = dir.resolve("out.jsonl");
        OutcomeLog.write(log, List.of(outcome("q1", "m", "off", 1.0, 0)), provenance());
        assertThat(OutcomeLog.provenancePath(log)).exists();

        OutcomeLog.write(log, List.of(outcome("q2", "m", "off", 1.0, 0)), null);

        assertThat(OutcomeLog.provenancePath(log)).doesNotExist();
        assertThat(OutcomeLog.read(log).provenance()).isEmpty();
    }

    @Test
    void aMinimalUserLogGetsTheDefaults() throws IOException {
        Path log = dir.resolve("my-evals.jsonl");
        Files.writeString(log, """
                {"query_id":"a","query":"hi","model":"gpt-x","score":1,"cost_usd":0.002}
                {"query_id":"b","query":"yo","model":"gpt-x","score":null,"cost_usd":0,"thinking":"true","input_tokens":12.0,"extra":"ignored"}
                """);

        LoadedLog loaded = OutcomeLog.read(log);

        assertThat(loaded.problems()).isEmpty();
        assertThat(loaded.outcomes()).containsExactly(
                new Outcome("a", "my-evals", "hi", "gpt-x", "off", 1.0, 0, 0, 0, 0.002, 0, "import"),
                new Outcome("b", "my-evals", "yo", "gpt-x", "on", null, 12, 0, 0, 0.0, 0, "import"));
    }

    @Test
    void eachBadLineIsReportedWithFileLineAndWhyAndSkipped() throws IOException {
        Path log = dir.resolve("user.jsonl");
        String good = "{\"query_id\":\"ok\",\"query\":\"q\",\"model\":\"m\",\"score\":0.5,\"cost_usd\":0.1}";
        Files.writeString(log, String.join("\r\n",
                good,                                                                                    // 1
                "{\"query_id\":\"x\",",                                                                  // 2
                "{\"query\":\"q\",\"model\":\"m\",\"score\":1,\"cost_usd\":0}",                          // 3
                "{\"query_id\":\"x\",\"query\":\"q\",\"model\":\"m\",\"score\":\"1\",\"cost_usd\":0}",   // 4
                "{\"query_id\":\"x\",\"query\":\"q\",\"model\":\"m\",\"score\":1.5,\"cost_usd\":0}",     // 5
                "{\"query_id\":\"x\",\"query\":\"q\",\"model\":\"m\",\"score\":1,\"cost_usd\":0,\"thinking\":\"sometimes\"}", // 6
                "{\"query_id\":\"x\",\"query\":\"q\",\"model\":\"m\",\"score\":1,\"cost_usd\":-1}",      // 7
                "[1,2,3]",                                                                               // 8
                "",                                                                                      // 9 blank: not a record
                "{\"query_id\":\"x\",\"query\":\"q\",\"model\":\"m\",\"score\":1,\"cost_usd\":0,\"output_tokens\":-5}", // 10
                "{\"query_id\":\"x\",\"query\":\"q\",\"model\":\"m\",\"score\":1}",                      // 11
                "{\"query_id\":7,\"query\":\"q\",\"model\":\"m\",\"score\":1,\"cost_usd\":0}",           // 12
                good.replace("\"ok\"", "\"ok2\"")) + "\r\n");                                            // 13

        LoadedLog loaded = OutcomeLog.read(log);

        assertThat(loaded.outcomes()).extracting(Outcome::queryId).containsExactly("ok", "ok2");
        assertThat(loaded.skippedLines()).isEqualTo(10);
        assertThat(loaded.problems()).hasSize(10);
        String f = log.toString();
        assertThat(loaded.problems().get(0)).startsWith(f + ":2: not valid JSON");
        assertThat(loaded.problems().get(1)).isEqualTo(f + ":3: missing required field query_id");
        assertThat(loaded.problems().get(2)).isEqualTo(f + ":4: score must be a number in [0, 1] or null, got string \"1\"");
        assertThat(loaded.problems().get(3)).isEqualTo(f + ":5: score 1.5 is outside [0, 1]");
        assertThat(loaded.problems().get(4)).startsWith(f + ":6: unknown thinking value 'sometimes'");
        assertThat(loaded.problems().get(5)).isEqualTo(f + ":7: cost_usd -1 is not a number ≥ 0");
        assertThat(loaded.problems().get(6)).isEqualTo(f + ":8: expected a JSON object, got an array");
        assertThat(loaded.problems().get(7)).isEqualTo(f + ":10: output_tokens must be a whole number ≥ 0, got -5");
        assertThat(loaded.problems().get(8)).startsWith(f + ":11: missing required field cost_usd");
        assertThat(loaded.problems().get(9)).isEqualTo(f + ":12: query_id must be a string, got number 7");
    }

    @Test
    void everyProblemOfALineIsNamedAtOnce() throws IOException {
        Path log = dir.resolve("user.jsonl");
        Files.writeString(log, "{\"query\":\"q\",\"score\":2}\n{\"query_id\":\"a\",\"query\":\"q\",\"model\":\"m\",\"score\":1,\"cost_usd\":1}\n");

        assertThat(OutcomeLog.read(log).problems()).containsExactly(log + ":1: missing required field query_id; "
                + "missing required field model; score 2 is outside [0, 1]; missing required field cost_usd (a number ≥ 0)");
    }

    @Test
    void aLogWithNoUsableLineFailsWithTheFirstProblems() throws IOException {
        Path log = dir.resolve("bad.jsonl");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 15; i++) sb.append("{\"query_id\":\"a\"}\n");
        Files.writeString(log, sb.toString());

        assertThatThrownBy(() -> OutcomeLog.read(log))
                .isInstanceOf(InvalidOutcomeLogException.class)
                .hasMessageContaining("no usable outcome in 15 line(s)")
                .hasMessageContaining("first 10 problems")
                .hasMessageContaining(log + ":1: missing required field query")
                .hasMessageContaining(log + ":10: ")
                .satisfies(e -> assertThat(((InvalidOutcomeLogException) e).problems()).hasSize(15));
    }

    @Test
    void aMissingLogIsNamed() {
        Path log = dir.resolve("nope.jsonl");
        assertThatThrownBy(() -> OutcomeLog.read(log))
                .isInstanceOf(java.io.UncheckedIOException.class)
                .hasMessage("cannot read outcome log " + log + ": no such file");
    }

    @Test
    void anEmptyLogHoldsNoOutcomes() throws IOException {
        Path log = dir.resolve("empty.jsonl");
        Files.writeString(log, "\n\n");
        assertThat(OutcomeLog.read(log).outcomes()).isEmpty();
    }

    @Test
    void anOutcomeTheReaderWouldRejectIsNotWritten() {
        Path log = dir.resolve("out.jsonl");
        List<Outcome> outcomes = List.of(outcome("q1", "m", "off", 1.0, 0), outcome("q2", "m", "sometimes", 1.5, -1));

        assertThatThrownBy(() -> OutcomeLog.write(log, outcomes, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outcome #1 (query_id q2, model m)")
                .hasMessageContaining("unknown thinking value 'sometimes'")
                .hasMessageContaining("score 1.5 is outside [0, 1]")
                .hasMessageContaining("cost_usd -1.0");
        assertThat(log).doesNotExist();
    }

    @Test
    void anUnreadableSidecarIsReportedButTheOutcomesStillLoad() throws IOException {
        Path log = dir.resolve("out.jsonl");
        OutcomeLog.write(log, List.of(outcome("q1", "m", "off", 1.0, 0)), null);
        Files.writeString(OutcomeLog.provenancePath(log), "{ not json");

        LoadedLog loaded = OutcomeLog.read(log);

        assertThat(loaded.outcomes()).hasSize(1);
        assertThat(loaded.skippedLines()).isZero();
        assertThat(loaded.provenance()).isEmpty();
        assertThat(loaded.problems()).singleElement().asString()
                .startsWith(OutcomeLog.provenancePath(log) + ": provenance unreadable");
    }

    @Test
    void provenanceChecksItsSourceHashes() throws IOException {
        Path root = dir.resolve("data");
        Files.createDirectories(root.resolve("t"));
        Path file = Files.writeString(root.resolve("t/table.csv"), "a,b\n1,2\n");
        Provenance.SourceFile src = Provenance.SourceFile.of(root, file);
        assertThat(src.path()).isEqualTo("t/table.csv");
        assertThat(src.bytes()).isEqualTo(8);
        // sha256sum of the same bytes
        assertThat(src.sha256()).isEqualTo("492d5ea496056f1a6a6592241032fab764c321596317930b4fa0e1e8bc3b7470");
        Provenance p = new Provenance("x", "d", root.toString(), List.of(src), "", Map.of(), List.of(), "", "", 1, 0, 1);
        assertThat(p.checkSources(null)).isEmpty();

        Files.writeString(file, "a,b\n1,3\n");
        assertThat(p.checkSources(null)).singleElement().asString().contains("changed since import");
        Files.delete(file);
        assertThat(p.checkSources(root)).singleElement().asString().contains("missing");
    }
}
