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
