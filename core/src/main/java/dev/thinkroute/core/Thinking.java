package dev.thinkroute.core;

import java.util.Locale;

/**
 * The neutral thinking setting of one call: off, on, on with a token budget, or on with an effort level.
 * Dialects map it onto their own fields; the canonical text form ({@link #label()}) is what configs,
 * headers, arms and outcome logs use: {@code off}, {@code on}, {@code on@2048}, {@code low}, {@code medium}, {@code high}.
 */
public sealed interface Thinking permits Thinking.Off, Thinking.On, Thinking.Budget, Thinking.Effort {

    Off OFF = new Off();
    On ON = new On();

    /** The canonical text form, parsed back by {@link #parse(String)}. */
    String label();

    /** Whether the model is asked to reason before answering. */
    default boolean thinks() {
        return !(this instanceof Off);
    }

    /** Direct answer, no chain of thought. */
    record Off() implements Thinking {
        @Override public String label() { return "off"; }
        @Override public String toString() { return label(); }
    }

    /** Thinking at the model's default length. */
    record On() implements Thinking {
        @Override public String label() { return "on"; }
        @Override public String toString() { return label(); }
    }

    /** Thinking capped at {@code tokens} reasoning tokens. */
    record Budget(int tokens) implements Thinking {
        public Budget {
            if (tokens <= 0) {
                throw new IllegalArgumentException("thinking budget must be a positive number of tokens, got " + tokens);
            }
        }
        @Override public String label() { return "on@" + tokens; }
        @Override public String toString() { return label(); }
    }

    /** Thinking at a provider's effort level (OpenAI {@code reasoning_effort} and the like). */
    record Effort(Level level) implements Thinking {
        public Effort {
            if (level == null) throw new IllegalArgumentException("effort level is required");
        }
        @Override public String label() { return level.label(); }
        @Override public String toString() { return label(); }
    }

    enum Level {
        LOW, MEDIUM, HIGH;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The accepted spellings, for error messages. */
    String ACCEPTED = "off, on, on@<tokens> (e.g. on@2048), low, medium, high";

    /**
     * Parses the canonical form; also accepts {@code true}/{@code false}, {@code think}/{@code no_think}
     * and a bare positive integer as a budget.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    static Thinking parse(String text) {
        if (text == null) throw new IllegalArgumentException("thinking value is missing; expected one of " + ACCEPTED);
        String t = text.trim().toLowerCase(Locale.ROOT);
        switch (t) {
            case "off", "false", "no_think", "none" -> { return OFF; }
            case "on", "true", "think" -> { return ON; }
            case "low" -> { return new Effort(Level.LOW); }
            case "medium" -> { return new Effort(Level.MEDIUM); }
            case "high" -> { return new Effort(Level.HIGH); }
            default -> { }
        }
        String digits = t.startsWith("on@") ? t.substring(3) : t;
        if (!digits.isEmpty() && digits.chars().allMatch(Character::isDigit)) {
            try {
                return new Budget(Integer.parseInt(digits));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("thinking budget '" + text + "' is too large");
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("thinking budget '" + text + "' must be a positive number of tokens");
            }
        }
        throw new IllegalArgumentException("unknown thinking value '" + text + "'; expected one of " + ACCEPTED);
    }
}
