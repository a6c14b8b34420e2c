package dev.thinkroute.core.route;

import java.util.Objects;

/**
 * What a router sees of a request.
 *
 * @param text          the last user message (what distinguishes the query; system prompts and history are shared)
 * @param promptChars   characters of the whole prompt, all messages
 */
public record Query(String text, int promptChars) {
    public Query {
        Objects.requireNonNull(text, "text");
    }

    public static Query of(String text) {
        return new Query(text, text.length());
    }
}
