package dev.thinkroute.llm.replay;

import java.util.Objects;

/**
 * One model's recorded answer to one prompt.
 *
 * @param text  the answer exactly as recorded (leading spaces and newlines kept)
 * @param score its recorded quality in [0, 1] (1.0 correct, 0.0 wrong for GSM8K), or {@code null} when the table
 *              has no judgement
 */
public record RecordedAnswer(String text, Double score) {
    public RecordedAnswer {
        Objects.requireNonNull(text, "text");
        if (score != null && !(score >= 0 && score <= 1)) {
            throw new IllegalArgumentException("score must be in [0, 1], got " + score);
        }
    }
}
