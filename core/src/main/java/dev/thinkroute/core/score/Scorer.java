package dev.thinkroute.core.score;

import java.util.List;

/** Scores a model's response against the gold answers of one question. Stateless and thread-safe. */
public interface Scorer {

    /** The registered name: {@code math}, {@code qa-em}, {@code qa-f1}, {@code choice}. */
    String name();

    /**
     * @param response the model's whole answer text (reasoning excluded)
     * @param gold     the accepted answers (one for math and multiple choice, several aliases for QA)
     */
    Score score(String response, List<String> gold);
}
