package dev.thinkroute.llm;

import dev.thinkroute.core.ModelCard;
import dev.thinkroute.llm.anthropic.AnthropicUpstream;
import dev.thinkroute.llm.gemini.GeminiUpstream;
import dev.thinkroute.llm.ollama.OllamaUpstream;
import dev.thinkroute.llm.openai.OpenAiUpstream;
import dev.thinkroute.llm.replay.RecordedTables;
import dev.thinkroute.llm.replay.ReplayUpstream;

import java.nio.file.Path;
import java.util.function.Supplier;

/** Makes the upstream for a model card according to its dialect: the one place a new dialect is registered. */
public final class Upstreams {

    private Upstreams() {
    }

    /**
     * Why {@code card}'s provider would refuse {@code thinking}, known from the card alone (no request): the thinking
     * family's rule, then the dialect's own bounds (a Gemini model family that cannot turn thinking off, Ollama's
     * on/off switch that cannot hold a budget). Bounds that depend on the request (Anthropic's budget below
     * {@code max_tokens}) are checked when it is sent.
     */
    public static java.util.Optional<String> refusal(ModelCard card, dev.thinkroute.core.Thinking thinking) {
        String family = card.thinking().refusal(thinking);
        if (family != null) return java.util.Optional.of(family);
        String dialect = switch (card.dialect()) {
            case GEMINI -> dev.thinkroute.llm.gemini.GeminiThinking.refusal(card.thinking(), card.upstreamModel(), thinking);
            case OLLAMA -> thinking instanceof dev.thinkroute.core.Thinking.Budget
                    ? "Ollama's thinking switch ('think') is on or off and cannot hold a token budget" : null;
            case OPENAI, ANTHROPIC, REPLAY -> null;
        };
        return java.util.Optional.ofNullable(dialect);
    }

    /**
     * @param dataRoot the datasets root, asked for only when a replay model needs its table (so a pool of live
     *                 servers runs on a machine without the datasets)
     */
    public static Upstream create(ModelCard card, UpstreamSettings settings, Supplier<Path> dataRoot) {
        return switch (card.dialect()) {
            case OPENAI -> new OpenAiUpstream(card, settings);
            case ANTHROPIC -> new AnthropicUpstream(card, settings);
            case GEMINI -> new GeminiUpstream(card, settings);
            case OLLAMA -> new OllamaUpstream(card, settings);
            case REPLAY -> new ReplayUpstream(card, RecordedTables.open(card.table(), dataRoot.get()));
        };
    }
}
