package dev.thinkroute.core;

/**
 * Tokens of one call. {@code outputTokens} counts every generated token, reasoning included (as OpenAI's
 * {@code completion_tokens} does); {@code reasoningTokens} is the part of it spent thinking. {@code estimated}
 * is true when the counts were estimated from text rather than reported by the upstream.
 */
public record Usage(long inputTokens, long outputTokens, long reasoningTokens, boolean estimated) {

    public static final Usage ZERO = new Usage(0, 0, 0, false);

    public Usage {
        if (inputTokens < 0 || outputTokens < 0 || reasoningTokens < 0) {
            throw new IllegalArgumentException("token counts must be non-negative");
        }
        if (reasoningTokens > outputTokens) {
            // Some servers report reasoning outside completion_tokens; fold it in so cost stays right.
            outputTokens += reasoningTokens;
        }
    }

    public Usage(long inputTokens, long outputTokens, long reasoningTokens) {
        this(inputTokens, outputTokens, reasoningTokens, false);
    }

    public long totalTokens() {
        return inputTokens + outputTokens;
    }

    public Usage plus(Usage other) {
        return new Usage(inputTokens + other.inputTokens, outputTokens + other.outputTokens,
                reasoningTokens + other.reasoningTokens, estimated || other.estimated);
    }
}
