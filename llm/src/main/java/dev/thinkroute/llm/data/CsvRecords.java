package dev.thinkroute.llm.data;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A CSV file as records with the line each starts on: Jackson's CSV parser with no schema, so every record comes as an array of
 * strings and a row with too many or too few fields is seen and reported instead of failing the load; the header is
 * matched by name. Blank lines are not records.
 */
public final class CsvRecords {

    /** One record: the line it starts on (quoted fields may span lines) and its fields. */
    public record Row(long line, List<String> fields) {
        public String field(int index) {
            return index >= 0 && index < fields.size() ? fields.get(index) : null;
        }
    }

    private final Path file;
    private final List<String> header;
    private final Map<String, Integer> columns;
    private final List<Row> rows;

    private CsvRecords(Path file, List<String> header, List<Row> rows) {
        this.file = file;
        this.header = List.copyOf(header);
        Map<String, Integer> cols = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            String name = header.get(i) == null ? "" : header.get(i).strip();
            if (i == 0 && name.startsWith("\uFEFF")) name = name.substring(1); // a BOM some editors write
            cols.putIfAbsent(name, i);
        }
        this.columns = cols;
        this.rows = List.copyOf(rows);
    }

    /**
     * Reads the whole file (the tables read this way are a few MB at most).
     *
     * @throws UncheckedIOException when the file cannot be read, is empty, or is not CSV (an unclosed quote)
     */
    public static CsvRecords read(Path csv) {
        try (Reader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8);
             CsvParser parser = (CsvParser) new CsvMapper().createParser(in)) {
            List<Row> all = new ArrayList<>();
            for (Row r = next(parser); r != null; r = next(parser)) all.add(r);
            if (all.isEmpty()) throw malformed(csv + ": empty; expected a header row");
            return new CsvRecords(csv, all.getFirst().fields(), all.subList(1, all.size()));
        } catch (JacksonException e) {
            JsonLocation at = e.getLocation();
            String where = at == null || at.getLineNr() < 0 ? csv.toString() : csv + ":" + at.getLineNr();
            throw new UncheckedIOException(where + ": not readable as CSV: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + csv + ": " + e, e);
        }
    }

    public Path file() {
        return file;
    }

    public List<String> header() {
        return header;
    }

    public List<Row> rows() {
        return rows;
    }

    /**
     * The index of each named column.
     *
     * @throws UncheckedIOException naming the missing columns when the header lacks any
     */
    public int[] require(List<String> names) {
        List<String> missing = new ArrayList<>();
        int[] idx = new int[names.size()];
        for (int i = 0; i < names.size(); i++) {
            Integer c = columns.get(names.get(i));
            if (c == null) missing.add(names.get(i));
            else idx[i] = c;
        }
        if (!missing.isEmpty()) {
            throw malformed(file + ":1: header lacks column(s) " + String.join(", ", missing)
                    + "; expected " + String.join(", ", names) + ", found " + header);
        }
        return idx;
    }

    /** The next record, or {@code null} at the end; blank lines are passed over. */
    private static Row next(CsvParser parser) throws IOException {
        Row row;
        do {
            row = record(parser);
        } while (row != null && row.fields().size() == 1 && row.fields().getFirst().isEmpty());
        return row;
    }

    // The token stream is used rather than a MappingIterator because the line a record starts on is only known from
    // its first field's token: the START_ARRAY token still sits at the end of the previous record.
    private static Row record(CsvParser parser) throws IOException {
        JsonToken t = parser.nextToken();
        if (t == null) return null;
        if (t != JsonToken.START_ARRAY) throw new JsonParseException(parser, "expected a record, got " + t);
        long line = -1;
        List<String> fields = new ArrayList<>();
        while ((t = parser.nextToken()) != JsonToken.END_ARRAY) {
            if (t == null) throw new JsonParseException(parser, "record not terminated");
            if (line < 0) line = parser.currentTokenLocation().getLineNr();
            fields.add(parser.getValueAsString());
        }
        if (line < 0) line = parser.currentTokenLocation().getLineNr();
        return new Row(line, fields);
    }

    /** A malformed file: the message says where and what, as the callers' reports do. */
    private static UncheckedIOException malformed(String message) {
        return new UncheckedIOException(message, new IOException(message));
    }
}
