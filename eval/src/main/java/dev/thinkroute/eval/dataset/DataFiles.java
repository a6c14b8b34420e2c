package dev.thinkroute.eval.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thinkroute.llm.data.JsonRecords;
import dev.thinkroute.llm.replay.DataLocation;
import dev.thinkroute.llm.replay.MissingDataException;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finding a dataset file and reading JSON records with the line each starts on.
 *
 * <p>Records are read by {@link JsonRecords}; this class adds the {@code where} and the 0-based index examples are
 * named by.
 */
final class DataFiles {

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
                + ". " + DataLocation.HOW_TO_SET);
    }

    /** Whether the file holds one JSON array (its first non-blank character is {@code [}) rather than JSON Lines. */
    static boolean isArray(Path file) {
        try (java.io.Reader in = Files.newBufferedReader(file, java.nio.charset.StandardCharsets.UTF_8)) {
            for (int c = in.read(); c >= 0; c = in.read()) {
                if (!Character.isWhitespace(c) && c != '\uFEFF') return c == '[';
            }
            return false;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + file + ": " + e, e);
        }
    }

    /** Reads a JSON Lines file; a line that is not JSON is handed over with its error. Blank lines are not records. */
    static void forEachLine(Path file, Sink sink) {
        long[] index = {0};
        // A bad line still takes its place, so later rows keep their index-based ids.
        JsonRecords.forEachLine(file, (line, record, error) -> sink.accept(file + ":" + line, index[0]++, record, error));
    }

    /**
     * Streams the elements of a file holding one JSON array; {@code where} names the element too, since a whole
     * array may sit on one line.
     *
     * @throws java.io.UncheckedIOException when the file is not a JSON array or not valid JSON (the message gives the line)
     */
    static void forEachElement(Path file, Sink sink) {
        long[] index = {0};
        JsonRecords.forEachElement(file, (line, record) -> {
            long i = index[0]++;
            sink.accept(file + ":" + line + ": element " + i, i, record, null);
        });
    }
}
