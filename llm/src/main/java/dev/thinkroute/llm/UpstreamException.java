package dev.thinkroute.llm;

/**
 * An upstream call that failed. The message names the model and the upstream host, never a key, and is safe to
 * show to callers and write to logs.
 */
public final class UpstreamException extends Exception {

    public enum Kind {
        /** Could not connect (refused, DNS, TLS). */
        UNREACHABLE,
        /** Connect, first-byte or total timeout. */
        TIMEOUT,
        /** The upstream answered with an HTTP error (4xx, 5xx); {@link #status()} has it. */
        HTTP_ERROR,
        /** The upstream answered something that is not the protocol (bad JSON, no choices, a broken stream). */
        PROTOCOL,
        /** A replay table has no recorded answer for this prompt and model. */
        NOT_RECORDED,
        /** The upstream needs a key and its environment variable is unset. */
        NO_KEY
    }

    private final Kind kind;
    private final String model;
    private final int status;

    public UpstreamException(Kind kind, String model, int status, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.model = model;
        this.status = status;
    }

    public UpstreamException(Kind kind, String model, String message) {
        this(kind, model, 0, message, null);
    }

    public Kind kind() {
        return kind;
    }

    /** The model card whose upstream failed. */
    public String model() {
        return model;
    }

    /** The upstream's HTTP status for {@link Kind#HTTP_ERROR}, else 0. */
    public int status() {
        return status;
    }
}
