package dev.thinkroute.eval.dataset;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A JSON file of records mapped to examples by field names: JSON Lines (one object per line: GSM8K, the multi-hop QA
 * samples, LLMRouter's NQ/TriviaQA rows, a user's own file) or one JSON array of objects (AdaptThink's AIME and
 * MATH500, FireAct's HotpotQA dev). Which of the two is read from the file itself: a file whose first character is
 * {@code [} is an array.
 */
public final class JsonDataset implements Dataset {

    private final String name;
    private final Path file;
    private final FieldMapping mapping;
    private final String scorer;

    /**
     * A user's JSON Lines or JSON array file.
     *
     * @param name          the name reports use
     * @param file          the file; a relative path is taken under the datasets root given to {@link #load}
     * @param questionField the field holding the question
     * @param answerField   the field holding the answer: a string or an array of accepted strings
     * @param idField       the field holding a stable id, or {@code null} to use the record's 0-based index
     * @param scorer        the scorer's name, e.g. {@code qa-f1}
     */
    public JsonDataset(String name, Path file, String questionField, String answerField, String idField,
                       String scorer) {
        this(name, file, FieldMapping.of(questionField, answerField, idField), scorer);
    }

    JsonDataset(String name, Path file, FieldMapping mapping, String scorer) {
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
        if (DataFiles.isArray(p)) DataFiles.forEachElement(p, c::accept);
        else DataFiles.forEachLine(p, c::accept);
        return c.loaded(name);
    }

    @Override
    public String toString() {
        return name + " (" + file + ", scorer " + scorer + ")";
    }
}
