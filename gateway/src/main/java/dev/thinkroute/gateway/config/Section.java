package dev.thinkroute.gateway.config;

import dev.thinkroute.core.Spelling;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.function.DoublePredicate;
import java.util.regex.Pattern;

/**
 * One YAML mapping of the config, read field by field. Every reader reports what is wrong with its field to the
 * shared {@link Problems} and returns empty, so a caller can go on checking the rest of the file and only builds
 * objects from fields that were fine.
 */
final class Section {

    private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d[\\d_]*\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");

    private final YamlTree tree;
    private final Problems problems;
    private final ObjectNode node;
    private final String path;
    private final Pos pos;

    private Section(YamlTree tree, Problems problems, ObjectNode node, String path, Pos pos) {
        this.tree = tree;
        this.problems = problems;
        this.node = node;
        this.path = path;
        this.pos = pos;
    }

    /**
     * The mapping at {@code path}, or empty (and a problem) when the value there is something else.
     *
     * @param what how the problem names the expected value, e.g. "a mapping of profile names to profiles"
     */
    static Optional<Section> of(YamlTree tree, Problems problems, JsonNode value, String path, Pos pos, String what) {
        if (tree.alreadyReported(value)) return Optional.empty();
        if (value instanceof ObjectNode mapping) return Optional.of(new Section(tree, problems, mapping, path, pos));
        problems.add(path, pos, "must be " + what + ", got " + describe(value));
        return Optional.empty();
    }

    String path() {
        return path;
    }

    /** The path of {@code key} in this mapping. */
    String path(String key) {
        return YamlTree.child(path, key);
    }

    /** Where {@code key} is, or where this mapping is when the key is not there (a missing field). */
    Pos pos(String key) {
        Pos keyPos = tree.pos(path(key));
        return keyPos.known() ? keyPos : pos;
    }

    Pos pos() {
        return pos;
    }

    YamlTree tree() {
        return tree;
    }

    Problems problems() {
        return problems;
    }

    /** Reports a problem with {@code key}'s value (or with its absence). */
    void report(String key, String message) {
        problems.add(path(key), pos(key), message);
    }

    /** Reports a problem with this mapping as a whole. */
    void report(String message) {
        problems.add(path, pos, message);
    }

    /** Whether {@code key} is given a value. {@code key:} with nothing after it counts as absent, as YAML users expect. */
    boolean has(String key) {
        JsonNode value = node.get(key);
        return value != null && !value.isNull();
    }

    /** The keys, in file order. */
    List<String> keys() {
        List<String> keys = new ArrayList<>();
        for (Map.Entry<String, JsonNode> entry : node.properties()) keys.add(entry.getKey());
        return keys;
    }

    /** The value of {@code key}, or empty when absent or already reported. */
    Optional<JsonNode> value(String key) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull() || tree.alreadyReported(value)) return Optional.empty();
        return Optional.of(value);
    }

    /** Reports every key that is not in {@code allowed}, naming the allowed ones and the likely intended one. */
    void allowOnly(Collection<String> allowed) {
        for (String key : keys()) {
            if (allowed.contains(key) || tree.alreadyReported(node.get(key))) continue;
            String guess = Spelling.closest(key, allowed).map(s -> "did you mean '" + s + "'? ").orElse("");
            report(key, "unknown key; " + guess + "allowed here: " + String.join(", ", allowed));
        }
    }

    /** Reports {@code key} as missing when it is, with a hint at what to write. */
    boolean require(String key, String hint) {
        if (has(key) || (node.get(key) != null && tree.alreadyReported(node.get(key)))) return true;
        report(key, "is required" + (hint.isEmpty() ? "" : "; " + hint));
        return false;
    }

    /** A text value that may be empty (a description). */
    Optional<String> text(String key) {
        Optional<JsonNode> value = value(key);
        if (value.isEmpty()) return Optional.empty();
        if (!value.get().isTextual()) {
            report(key, "must be text, got " + describe(value.get()) + (value.get().isValueNode() ? "; put it in quotes if you mean the text" : ""));
            return Optional.empty();
        }
        return Optional.of(value.get().asText().strip());
    }

    /** A non-empty text value. */
    Optional<String> string(String key) {
        Optional<String> text = text(key);
        if (text.isPresent() && text.get().isEmpty()) {
            report(key, "must not be empty");
            return Optional.empty();
        }
        return text;
    }

    /** A required non-empty text value. */
    Optional<String> requiredString(String key, String hint) {
        return require(key, hint) ? string(key) : Optional.empty();
    }

    /**
     * A whole number in {@code [min, max]}.
     *
     * @param what the whole expectation, e.g. "a port from 0 to 65535", used for both wrong types and wrong values
     */
    OptionalLong integer(String key, long min, long max, String what) {
        Optional<JsonNode> value = value(key);
        if (value.isEmpty()) return OptionalLong.empty();
        JsonNode v = value.get();
        boolean whole = v.isIntegralNumber() || (v.isFloatingPointNumber() && v.canConvertToExactIntegral());
        if (!whole || !v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
            report(key, "must be " + what + ", got " + describe(v) + quotedNumberHint(v));
            return OptionalLong.empty();
        }
        return OptionalLong.of(v.asLong());
    }

    /**
     * A finite number that {@code valid} accepts.
     *
     * @param what the whole expectation, e.g. "a non-negative number"
     */
    OptionalDouble number(String key, DoublePredicate valid, String what) {
        Optional<JsonNode> value = value(key);
        if (value.isEmpty()) return OptionalDouble.empty();
        JsonNode v = value.get();
        if (!v.isNumber() || !Double.isFinite(v.asDouble()) || !valid.test(v.asDouble())) {
            report(key, "must be " + what + ", got " + describe(v) + quotedNumberHint(v));
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(v.asDouble());
    }

    /** The mapping under {@code key}. */
    Optional<Section> section(String key, String what) {
        return value(key).flatMap(v -> of(tree, problems, v, path(key), pos(key), what));
    }

    /** The raw values of this mapping, in file order (null values included). */
    Map<String, JsonNode> entries() {
        Map<String, JsonNode> entries = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : node.properties()) entries.put(entry.getKey(), entry.getValue());
        return entries;
    }

    /** A number in quotes is text in YAML; say so, since the value looks right to whoever wrote it. */
    private static String quotedNumberHint(JsonNode v) {
        return v.isTextual() && NUMBER.matcher(v.asText().strip()).matches() ? " (a number in quotes is text; remove the quotes)" : "";
    }

    /** How a value is shown in "got ..." (short, and never a whole nested structure). */
    static String describe(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) return "nothing";
        if (value.isObject()) return "a mapping (key: value lines)";
        if (value.isArray()) return "a list";
        if (value.isTextual()) {
            String text = value.asText();
            return text.length() > 60 ? "'" + text.substring(0, 57) + "...'" : "'" + text + "'";
        }
        return value.asText(); // numbers and booleans, as written (give or take YAML's number formats)
    }
}
