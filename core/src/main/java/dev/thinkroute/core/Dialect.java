package dev.thinkroute.core;

import java.util.Locale;

/** How a provider is spoken to. The llm module holds one upstream implementation per dialect. */
public enum Dialect {
    /** OpenAI Chat Completions as served by vLLM, SGLang, llama.cpp server, OpenAI and DeepSeek. */
    OPENAI("openai"),
    /** Anthropic Messages ({@code POST /v1/messages}): extended and adaptive thinking, thinking content blocks. */
    ANTHROPIC("anthropic"),
    /** Google Gemini {@code generateContent} / {@code streamGenerateContent}: {@code thinkingConfig}. */
    GEMINI("gemini"),
    /** Ollama's native {@code POST /api/chat}: {@code think}, {@code message.thinking}. */
    OLLAMA("ollama"),
    /** Answers from a recorded outcome table; no server. */
    REPLAY("replay");

    private final String label;

    Dialect(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static Dialect parse(String text) {
        for (Dialect d : values()) {
            if (d.label.equals(text == null ? null : text.trim().toLowerCase(Locale.ROOT))) return d;
        }
        throw new IllegalArgumentException("unknown dialect '" + text + "'; expected one of openai, anthropic, gemini, ollama, replay");
    }
}
