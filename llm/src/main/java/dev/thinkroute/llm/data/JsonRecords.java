package dev.thinkroute.llm.data;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads JSON tables record by record with the line each record starts on, so a bad record is reported as
 * {@code file:line}: a top-level array of objects ({@link #forEachElement}) or JSON Lines ({@link #forEachLine}).
 */
public final class JsonRecords {

    /** Strict JSON: duplicate keys fail a record rather than resolve silently; trailing content is an error. */
    public static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    // Inside an array the next element is a "trailing token" of the current one, so the element reader must not check.
    private static final ObjectReader ELEMENT =
            JSON.readerFor(JsonNode.class).without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Receives one record. */
    @FunctionalInterface
    public interface Sink {
        void accept(long line, JsonNode record);
    }

    /** Receives one JSON Lines line: the parsed value, or {@code null} and why it could not be parsed. */
    @FunctionalInterface
    public interface LineSink {
        void accept(long line, JsonNode record, String error);
    }

    private JsonRecords() {
    }

    /**
     * Streams the elements of a file holding one JSON array.
     *
     * @throws UncheckedIOException when the file is not a JSON array or is cut off (the message gives the line)
     */
    public static void forEachElement(Path file, Sink sink) {
        try (JsonParser p = JSON.createParser(file.toFile())) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw malformed(file + ":" + p.currentTokenLocation().getLineNr()
                        + ": expected a JSON array of records");
            }
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                if (t == null) throw malformed(file + ": the JSON array is not closed (file cut off?)");
                long line = p.currentTokenLocation().getLineNr();
                JsonNode node = ELEMENT.readValue(p);
                sink.accept(line, node);
            }
            if (p.nextToken() != null) {
                throw malformed(file + ":" + p.currentTokenLocation().getLineNr()
                        + ": unexpected content after the JSON array");
            }
        } catch (JacksonException e) {
            JsonLocation at = e.getLocation();
            String where = at == null || at.getLineNr() < 0 ? file.toString() : file + ":" + at.getLineNr();
            throw new UncheckedIOException(where + ": not readable as JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e, e);
        }
    }

    /**
     * Reads a JSON Lines file line by line; a line that is not JSON is handed over with its error, so the caller
     * reports it and goes on. Blank lines are not records.
     *
     * @throws UncheckedIOException when the file cannot be read
     */
    public static void forEachLine(Path file, LineSink sink) {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            long lineNo = 0;
            for (String line; (line = in.readLine()) != null; ) {
                lineNo++;
                if (lineNo == 1 && line.startsWith("\uFEFF")) line = line.substring(1);
                if (line.isBlank()) continue;
                try {
                    sink.accept(lineNo, JSON.readTree(line), null);
                } catch (JsonProcessingException e) {
                    sink.accept(lineNo, null, "not valid JSON: " + e.getOriginalMessage());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e, e);
        }
    }

    /** A short description of a JSON value's type, for messages. */
    public static String kind(JsonNode v) {
        if (v == null || v.isMissingNode()) return "absent";
        if (v.isNull()) return "null";
        if (v.isTextual()) {
            String s = v.asText();
            return "string \"" + (s.length() <= 40 ? s : s.substring(0, 40) + "…") + "\"";
        }
        if (v.isBoolean()) return "boolean " + v.asText();
        if (v.isNumber()) return "number " + v.asText();
        if (v.isArray()) return "an array";
        if (v.isObject()) return "an object";
        return v.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }

    /** A malformed file: the message says where and what, as the callers' reports do. */
    private static UncheckedIOException malformed(String message) {
        return new UncheckedIOException(message, new IOException(message));
    }
}
