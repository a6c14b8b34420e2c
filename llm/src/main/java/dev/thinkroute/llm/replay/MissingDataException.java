package dev.thinkroute.llm.replay;

/**
 * The recorded data a replay needs is not where it was looked for. The message names every place tried and how to
 * point thinkroute at the data ({@code --data} or {@code THINKROUTE_DATA}), so the CLI can print it as is.
 */
public final class MissingDataException extends RuntimeException {

    public MissingDataException(String message) {
        super(message);
    }
}
