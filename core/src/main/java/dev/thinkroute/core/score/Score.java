package dev.thinkroute.core.score;

/**
 * How well one response answered one question.
 *
 * @param value     quality in [0, 1] (1 = correct; F1 scores may be fractional); 0 when {@code parsed} is false
 * @param extracted the answer read from the response (the boxed value, the chosen letter…), or {@code null}
 * @param parsed    false when no answer could be read at all: reports count these apart, never as silently wrong
 */
public record Score(double value, String extracted, boolean parsed) {

    public Score {
        if (!(value >= 0 && value <= 1)) throw new IllegalArgumentException("score must be in [0, 1], got " + value);
        if (!parsed && value != 0) throw new IllegalArgumentException("an unparsed answer scores 0");
    }

    public static Score unparsed() {
        return new Score(0, null, false);
    }
}
