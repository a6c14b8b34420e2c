package dev.thinkroute.learn.embed;

import java.util.List;
import java.util.Objects;

/**
 * What the router embeds for a request: the text of the <em>last user message</em>, with every run of whitespace
 * turned into one space and the ends trimmed. System prompts, earlier turns and assistant replies are left out: they
 * are mostly shared between requests (the same system prompt, the same few-shot examples) and would pull every query
 * towards the same vector, while the last user message is what tells one request from another. Outcome logs hold that
 * same text as their {@code query}, so training and serving embed alike.
 *
 * <p>Routing switches such as a trailing {@code /no_think} are the gateway's to remove before this is called.
 */
public final class QueryText {

    /** One chat message as the router sees it: its role ({@code system}, {@code user}, {@code assistant}, …) and text. */
    public record Message(String role, String text) {
        public Message {
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(text, "text");
        }
    }

    private QueryText() {}

    /** The text to embed for a chat request: its last message with role {@code user}, normalised; {@code ""} if none. */
    public static String of(List<Message> messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            Message m = messages.get(i);
            if (m.role().equalsIgnoreCase("user")) return normalise(m.text());
        }
        return "";
    }

    /** The text to embed for a plain query (an outcome log's {@code query}, a CLI argument), normalised. */
    public static String of(String query) {
        return normalise(query);
    }

    /** Collapses each run of whitespace (Unicode spaces included) into one space and trims both ends. */
    public static String normalise(String text) {
        StringBuilder out = new StringBuilder(text.length());
        boolean pendingSpace = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                pendingSpace = !out.isEmpty();
            } else {
                if (pendingSpace) out.append(' ');
                pendingSpace = false;
                out.append(c);
            }
        }
        return out.toString();
    }
}
