package dev.thinkroute.eval.dataset;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.thinkroute.llm.replay.DataLocation;
import dev.thinkroute.llm.replay.MissingDataException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finding a dataset file and reading JSON records with the line each starts on.
 *
 * <p>The readers mirror {@code learn}'s {@code importer.JsonRecords}, which is package-private there; once it is
 * public (or moved to {@code core}) these two loops should go in favour of it.
 */
final class DataFiles {

    // Duplicate keys would make "which answer is gold" ambiguous, so they fail the record instead of last-one-wins.
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** Receives one record: where it is ({@code file:line}), its 0-based index, and the value or why it failed. */
    @FunctionalInterface
    interface Sink {
        void accept(String where, long index, JsonNode record, String error);
    }

    private DataFiles() {
    }

    /**
     * The file {@code file} under {@code dataRoot} (an absolute {@code file} is taken as is).
     *
     * @throws MissingDataException naming the path, the dataset and how to point thinkroute at the data
     */
    static Path require(String dataset, Path dataRoot, Path file) {
        Path p = dataRoot == null ? file : dataRoot.resolve(file);
        if (Files.isRegularFile(p)) return p;
        throw new MissingDataException("dataset " + dataset + ": " + p + (Files.exists(p) ? " is not a file" : " not found")
                + (file.isAbsolute() ? "" : " (datasets root " + dataRoot + ")")
                + ". Pass --data <dir> or set " + DataLocation.ENV
                + "=<dir> to the datasets folder (the one that holds routellm/).");
    }

    /** Reads a JSON Lines file; a line that is not JSON is handed over with its error. Blank lines are not records. */
    static void forEachLine(Path file, Sink sink) {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            long lineNo = 0;
            long index = 0;
            for (String line; (line = in.readLine()) != null; ) {
                lineNo++;
                if (lineNo == 1 && line.startsWith("\uFEFF")) line = line.substring(1);
                if (line.isBlank()) continue;
                String where = file + ":" + lineNo;
                long i = index++; // a bad line still takes its place, so later rows keep their index-based ids
                JsonNode record;
                try {
                    record = JSON.readTree(line);
                } catch (JsonProcessingException e) {
                    sink.accept(where, i, null, "not valid JSON: " + e.getOriginalMessage());
                    continue;
                }
                sink.accept(where, i, record, null);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e, e);
        }
    }

    /**
     * Streams the elements of a file holding one JSON array; {@code where} names the element too, since a whole
     * array may sit on one line.
     *
     * @throws UncheckedIOException when the file is not a JSON array or not valid JSON (the message gives the line)
     */
    static void forEachElement(Path file, Sink sink) {
        try (JsonParser p = JSON.createParser(file.toFile())) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new UncheckedIOException(new IOException(file + ":" + p.currentTokenLocation().getLineNr()
                        + ": expected a JSON array of records"));
            }
            long index = 0;
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                if (t == null) throw new UncheckedIOException(new IOException(file + ": the JSON array is not closed"));
                long line = p.currentTokenLocation().getLineNr();
                JsonNode node = JSON.readTree(p);
                sink.accept(file + ":" + line + ": element " + index, index, node, null);
                index++;
            }
        } catch (JacksonException e) {
            JsonLocation at = e.getLocation();
            String where = at == null || at.getLineNr() < 0 ? file.toString() : file + ":" + at.getLineNr();
            throw new UncheckedIOException(where + ": not readable as JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e, e);
        }
    }
}
