package dev.thinkroute.core;

/**
 * One observed (query, arm) result: a line of the outcome log. Field names match the JSONL schema
 * ({@code query_id, dataset, query, model, thinking, score, input_tokens, output_tokens, reasoning_tokens,
 * cost_usd, latency_ms, source}, and optionally {@code response}).
 *
 * @param score    quality in [0, 1], or {@code null} when not (yet) judged
 * @param response the answer text as the model gave it, or {@code null} when not kept (imported benchmarks, or a run
 *                 told to leave answers out); kept so a judge can later be trained on a user's own data
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
        String source,
        String response) {

    /** An outcome without its answer text ({@code response} {@code null}). */
    public Outcome(String queryId, String dataset, String query, String model, String thinking, Double score,
                   long inputTokens, long outputTokens, long reasoningTokens, double costUsd, long latencyMs,
                   String source) {
        this(queryId, dataset, query, model, thinking, score, inputTokens, outputTokens, reasoningTokens, costUsd,
                latencyMs, source, null);
    }

    public Arm arm() {
        return new Arm(model, Thinking.parse(thinking));
    }
}
