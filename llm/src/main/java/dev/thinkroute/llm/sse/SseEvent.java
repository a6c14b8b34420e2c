package dev.thinkroute.llm.sse;

/**
 * One dispatched Server-Sent Event.
 *
 * @param event the event type ({@code message} when the stream named none)
 * @param data  the data lines joined by {@code \n} (never {@code null}; may be empty)
 * @param id    the last event id seen on the stream so far, or {@code ""} when none was sent
 */
public record SseEvent(String event, String data, String id) {

    /** The event type used when a stream sends no {@code event:} field. */
    public static final String DEFAULT_TYPE = "message";
}
