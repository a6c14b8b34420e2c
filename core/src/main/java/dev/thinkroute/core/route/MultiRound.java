package dev.thinkroute.core.route;

import dev.thinkroute.core.Arm;
import dev.thinkroute.core.Decision;
import dev.thinkroute.core.Reason;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A profile that answers in several rounds (the Router-R1 protocol): a policy model thinks, asks named candidate
 * models sub-questions, reads their replies and answers. As a {@link Router} it names the policy's arm; the gateway
 * (or the evaluator) runs the loop with the agent module's orchestrator, since every round needs the last one's reply.
 *
 * @param profile    the profile's name, for reasons
 * @param policy     the arm that thinks and routes (a served Router-R1 checkpoint, or any instruct model)
 * @param candidates the arms the policy may ask, by the name it sees (the model's name; one arm per model)
 * @param fallback   answers the question in one round when the policy's turns cannot be read
 * @param settings   round limit, token caps and budget
 * @param prompts    the policy's and the candidates' prompt templates (a served checkpoint expects the prompt it was
 *                   trained with)
 */
public record MultiRound(String profile, Arm policy, Map<String, Arm> candidates, Arm fallback, Settings settings,
                         Prompts prompts) implements Router {

    /** A profile with the built-in prompts. */
    public MultiRound(String profile, Arm policy, Map<String, Arm> candidates, Arm fallback, Settings settings) {
        this(profile, policy, candidates, fallback, settings, Prompts.BUILT_IN);
    }

    /**
     * Prompt templates; {@code null} for the built-in one. Placeholders: {@code {question}} (required in both),
     * and in the policy's, {@code {candidates}} (one line per candidate: name, description, size) and
     * {@code {names}} (the candidates' names, comma-separated).
     *
     * @param policy a template sent as the only user message (no system message), as Router-R1 checkpoints are
     *               trained; {@code null}: a built-in system prompt and the question as the user message
     * @param callee a template wrapping each sub-question (e.g. "you help a base model; answer briefly: {question}");
     *               {@code null}: the sub-question alone
     */
    public record Prompts(String policy, String callee) {
        public static final Prompts BUILT_IN = new Prompts(null, null);
        public static final String QUESTION = "{question}";

        public Prompts {
            if (policy != null && !policy.contains(QUESTION)) throw new IllegalArgumentException("the policy prompt has no " + QUESTION + " placeholder");
            if (callee != null && !callee.contains(QUESTION)) throw new IllegalArgumentException("the callee prompt has no " + QUESTION + " placeholder");
        }
    }

    /**
     * @param maxRounds       sub-questions at most (default 4, as in the paper)
     * @param calleeMaxTokens {@code max_tokens} of each candidate's reply (default 512, as in the paper)
     * @param policyMaxTokens {@code max_tokens} of each policy turn (default 1024)
     * @param maxCostUsd      stop once this much is spent, with the best answer so far (∞: no cap)
     * @param maxTokens       stop once this many tokens are spent (0: no cap)
     */
    public record Settings(int maxRounds, int calleeMaxTokens, int policyMaxTokens, double maxCostUsd, long maxTokens) {
        public static final Settings DEFAULTS = new Settings(4, 512, 1024, Double.POSITIVE_INFINITY, 0);
        /** The most rounds a profile may allow: each round is a policy call and a candidate call, on the request path. */
        public static final int MAX_ROUNDS = 16;

        public Settings {
            if (maxRounds < 1 || maxRounds > MAX_ROUNDS) throw new IllegalArgumentException("maxRounds must be 1 to " + MAX_ROUNDS + ", got " + maxRounds);
            if (calleeMaxTokens < 1 || policyMaxTokens < 1) throw new IllegalArgumentException("max tokens must be positive");
            if (!(maxCostUsd > 0)) throw new IllegalArgumentException("maxCostUsd must be positive, got " + maxCostUsd);
            if (maxTokens < 0) throw new IllegalArgumentException("maxTokens must be >= 0, got " + maxTokens);
        }

        /** These settings with a request's own cost cap, when it is lower than the profile's. */
        public Settings capped(Double requestMaxCostUsd) {
            if (requestMaxCostUsd == null || requestMaxCostUsd >= maxCostUsd) return this;
            return new Settings(maxRounds, calleeMaxTokens, policyMaxTokens, requestMaxCostUsd, maxTokens);
        }
    }

    public MultiRound {
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(fallback, "fallback");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(prompts, "prompts");
        if (candidates.isEmpty()) throw new IllegalArgumentException("a multi-round profile needs at least one candidate");
        candidates = Collections.unmodifiableMap(new LinkedHashMap<>(candidates));
    }

    /** The policy answers first; what it asks after that is decided per round. */
    @Override
    public Decision route(Query query) {
        return new Decision(policy, new Reason.ProfileRule(profile, "multi-round: " + policy.label() + " thinks and asks "
                + String.join(", ", candidates.keySet()) + " (at most " + settings.maxRounds() + " rounds)"));
    }

    /** A request may lower the budget ({@code routing.max_cost}); α and allowed arms do not apply. */
    @Override
    public boolean acceptsConstraints() {
        return true;
    }
}
