package dev.thinkroute.gateway.chat;

import dev.thinkroute.core.Thinking;

/**
 * A thinking setting the caller forced, and the request field it came from (for reasons and error params).
 *
 * @param note how the caller's value was read, when it was adapted to the model; otherwise {@code null}
 */
public record CallerThinking(Thinking thinking, String via, String note) {

    public CallerThinking(Thinking thinking, String via) {
        this(thinking, via, null);
    }

    /** The source as shown in reasons: the field, and the adaptation if any. */
    public String describe() {
        return note == null ? via : via + ": " + note;
    }
}
