package dev.thinkroute.eval.dataset;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * How one JSON record becomes an {@link Example}: which fields hold the question, the answer and the id, which are
 * copied into {@code meta}, which records belong to the dataset at all, and how the gold is cut out of the answer.
 * Shared by the JSONL and JSON-array readers so both treat records alike.
 *
 * @param questionField the field holding the question text
 * @param answerField   the field holding the answer: a string, a number, or an array of strings (aliases)
 * @param idField       the field holding a source id, or {@code null} to use the record's 0-based index in its file
 * @param metaFields    fields copied as text into {@code meta} when present
 * @param where         keeps only records whose field {@code where.getKey()} equals {@code where.getValue()}; null: all
 * @param gold          cuts the gold out of one answer string; returns {@code null} when it finds none
 * @param extraMeta     derives more meta from the whole record (e.g. MATH500's subject from its unique_id)
 */
record FieldMapping(String questionField, String answerField, String idField, List<String> metaFields,
                    Map.Entry<String, String> where, Function<String, String> gold,
                    Function<JsonNode, Map<String, String>> extraMeta) {

    FieldMapping {
        Objects.requireNonNull(questionField, "questionField");
        Objects.requireNonNull(answerField, "answerField");
        metaFields = metaFields == null ? List.of() : List.copyOf(metaFields);
        if (gold == null) gold = s -> s;
        if (extraMeta == null) extraMeta = r -> Map.of();
    }

    /** Question, answer and optional id; nothing else. */
    static FieldMapping of(String questionField, String answerField, String idField) {
        return new FieldMapping(questionField, answerField, idField, List.of(), null, null, null);
    }

    FieldMapping withMeta(String... fields) {
        return new FieldMapping(questionField, answerField, idField, List.of(fields), where, gold, extraMeta);
    }

    FieldMapping where(String field, String value) {
        return new FieldMapping(questionField, answerField, idField, metaFields, Map.entry(field, value), gold, extraMeta);
    }

    FieldMapping withGold(Function<String, String> extract) {
        return new FieldMapping(questionField, answerField, idField, metaFields, where, extract, extraMeta);
    }

    FieldMapping withExtraMeta(Function<JsonNode, Map<String, String>> derive) {
        return new FieldMapping(questionField, answerField, idField, metaFields, where, gold, derive);
    }

    /** Whether the record belongs to this dataset (rows of other tasks in a shared file are not "skipped"). */
    boolean selects(JsonNode record) {
        if (where == null) return true;
        JsonNode v = record == null ? null : record.get(where.getKey());
        return v != null && v.isValueNode() && where.getValue().equals(v.asText());
    }

    /**
     * Collects the records of one file, keeping the skip reasons and rejecting repeated ids (a repeat would make
     * per-example results ambiguous).
     */
    static final class Collector {
        private final FieldMapping mapping;
        private final List<Example> examples = new ArrayList<>();
        private final List<String> skipped = new ArrayList<>();
        private final Map<String, String> seenAt = new java.util.HashMap<>();

        Collector(FieldMapping mapping) {
            this.mapping = mapping;
        }

        /**
         * Takes one record.
         *
         * @param where  {@code file:line} (plus the element index for arrays), the prefix of a skip message
         * @param index  the record's 0-based place in its file, the id when there is no id field
         * @param record the parsed record, or {@code null} when it did not parse
         * @param error  why it did not parse, or {@code null}
         */
        void accept(String where, long index, JsonNode record, String error) {
            if (error != null) {
                skipped.add(where + ": " + error);
                return;
            }
            if (!mapping.selects(record)) return;
            String why = mapping.check(record);
            if (why != null) {
                skipped.add(where + ": " + why);
                return;
            }
            Example e = mapping.toExample(record, index);
            String first = seenAt.putIfAbsent(e.id(), where);
            if (first != null) {
                skipped.add(where + ": duplicate id \"" + e.id() + "\" (first at " + first + ")");
                return;
            }
            examples.add(e);
        }

        Loaded loaded(String dataset) {
            return new Loaded(dataset, examples, skipped);
        }
    }

    /** Why the record cannot be used, or {@code null} when it can. */
    private String check(JsonNode record) {
        if (record == null || !record.isObject()) return "expected a JSON object, found " + kind(record);
        if (text(record.get(questionField)) == null) {
            return "no question: field \"" + questionField + "\" is " + kind(record.get(questionField));
        }
        JsonNode a = record.get(answerField);
        List<String> answers = answers(a);
        if (answers == null) return "no answer: field \"" + answerField + "\" is " + kind(a);
        if (answers.isEmpty()) return "no answer: field \"" + answerField + "\" holds no non-blank string";
        for (String s : answers) {
            if (gold.apply(s) == null) return "no gold in answer \"" + shorten(s) + "\"";
        }
        if (idField != null && text(record.get(idField)) == null) {
            return "no id: field \"" + idField + "\" is " + kind(record.get(idField));
        }
        return null;
    }

    private Example toExample(JsonNode record, long index) {
        String id = idField == null ? Long.toString(index) : text(record.get(idField));
        List<String> golds = answers(record.get(answerField)).stream().map(gold).toList();
        Map<String, String> meta = new LinkedHashMap<>();
        for (String f : metaFields) {
            String v = text(record.get(f));
            if (v != null) meta.put(f, v);
        }
        meta.putAll(extraMeta.apply(record));
        return new Example(id, text(record.get(questionField)), golds, meta);
    }

    /** The answers held by a field, or {@code null} when it is absent or of a type that holds none. */
    private static List<String> answers(JsonNode a) {
        if (a == null || a.isNull() || a.isMissingNode()) return null;
        if (a.isArray()) {
            List<String> out = new ArrayList<>();
            for (JsonNode x : a) {
                String s = text(x);
                if (s != null) out.add(s);
            }
            return out;
        }
        String s = text(a);
        return s == null ? (a.isTextual() ? List.of() : null) : List.of(s);
    }

    /** A scalar's text, stripped; {@code null} for blanks, nulls, arrays and objects. */
    static String text(JsonNode v) {
        if (v == null || !v.isValueNode() || v.isNull()) return null;
        String s = v.asText().strip();
        return s.isEmpty() ? null : s;
    }

    /** A short description of a JSON value's type, for messages. */
    static String kind(JsonNode v) {
        if (v == null || v.isMissingNode()) return "absent";
        if (v.isNull()) return "null";
        if (v.isTextual()) return v.asText().isBlank() ? "blank" : "string \"" + shorten(v.asText()) + "\"";
        if (v.isArray()) return v.isEmpty() ? "an empty array" : "an array";
        if (v.isObject()) return "an object";
        return v.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " " + v.asText();
    }

    private static String shorten(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
