package dev.thinkroute.learn.outcome;

import java.util.List;

/**
 * An outcome log none of whose lines could be used. The message names the file and the first problems
 * ({@code file:line: why}); {@link #problems()} holds all of them, so the CLI can print as many as it likes.
 */
public final class InvalidOutcomeLogException extends RuntimeException {

    private final List<String> problems;

    public InvalidOutcomeLogException(String message, List<String> problems) {
        super(message);
        this.problems = List.copyOf(problems);
    }

    /** Every problem found, one per bad line, {@code file:line: why}. */
    public List<String> problems() {
        return problems;
    }
}
