package dev.thinkroute.core.route;

import java.util.Objects;
import java.util.Set;

/**
 * What a router sees of a request.
 *
 * @param text        the last user message (what distinguishes the query; system prompts and history are shared)
 * @param promptChars characters of the whole prompt, all messages
 * @param constraints the caller's limits on this decision ({@link Constraints#NONE} when it set none)
 */
public record Query(String text, int promptChars, Constraints constraints) {

    public Query {
        Objects.requireNonNull(text, "text");
        if (constraints == null) constraints = Constraints.NONE;
    }

    public Query(String text, int promptChars) {
        this(text, promptChars, Constraints.NONE);
    }

    public static Query of(String text) {
        return new Query(text, text.length());
    }

    /**
     * Per-request limits a caller can put on a learned router's choice (the gateway's {@code routing} extension).
     *
     * @param alpha      the quality-for-cost trade for this request, or {@code null} for the profile's
     * @param maxCostUsd the most this request may cost by the router's prediction, or {@code null} for no cap
     * @param arms       the arm labels ({@code model:thinking}) or model names that may be chosen, or {@code null} for all
     */
    public record Constraints(Double alpha, Double maxCostUsd, Set<String> arms) {
        public static final Constraints NONE = new Constraints(null, null, null);

        public Constraints {
            if (alpha != null && !(alpha >= 0 && Double.isFinite(alpha))) throw new IllegalArgumentException("alpha must be a finite number >= 0, got " + alpha);
            if (maxCostUsd != null && !(maxCostUsd >= 0)) throw new IllegalArgumentException("max_cost must be a number >= 0, got " + maxCostUsd);
            arms = arms == null ? null : Set.copyOf(arms);
        }

        public boolean isNone() {
            return alpha == null && maxCostUsd == null && arms == null;
        }
    }
}
