package dev.thinkroute.eval.dataset;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A JSON Lines file, one object per line, mapped to examples by field names. Serves the built-in JSONL benchmarks
 * (GSM8K, the multi-hop QA samples, LLMRouter's NQ/TriviaQA rows) and a user's own file.
 */
public final class JsonlDataset implements Dataset {

    private final String name;
    private final Path file;
    private final FieldMapping mapping;
    private final String scorer;

    /**
     * A user's JSONL file.
     *
     * @param name          the name reports use
     * @param file          the file; a relative path is taken under the datasets root given to {@link #load}
     * @param questionField the field holding the question
     * @param answerField   the field holding the answer: a string or an array of accepted strings
     * @param idField       the field holding a stable id, or {@code null} to use the row's 0-based index
     * @param scorer        the scorer's name, e.g. {@code qa-f1}
     */
    public JsonlDataset(String name, Path file, String questionField, String answerField, String idField,
                        String scorer) {
        this(name, file, FieldMapping.of(questionField, answerField, idField), scorer);
    }

    JsonlDataset(String name, Path file, FieldMapping mapping, String scorer) {
        this.name = Objects.requireNonNull(name, "name");
        this.file = Objects.requireNonNull(file, "file");
        this.mapping = Objects.requireNonNull(mapping, "mapping");
        this.scorer = Objects.requireNonNull(scorer, "scorer");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String scorer() {
        return scorer;
    }

    /** The file as given (relative to the datasets root unless absolute). */
    public Path file() {
        return file;
    }

    @Override
    public Loaded load(Path dataRoot) {
        Path p = DataFiles.require(name, dataRoot, file);
        FieldMapping.Collector c = new FieldMapping.Collector(mapping);
        DataFiles.forEachLine(p, c::accept);
        return c.loaded(name);
    }

    @Override
    public String toString() {
        return name + " (" + file + ", JSONL, scorer " + scorer + ")";
    }
}
