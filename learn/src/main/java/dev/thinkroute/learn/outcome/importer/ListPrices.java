package dev.thinkroute.learn.outcome.importer;

import dev.thinkroute.core.Prices;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The public list prices (USD per 1M tokens) the importers charge for tables that record no cost, in one place so a
 * price is changed once and every provenance names the same figure. Tables that carry their own prices
 * ({@code llmrouter}'s {@code default_llm.json}) are priced from the table instead.
 */
public final class ListPrices {

    /**
     * {@code gpt-4-1106-preview} (GPT-4 Turbo preview, the model RouteLLM recorded): $10 per 1M input and $30 per 1M
     * output tokens, OpenAI's API pricing page from its launch (Nov 2023) on.
     */
    public static final Prices GPT4_1106_PREVIEW = new Prices(10.00, 30.00);

    /**
     * {@code mistralai/Mixtral-8x7B-Instruct-v0.1}: $0.60 per 1M tokens, input and output alike, Together AI's
     * serverless list price for this model.
     */
    public static final Prices MIXTRAL_8X7B_INSTRUCT = new Prices(0.60, 0.60);

    /**
     * GPT-3 175B, priced as OpenAI's {@code davinci} (175B) at the time of Cobbe et al. 2021: $0.06 per 1K tokens =
     * $60 per 1M, one price for prompt and completion tokens (OpenAI's pricing page, 2021, before the Sept 2022 cut).
     */
    public static final Prices GPT3_175B = new Prices(60.00, 60.00);

    /**
     * GPT-3 6B, priced as OpenAI's {@code curie} (~6.7B, the API model nearest in size to the paper's 6B) at the same
     * time: $0.006 per 1K tokens = $6 per 1M, prompt and completion alike. The paper's 6B was not itself sold; this is
     * the price of the nearest thing a user could buy then.
     */
    public static final Prices GPT3_6B = new Prices(6.00, 6.00);

    /**
     * The per-token prices implied by {@code llmrouter/nq_history/router_train_data_nq.json}: every {@code cost_list}
     * value of a model is a whole multiple of one number, that model's price below, i.e. {@code cost_list = output
     * tokens × USD per 1M}. They equal Together AI's 2024 serverless list prices for these models (Qwen2.5-7B-Instruct
     * Turbo $0.30, Llama-3.1-70B-Instruct Turbo $0.88, Mistral-7B-Instruct-v0.3 $0.20, Mixtral-8x22B-Instruct $1.20,
     * Gemma-2-27B-it $0.80, Llama-3.1-8B-Instruct Turbo $0.18); the file itself does not say so.
     */
    public static final Map<String, Prices> NQ_IMPLIED = ordered(
            "qwen/qwen2.5-7b-instruct", new Prices(0.30, 0.30),
            "meta/llama-3.1-70b-instruct", new Prices(0.88, 0.88),
            "mistralai/mistral-7b-instruct-v0.3", new Prices(0.20, 0.20),
            "mistralai/mixtral-8x22b-instruct-v0.1", new Prices(1.20, 1.20),
            "google/gemma-2-27b-it", new Prices(0.80, 0.80),
            "meta/llama-3.1-8b-instruct", new Prices(0.18, 0.18));

    /** Sources of the figures above, for provenance records. */
    public static final String GPT4_SOURCE = "OpenAI API pricing, gpt-4-1106-preview: $10 / 1M input, $30 / 1M output";
    public static final String MIXTRAL_SOURCE =
            "Together AI serverless list price, Mixtral-8x7B-Instruct-v0.1: $0.60 / 1M input and output";
    public static final String GPT3_SOURCE = "OpenAI GPT-3 list prices of 2021 (one price for prompt and completion): "
            + "davinci (175B) $0.06 / 1K tokens for the 175B model, curie (~6.7B, nearest size) $0.006 / 1K for the 6B";

    private ListPrices() {
    }

    /** RouteLLM's two models and their prices. */
    public static Map<String, Prices> routeLlm() {
        return ordered("gpt-4-1106-preview", GPT4_1106_PREVIEW,
                "mistralai/Mixtral-8x7B-Instruct-v0.1", MIXTRAL_8X7B_INSTRUCT);
    }

    /** The price of one of RouteLLM's models. */
    public static Prices routeLlm(String model) {
        return Objects.requireNonNull(routeLlm().get(model), () -> "no list price for RouteLLM model " + model);
    }

    private static Map<String, Prices> ordered(Object... pairs) {
        Map<String, Prices> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) m.put((String) pairs[i], (Prices) pairs[i + 1]);
        return java.util.Collections.unmodifiableMap(m);
    }
}
