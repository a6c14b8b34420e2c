package dev.thinkroute.llm.sse;

/**
 * A Server-Sent Events parser fed one line at a time, following the WHATWG "interpreting an event stream" rules.
 *
 * <p>Splitting the byte stream into lines (CRLF, CR or LF) is left to the line source, e.g.
 * {@link java.io.BufferedReader#readLine()}, which handles all three. Feed every line to {@link #line(String)};
 * it returns an event when a blank line completes one. At the end of the stream call {@link #end()}: unlike the
 * specification, which drops an unterminated event, it dispatches a final event that lacks its blank line, because
 * some OpenAI-compatible servers close the stream right after their last {@code data:} line.
 *
 * <p>Not thread-safe: one parser per stream.
 */
public final class SseParser {

    private final StringBuilder data = new StringBuilder();
    private String eventType = "";
    private String lastEventId = "";
    private boolean firstLine = true;
    private boolean pending;

    /**
     * Processes one line (without its terminator).
     *
     * @return the event this line completed, or {@code null}
     */
    public SseEvent line(String line) {
        if (firstLine) {
            firstLine = false;
            // A UTF-8 byte order mark at the very start is not part of the first field name.
            if (!line.isEmpty() && line.charAt(0) == '\uFEFF') line = line.substring(1);
        }
        if (line.isEmpty()) return dispatch();
        if (line.charAt(0) == ':') return null; // comment, e.g. a keep-alive ": ping"
        int colon = line.indexOf(':');
        String field;
        String value;
        if (colon < 0) {
            field = line;
            value = "";
        } else {
            field = line.substring(0, colon);
            int start = colon + 1;
            if (start < line.length() && line.charAt(start) == ' ') start++;
            value = line.substring(start);
        }
        switch (field) {
            case "data" -> {
                data.append(value).append('\n');
                pending = true;
            }
            case "event" -> {
                eventType = value;
                pending = true;
            }
            case "id" -> {
                // The specification ignores ids containing NULL, which could not be echoed back in a header.
                if (value.indexOf('\0') < 0) lastEventId = value;
            }
            default -> {
                // "retry" only matters to a reconnecting client, and unknown fields are ignored by definition.
            }
        }
        return null;
    }

    /**
     * Signals the end of the stream.
     *
     * @return an event whose blank line never came, or {@code null}
     */
    public SseEvent end() {
        return pending ? dispatch() : null;
    }

    private SseEvent dispatch() {
        pending = false;
        if (data.isEmpty()) {
            // An event with no data lines is not dispatched; only its type is reset.
            eventType = "";
            return null;
        }
        data.setLength(data.length() - 1); // the '\n' after the last data line
        SseEvent event = new SseEvent(eventType.isEmpty() ? SseEvent.DEFAULT_TYPE : eventType, data.toString(), lastEventId);
        data.setLength(0);
        eventType = "";
        return event;
    }
}
