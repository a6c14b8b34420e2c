package dev.thinkroute.core;

import java.net.URI;
import java.util.Objects;

/**
 * One upstream model, as configured.
 *
 * @param name            the name clients use in {@code model} and that arms carry
 * @param dialect         how it is spoken to
 * @param baseUrl         the API root, e.g. {@code http://localhost:8000/v1}; {@code null} for replay
 * @param apiKeyEnv       the environment variable that holds its key, or {@code null} for none; the key itself never
 *                        sits in a card, so a card can be logged
 * @param upstreamModel   the model name sent upstream (vLLM's served name; for replay, the recorded model)
 * @param prices          list prices per 1M tokens
 * @param paramsBillions  parameter count in billions, or {@code null} when unknown (Router-R1 weighs cost by size)
 * @param contextLength   context window in tokens, or 0 when unknown
 * @param thinking        how its thinking is controlled
 * @param description     one line about what it is good at (shown to the multi-round policy model)
 * @param table           for replay: the recorded outcome table it answers from; otherwise {@code null}
 * @param budgetMethod    how a thinking budget is held on an OpenAI-compatible server (two calls, or the server's own cap)
 */
public record ModelCard(
        String name,
        Dialect dialect,
        URI baseUrl,
        String apiKeyEnv,
        String upstreamModel,
        Prices prices,
        Double paramsBillions,
        int contextLength,
        ThinkingSupport thinking,
        String description,
        String table,
        BudgetMethod budgetMethod) {

    /** A card with the default budget method ({@link BudgetMethod#TWO_CALL}). */
    public ModelCard(String name, Dialect dialect, URI baseUrl, String apiKeyEnv, String upstreamModel, Prices prices,
                     Double paramsBillions, int contextLength, ThinkingSupport thinking, String description, String table) {
        this(name, dialect, baseUrl, apiKeyEnv, upstreamModel, prices, paramsBillions, contextLength, thinking, description,
                table, BudgetMethod.TWO_CALL);
    }

    public ModelCard {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dialect, "dialect");
        Objects.requireNonNull(prices, "prices");
        Objects.requireNonNull(thinking, "thinking");
        if (upstreamModel == null || upstreamModel.isBlank()) upstreamModel = name;
        if (description == null) description = "";
        if (budgetMethod == null) budgetMethod = BudgetMethod.TWO_CALL;
    }

    /** The arm this model answers with when nobody chooses its thinking. */
    public Arm defaultArm() {
        return new Arm(name, thinking.defaultThinking());
    }

    /** USD cost of a call's usage at this card's prices. */
    public double cost(Usage usage) {
        return prices.cost(usage);
    }
}
