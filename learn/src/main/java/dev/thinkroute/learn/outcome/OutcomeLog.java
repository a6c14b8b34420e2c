package dev.thinkroute.learn.outcome;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.thinkroute.core.Outcome;
import dev.thinkroute.core.Thinking;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads and writes the outcome log: JSONL, one {@link Outcome} per line, with the fields of DESIGN.md in this order:
 * {@code query_id, dataset, query, model, thinking, score, input_tokens, output_tokens, reasoning_tokens, cost_usd,
 * latency_ms, source}, then {@code response} — the answer text as the model gave it — only on lines whose outcome
 * kept it ({@link Outcome#response()} not {@code null}), so logs without answers are exactly as before.
 *
 * <p><b>Reading a log somebody else wrote.</b> Required: {@code query_id}, {@code query} and {@code model}
 * (non-empty strings), {@code score} (a number in [0, 1], or {@code null} for "not judged"), {@code cost_usd} (a
 * number ≥ 0). Optional, with defaults: {@code thinking} ({@code "off"}; any spelling {@link Thinking#parse} accepts,
 * stored in its canonical form), {@code dataset} (the file name without its extension), the token counts and
 * {@code latency_ms} (0; whole numbers ≥ 0), {@code source} ({@code "import"}), {@code response} (none; a string,
 * kept exactly as written, even empty). Unknown fields are ignored, so logs
 * may carry more. Blank lines are passed over. A line that breaks a rule (not JSON, not an object, a required field
 * missing, a wrong type, a score outside [0, 1], an unknown thinking value, a negative count) is left out and
 * reported as {@code file:line: why} — never dropped silently; when no line is usable the read fails with the first
 * problems.
 *
 * <p><b>Provenance</b> goes in a sidecar, {@code <log>.provenance.json} ({@link #provenancePath}), read back when
 * present.
 */
public final class OutcomeLog {

    /** The field names, in the order they are written; the last, {@code response}, only when the outcome has one. */
    public static final List<String> FIELDS = List.of("query_id", "dataset", "query", "model", "thinking", "score",
            "input_tokens", "output_tokens", "reasoning_tokens", "cost_usd", "latency_ms", "source", "response");

    /** The {@code source} given to lines that have none. */
    public static final String DEFAULT_SOURCE = "import";
    /** The suffix of the provenance sidecar. */
    public static final String PROVENANCE_SUFFIX = ".provenance.json";

    /** Problems shown in the message of a log with no usable line; the exception carries all of them. */
    private static final int SHOWN_PROBLEMS = 10;

    // Strict parsing: a line with a duplicated key or trailing text is ambiguous, so it is reported, not guessed at.
    private static final ObjectMapper LINE = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private static final ObjectMapper SIDE = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            // A newer writer may add fields; an older reader should still see the ones it knows.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private static final JsonFactory FACTORY = new JsonFactory();

    private OutcomeLog() {
    }

    /** Where the provenance of {@code log} is kept: {@code <log>.provenance.json} in the same folder. */
    public static Path provenancePath(Path log) {
        return log.resolveSibling(log.getFileName() + PROVENANCE_SUFFIX);
    }

    /**
     * Writes {@code outcomes} to {@code log} (replacing it) and {@code provenance} to its sidecar. Both are written to
     * a temporary file first and moved into place, so a reader never sees half a log. With {@code provenance}
     * {@code null} an existing sidecar is deleted, since it would describe other data.
     *
     * @throws IllegalArgumentException when an outcome breaks a rule the reader enforces (the log would not load
     *                                  back); nothing is written then
     */
    public static void write(Path log, List<Outcome> outcomes, Provenance provenance) {
        Objects.requireNonNull(log, "log");
        Objects.requireNonNull(outcomes, "outcomes");
        for (int i = 0; i < outcomes.size(); i++) {
            Outcome o = outcomes.get(i);
            List<String> why = o == null ? List.of("is null") : check(o);
            if (!why.isEmpty()) {
                throw new IllegalArgumentException("outcome #" + i
                        + (o == null ? "" : " (query_id " + o.queryId() + ", model " + o.model() + ")")
                        + " cannot be logged: " + String.join("; ", why));
            }
        }
        try {
            Path parent = log.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            Path tmp = tempNextTo(log);
            try {
                try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                    for (Outcome o : outcomes) {
                        writeLine(w, o);
                        w.write('\n');
                    }
                }
                moveIntoPlace(tmp, log);
            } finally {
                Files.deleteIfExists(tmp); // only still there when writing failed
            }
            Path side = provenancePath(log);
            if (provenance == null) {
                Files.deleteIfExists(side);
            } else {
                Path sideTmp = tempNextTo(side);
                try {
                    SIDE.writeValue(sideTmp.toFile(), provenance);
                    moveIntoPlace(sideTmp, side);
                } finally {
                    Files.deleteIfExists(sideTmp);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write outcome log " + log + ": " + e, e);
        }
    }

    /**
     * Reads a log, keeping every usable line and reporting every other one.
     *
     * @throws InvalidOutcomeLogException when the file has lines but none is usable
     * @throws UncheckedIOException       when the file is missing or cannot be read
     */
    public static LoadedLog read(Path log) {
        Objects.requireNonNull(log, "log");
        if (!Files.isRegularFile(log)) {
            String why = Files.exists(log) ? "not a regular file" : "no such file";
            throw new UncheckedIOException("cannot read outcome log " + log + ": " + why,
                    new java.nio.file.NoSuchFileException(log.toString()));
        }
        String defaultDataset = datasetFromFileName(log);
        List<Outcome> outcomes = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int bad = 0;
        try (BufferedReader in = Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
            int lineNo = 0;
            for (String line; (line = in.readLine()) != null; ) {
                lineNo++;
                if (lineNo == 1 && line.startsWith("\uFEFF")) line = line.substring(1); // a BOM some editors write
                if (line.isBlank()) continue;
                List<String> why = new ArrayList<>();
                Outcome o = parseLine(line, defaultDataset, why);
                if (o == null) {
                    bad++;
                    problems.add(log + ":" + lineNo + ": " + String.join("; ", why));
                } else {
                    outcomes.add(o);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read outcome log " + log + ": " + e, e);
        }
        if (outcomes.isEmpty() && bad > 0) {
            List<String> shown = problems.subList(0, Math.min(SHOWN_PROBLEMS, problems.size()));
            throw new InvalidOutcomeLogException(log + ": no usable outcome in " + bad + " line(s); "
                    + (problems.size() > shown.size() ? "first " + shown.size() + " problems" : "problems") + ":\n  "
                    + String.join("\n  ", shown), problems);
        }
        Optional<Provenance> provenance = Optional.empty();
        Path side = provenancePath(log);
        if (Files.isRegularFile(side)) {
            try {
                provenance = Optional.of(SIDE.readValue(side.toFile(), Provenance.class));
            } catch (IOException | RuntimeException e) {
                // The outcomes stand on their own; a broken sidecar is reported, not fatal.
                problems.add(side + ": provenance unreadable: " + e.getMessage());
            }
        }
        return new LoadedLog(log, outcomes, bad, problems, provenance);
    }

    /** The dataset a line without one is given: the file name up to its last dot ({@code evals.jsonl} → {@code evals}). */
    static String datasetFromFileName(Path log) {
        String name = log.getFileName() == null ? "log" : log.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    // ---- one line ----

    private static void writeLine(Writer w, Outcome o) throws IOException {
        // The generator must not close the shared writer: each line is its own small document.
        try (JsonGenerator g = FACTORY.createGenerator(w).disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)) {
            g.writeStartObject();
            g.writeStringField("query_id", o.queryId());
            g.writeStringField("dataset", o.dataset());
            g.writeStringField("query", o.query());
            g.writeStringField("model", o.model());
            g.writeStringField("thinking", canonicalThinking(o.thinking()));
            if (o.score() == null) g.writeNullField("score");
            else g.writeNumberField("score", o.score());
            g.writeNumberField("input_tokens", o.inputTokens());
            g.writeNumberField("output_tokens", o.outputTokens());
            g.writeNumberField("reasoning_tokens", o.reasoningTokens());
            g.writeNumberField("cost_usd", o.costUsd());
            g.writeNumberField("latency_ms", o.latencyMs());
            g.writeStringField("source", o.source());
            if (o.response() != null) g.writeStringField("response", o.response());
            g.writeEndObject();
        }
    }

    /** The rules an outcome must meet to be logged; the same ones {@link #read} applies to a line. */
    private static List<String> check(Outcome o) {
        List<String> why = new ArrayList<>();
        if (o.queryId() == null || o.queryId().isBlank()) why.add("query_id is missing");
        if (o.query() == null || o.query().isEmpty()) why.add("query is missing");
        if (o.model() == null || o.model().isBlank()) why.add("model is missing");
        try {
            Thinking.parse(o.thinking() == null ? "off" : o.thinking());
        } catch (IllegalArgumentException e) {
            why.add(e.getMessage());
        }
        if (o.score() != null && !(o.score() >= 0 && o.score() <= 1)) why.add("score " + o.score() + " is outside [0, 1]");
        if (!(o.costUsd() >= 0) || Double.isInfinite(o.costUsd())) why.add("cost_usd " + o.costUsd() + " is not a number ≥ 0");
        if (o.inputTokens() < 0) why.add("input_tokens is negative");
        if (o.outputTokens() < 0) why.add("output_tokens is negative");
        if (o.reasoningTokens() < 0) why.add("reasoning_tokens is negative");
        if (o.latencyMs() < 0) why.add("latency_ms is negative");
        return why;
    }

    /**
     * Parses one line; on failure returns {@code null} and adds the reasons to {@code why} (all of them, so a user
     * fixes a line once).
     */
    private static Outcome parseLine(String line, String defaultDataset, List<String> why) {
        JsonNode node;
        try {
            node = LINE.readTree(line);
        } catch (JsonProcessingException e) {
            why.add("not valid JSON: " + e.getOriginalMessage());
            return null;
        }
        if (node == null || !node.isObject()) {
            why.add("expected a JSON object, got " + kind(node));
            return null;
        }
        String queryId = requiredString(node, "query_id", why);
        String query = requiredString(node, "query", why);
        String model = requiredString(node, "model", why);
        Double score = score(node, why);
        double cost = cost(node, why);
        String dataset = optionalString(node, "dataset", defaultDataset, why);
        String source = optionalString(node, "source", DEFAULT_SOURCE, why);
        String thinkingText = optionalString(node, "thinking", "off", why);
        String thinking = null;
        if (thinkingText != null) {
            try {
                thinking = Thinking.parse(thinkingText).label();
            } catch (IllegalArgumentException e) {
                why.add(e.getMessage());
            }
        }
        long in = count(node, "input_tokens", why);
        long out = count(node, "output_tokens", why);
        long reasoning = count(node, "reasoning_tokens", why);
        long latency = count(node, "latency_ms", why);
        String response = response(node, why);
        if (!why.isEmpty()) return null;
        return new Outcome(queryId, dataset, query, model, thinking, score, in, out, reasoning, cost, latency, source,
                response);
    }

    /** The answer text, kept exactly (an empty answer is still an answer); {@code null} when absent or null. */
    private static String response(JsonNode node, List<String> why) {
        JsonNode v = node.get("response");
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) {
            why.add("response must be a string, got " + kind(v));
            return null;
        }
        return v.asText();
    }

    private static String requiredString(JsonNode node, String field, List<String> why) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            why.add("missing required field " + field);
            return null;
        }
        if (!v.isTextual()) {
            why.add(field + " must be a string, got " + kind(v));
            return null;
        }
        if (v.asText().isBlank()) {
            why.add(field + " is empty");
            return null;
        }
        return v.asText();
    }

    private static String optionalString(JsonNode node, String field, String fallback, List<String> why) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return fallback;
        if (!v.isTextual()) {
            why.add(field + " must be a string, got " + kind(v));
            return null;
        }
        return v.asText().isBlank() ? fallback : v.asText();
    }

    private static Double score(JsonNode node, List<String> why) {
        JsonNode v = node.get("score");
        if (v == null) {
            why.add("missing required field score (a number in [0, 1], or null when not judged)");
            return null;
        }
        if (v.isNull()) return null;
        if (!v.isNumber()) {
            why.add("score must be a number in [0, 1] or null, got " + kind(v));
            return null;
        }
        double s = v.doubleValue();
        if (!(s >= 0 && s <= 1)) why.add("score " + v.asText() + " is outside [0, 1]");
        return s;
    }

    private static double cost(JsonNode node, List<String> why) {
        JsonNode v = node.get("cost_usd");
        if (v == null || v.isNull()) {
            why.add("missing required field cost_usd (a number ≥ 0)");
            return 0;
        }
        if (!v.isNumber()) {
            why.add("cost_usd must be a number ≥ 0, got " + kind(v));
            return 0;
        }
        double c = v.doubleValue();
        if (!(c >= 0) || Double.isInfinite(c)) why.add("cost_usd " + v.asText() + " is not a number ≥ 0");
        return c;
    }

    /** A whole, non-negative count; {@code 12.0} is accepted (some writers emit every number as a float). */
    private static long count(JsonNode node, String field, List<String> why) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return 0;
        if (!v.isNumber()) {
            why.add(field + " must be a whole number ≥ 0, got " + kind(v));
            return 0;
        }
        if (v.isIntegralNumber() ? !v.canConvertToLong() : (v.doubleValue() != Math.rint(v.doubleValue())
                || Math.abs(v.doubleValue()) > 9.0e15)) {
            why.add(field + " must be a whole number ≥ 0, got " + v.asText());
            return 0;
        }
        long n = v.isIntegralNumber() ? v.longValue() : (long) v.doubleValue();
        if (n < 0) {
            why.add(field + " must be a whole number ≥ 0, got " + n);
            return 0;
        }
        return n;
    }

    private static String kind(JsonNode v) {
        if (v == null || v.isMissingNode()) return "nothing";
        if (v.isTextual()) return "string \"" + abbreviate(v.asText()) + "\"";
        if (v.isBoolean()) return "boolean " + v.asText();
        if (v.isNumber()) return "number " + v.asText();
        if (v.isArray()) return "an array";
        if (v.isObject()) return "an object";
        if (v.isNull()) return "null";
        return v.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }

    private static String canonicalThinking(String thinking) {
        return Thinking.parse(thinking == null ? "off" : thinking).label();
    }

    /**
     * A fresh name beside {@code target} (same file system, so the final move is a rename). Not
     * {@code Files.createTempFile}: that makes the file owner-only, and the log should get the usual permissions.
     */
    private static Path tempNextTo(Path target) {
        Path abs = target.toAbsolutePath();
        return abs.resolveSibling("." + abs.getFileName() + "." + java.util.UUID.randomUUID() + ".tmp");
    }

    private static void moveIntoPlace(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
