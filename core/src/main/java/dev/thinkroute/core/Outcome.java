package dev.thinkroute.core;

/**
 * One observed (query, arm) result: a line of the outcome log. Field names match the JSONL schema
 * ({@code query_id, dataset, query, model, thinking, score, input_tokens, output_tokens, reasoning_tokens,
 * cost_usd, latency_ms, source}).
 *
 * @param score quality in [0, 1], or {@code null} when not (yet) judged
 */
public record Outcome(
        String queryId,
        String dataset,
        String query,
        String model,
        String thinking,
        Double score,
        long inputTokens,
        long outputTokens,
        long reasoningTokens,
        double costUsd,
        long latencyMs,
        String source) {

    public Arm arm() {
        return new Arm(model, Thinking.parse(thinking));
    }
}
