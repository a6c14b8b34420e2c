package dev.thinkroute.eval.dataset;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One benchmark question.
 *
 * @param id       stable within its dataset (source id, or the row's place in its file)
 * @param question the text sent to the model as the user message
 * @param gold     the accepted answers (at least one)
 * @param meta     extra facts reports can group by, e.g. {@code level} for MATH500, {@code task}, {@code type}
 */
public record Example(String id, String question, List<String> gold, Map<String, String> meta) {
    public Example {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(question, "question");
        gold = List.copyOf(gold);
        meta = meta == null ? Map.of() : Map.copyOf(meta);
    }
}
