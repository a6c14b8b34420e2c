package dev.thinkroute.learn.outcome.importer;

import dev.thinkroute.core.Outcome;
import dev.thinkroute.core.Prices;
import dev.thinkroute.learn.outcome.Provenance;
import dev.thinkroute.llm.replay.DataLocation;
import dev.thinkroute.llm.replay.MissingDataException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The bookkeeping one import shares with every other: the source files (hashed), the rows read and skipped, the
 * notes, and at the end the {@link ImportResult} with its {@link Provenance}.
 */
final class ImportRun {

    private final String importer;
    private final String dataset;
    private final Path root;
    private final List<Provenance.SourceFile> sources = new ArrayList<>();
    private final List<String> skipped = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private long rowsRead;

    ImportRun(String importer, String dataset, Path dataRoot) {
        this.importer = importer;
        this.dataset = dataset;
        this.root = Objects.requireNonNull(dataRoot, "dataRoot").toAbsolutePath().normalize();
    }

    Path root() {
        return root;
    }

    /**
     * The file at {@code relative} under the datasets root, recorded as a source.
     *
     * @param what what the file is, for the message when it is missing
     * @throws MissingDataException when it is not there
     */
    Path require(String relative, String what) {
        Path file = root.resolve(relative).normalize();
        if (!Files.isRegularFile(file)) {
            throw new MissingDataException(importer + ": no file at " + file + "; expected " + what + " at " + relative
                    + " under the datasets root " + root + ". " + DataLocation.HOW_TO_SET);
        }
        sources.add(Provenance.SourceFile.of(root, file));
        return file;
    }

    /** Records a file found by listing a folder as a source. */
    void source(Path file) {
        sources.add(Provenance.SourceFile.of(root, file));
    }

    void read(long rows) {
        rowsRead += rows;
    }

    void skip(Path file, long line, String why) {
        skipped.add(file + ":" + line + ": " + why);
    }

    /** A problem already written as {@code file:line: why} (by a table reader this import reuses). */
    void skipped(String fileLineWhy) {
        skipped.add(fileLineWhy);
    }

    void note(String note) {
        notes.add(note);
    }

    ImportResult finish(List<Outcome> outcomes, String costMethod, Map<String, Prices> prices) {
        Provenance p = new Provenance(importer, dataset, root.toString(), sources, costMethod, prices, notes,
                "Importers.get(\"" + importer + "\").run(" + root + ")", Provenance.now(),
                rowsRead, skipped.size(), outcomes.size());
        return new ImportResult(dataset, outcomes, p, skipped);
    }

    /** A source file that cannot be used at all (bad header, not the expected JSON shape). */
    static java.io.UncheckedIOException malformed(String message) {
        return new java.io.UncheckedIOException(message, new java.io.IOException(message));
    }

    /** The {@code source} field of every outcome this importer writes. */
    String outcomeSource() {
        return "import:" + importer;
    }
}
