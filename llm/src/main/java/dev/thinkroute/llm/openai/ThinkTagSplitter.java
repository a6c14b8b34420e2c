package dev.thinkroute.llm.openai;

/**
 * Separates reasoning from the answer when a model writes its chain of thought inline as
 * {@code <think>…</think>} in {@code content}, as Qwen3 and DeepSeek-R1 do when served without a reasoning parser.
 *
 * <p>Streaming: one instance per stream; {@link #feed(String)} each content delta and {@link #flush()} at the end.
 * Tags may be split across deltas ({@code "<thi"} + {@code "nk>"}); text that could still turn out to be part of a
 * tag is held back until the next delta decides it. Only a {@code <think>} at the start of the content (after
 * optional whitespace) opens reasoning, so an answer that merely mentions the tag is left alone.
 *
 * <p>Blocking: {@link #split(String)} handles a whole message, including Qwen3 templates that put the opening tag
 * in the prompt so the output holds only {@code </think>}. A stream cannot tell that case from an answer that
 * mentions the tag without buffering all of it, so the streaming path leaves it as content.
 *
 * <p>Both paths give the same text: the reasoning without the newlines that hug the tags, and the answer without
 * the newlines right after {@code </think>}.
 */
public final class ThinkTagSplitter {

    static final String OPEN = "<think>";
    static final String CLOSE = "</think>";

    /** Answer and reasoning text; either is {@code null} when empty. */
    public record Split(String content, String reasoning) {
        public static final Split EMPTY = new Split(null, null);

        public Split {
            if (content != null && content.isEmpty()) content = null;
            if (reasoning != null && reasoning.isEmpty()) reasoning = null;
        }

        public boolean isEmpty() {
            return content == null && reasoning == null;
        }
    }

    private enum State {
        /** Nothing but whitespace seen yet: a {@code <think>} may still open. */
        START,
        /** Just after {@code <think>}: dropping the newlines before the reasoning text. */
        THINK_LEAD,
        /** Inside the think block. */
        THINKING,
        /** Just after {@code </think>}: dropping the newlines before the answer. */
        ANSWER_LEAD,
        /** Plain answer text, passed through. */
        CONTENT
    }

    private State state = State.START;
    private final StringBuilder held = new StringBuilder();

    /** Processes one content delta and returns what can be released now. */
    public Split feed(String chunk) {
        if (chunk == null || chunk.isEmpty()) return Split.EMPTY;
        StringBuilder content = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        String rest = chunk;
        while (rest != null && !rest.isEmpty()) {
            rest = switch (state) {
                case START -> start(rest, content);
                case THINK_LEAD -> lead(rest, State.THINKING);
                case THINKING -> thinking(rest, reasoning);
                case ANSWER_LEAD -> lead(rest, State.CONTENT);
                case CONTENT -> {
                    content.append(rest);
                    yield null;
                }
            };
        }
        return new Split(content.toString(), reasoning.toString());
    }

    /** Releases whatever is held at the end of the stream (an unclosed think block counts as reasoning). */
    public Split flush() {
        String h = held.toString();
        held.setLength(0);
        Split out = switch (state) {
            case START -> new Split(h, null);
            case THINKING -> new Split(null, stripTrailingNewlines(h));
            case THINK_LEAD, ANSWER_LEAD, CONTENT -> Split.EMPTY;
        };
        if (state == State.START) state = State.CONTENT;
        return out;
    }

    private String start(String chunk, StringBuilder content) {
        held.append(chunk);
        String text = held.toString();
        int first = firstNonWhitespace(text);
        if (first == text.length()) return null; // only whitespace so far: keep waiting
        String tail = text.substring(first);
        if (tail.startsWith(OPEN)) {
            held.setLength(0);
            state = State.THINK_LEAD;
            return tail.substring(OPEN.length());
        }
        if (OPEN.startsWith(tail)) return null; // "<thi": may still become the tag
        held.setLength(0);
        state = State.CONTENT;
        content.append(text);
        return null;
    }

    private String lead(String chunk, State next) {
        int i = 0;
        while (i < chunk.length() && isNewline(chunk.charAt(i))) i++;
        if (i == chunk.length()) return null;
        state = next;
        return chunk.substring(i);
    }

    private String thinking(String chunk, StringBuilder reasoning) {
        held.append(chunk);
        String text = held.toString();
        int close = text.indexOf(CLOSE);
        if (close >= 0) {
            held.setLength(0);
            reasoning.append(stripTrailingNewlines(text.substring(0, close)));
            state = State.ANSWER_LEAD;
            return text.substring(close + CLOSE.length());
        }
        // Hold back a suffix that might be newlines before "</think>" or the start of the tag itself.
        int keepFrom = text.length() - partialTagLength(text);
        while (keepFrom > 0 && isNewline(text.charAt(keepFrom - 1))) keepFrom--;
        reasoning.append(text, 0, keepFrom);
        held.delete(0, keepFrom);
        return null;
    }

    /** The length of the longest suffix of {@code text} that is a proper prefix of {@code </think>}. */
    private static int partialTagLength(String text) {
        for (int n = Math.min(CLOSE.length() - 1, text.length()); n > 0; n--) {
            if (text.regionMatches(text.length() - n, CLOSE, 0, n)) return n;
        }
        return 0;
    }

    /**
     * Splits a whole message's content. Handles a leading {@code <think>…</think>} block (an unclosed one is all
     * reasoning, as when generation hit the token limit) and, with no opening tag anywhere before it, a
     * {@code </think>} whose preceding text is the reasoning (Qwen3 templates that open the block in the prompt).
     */
    public static Split split(String content) {
        if (content == null) return Split.EMPTY;
        int first = firstNonWhitespace(content);
        if (content.startsWith(OPEN, first)) {
            String body = content.substring(first + OPEN.length());
            int close = body.indexOf(CLOSE);
            if (close < 0) return new Split(null, trimNewlines(body));
            return new Split(stripLeadingNewlines(body.substring(close + CLOSE.length())), trimNewlines(body.substring(0, close)));
        }
        int close = content.indexOf(CLOSE);
        // Only a closing tag with no opening tag before it: otherwise the answer is quoting the tags.
        if (close >= 0 && content.lastIndexOf(OPEN, close) < 0) {
            return new Split(stripLeadingNewlines(content.substring(close + CLOSE.length())), trimNewlines(content.substring(0, close)));
        }
        return new Split(content, null);
    }

    private static int firstNonWhitespace(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        return i;
    }

    private static boolean isNewline(char c) {
        return c == '\n' || c == '\r';
    }

    private static String stripLeadingNewlines(String s) {
        int i = 0;
        while (i < s.length() && isNewline(s.charAt(i))) i++;
        return s.substring(i);
    }

    private static String stripTrailingNewlines(String s) {
        int end = s.length();
        while (end > 0 && isNewline(s.charAt(end - 1))) end--;
        return s.substring(0, end);
    }

    private static String trimNewlines(String s) {
        return stripTrailingNewlines(stripLeadingNewlines(s));
    }
}
