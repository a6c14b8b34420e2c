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
        NO_KEY,
        /**
         * Refused before any call: the request asks for something this provider would reject (a thinking budget
         * outside its bounds, both a budget and a level). Nothing was sent; the caller can fix it.
         */
        REFUSED
    }

    private final Kind kind;
    private final String model;
    private final int status;
    private String param;

    /**
     * A {@link Kind#REFUSED} for the request field {@code param} (e.g. {@code thinking}, {@code tools}, {@code n}), so
     * the caller's 400 names the field to change.
     */
    public static UpstreamException refused(String model, String param, String message) {
        UpstreamException e = new UpstreamException(Kind.REFUSED, model, message);
        e.param = param;
        return e;
    }

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

    /**
     * The request field a refusal message names first, as dialects write them ({@code 'tools' must be…},
     * {@code field 'n' must be 1…}): the first quoted name, cut at the first character a field path cannot hold;
     * {@code null} when there is none.
     */
    public static String fieldNamedIn(String message) {
        if (message == null) return null;
        int start = message.indexOf('\'');
        if (start < 0) return null;
        int end = start + 1;
        while (end < message.length() && (Character.isLetterOrDigit(message.charAt(end)) || "_.[]".indexOf(message.charAt(end)) >= 0)) end++;
        return end > start + 1 ? message.substring(start + 1, end) : null;
    }

    /** For {@link Kind#REFUSED}: the request field that cannot be sent as it is, or {@code null} when it is the thinking setting. */
    public String param() {
        return param;
    }

    /** The upstream's HTTP status for {@link Kind#HTTP_ERROR}, else 0. */
    public int status() {
        return status;
    }
}
