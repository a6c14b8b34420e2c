package dev.thinkroute.core;

import java.util.Locale;

/**
 * How a model's thinking is controlled, from its model card. Decides which {@link Thinking} settings a model
 * accepts and, in the dialect, which request fields carry them.
 */
public enum ThinkingSupport {
    /** No reasoning mode: only {@code off}. */
    NONE("none"),
    /**
     * Qwen3 hybrid: {@code chat_template_kwargs.enable_thinking} (off/on); a budget {@code on@N} is held by the
     * model card's budget method (the two-call technique, or vLLM's {@code thinking_token_budget}).
     */
    QWEN3("qwen3"),
    /** Qwen3 on a server without chat-template kwargs: the {@code /think} / {@code /no_think} soft switch in the last user message. */
    QWEN3_SOFT("qwen3-soft"),
    /** DeepSeek V3.1 hybrid: {@code chat_template_kwargs.thinking} (off/on; budgets as for Qwen3). */
    DEEPSEEK("deepseek"),
    /** DeepSeek's hosted API: the model itself switches, {@code deepseek-chat} (off) or {@code deepseek-reasoner} (on). */
    DEEPSEEK_API("deepseek-api"),
    /** OpenAI reasoning models: {@code reasoning_effort} low/medium/high; always reasons. */
    EFFORT("effort"),
    /** gpt-oss: {@code Reasoning: low|medium|high} in the system message (the harmony format), always reasons. */
    GPT_OSS("gpt-oss"),
    /**
     * A thinking budget in tokens, switchable off: Anthropic extended thinking ({@code budget_tokens}), Gemini 2.5
     * ({@code thinkingBudget}), Ollama's {@code think} (off/on only). The dialect checks the provider's bounds.
     */
    BUDGET("budget"),
    /** Adaptive thinking with an effort level (newer Anthropic models, Gemini 3's {@code thinkingLevel}): off, on, low, medium, high. */
    ADAPTIVE("adaptive"),
    /** A reasoning-only model with no control (e.g. deepseek-reasoner): only {@code on}. */
    ALWAYS("always");

    private final String label;

    ThinkingSupport(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** Why {@code thinking} cannot be asked of a model with this support, or {@code null} when it can. */
    public String refusal(Thinking thinking) {
        return switch (this) {
            case NONE -> thinking.thinks() ? "it has no thinking mode (thinking: none); only 'off' is accepted" : null;
            case QWEN3, DEEPSEEK, BUDGET -> thinking instanceof Thinking.Effort
                    ? "its thinking (" + label + ") has no effort levels; use 'off', 'on' or a budget such as 'on@2048'" : null;
            case QWEN3_SOFT, DEEPSEEK_API -> switch (thinking) {
                case Thinking.Off off -> null;
                case Thinking.On on -> null;
                case Thinking.Budget b -> "its thinking (" + label + ") is switched on or off, without a token budget; use 'on'";
                case Thinking.Effort e -> "its thinking (" + label + ") has no effort levels; use 'on' or 'off'";
            };
            case EFFORT, GPT_OSS -> thinking instanceof Thinking.Off
                    ? "it always reasons (thinking: " + label + "); use 'low' for the shortest reasoning"
                    : thinking instanceof Thinking.Budget ? "its reasoning is set by effort (low, medium, high), not by a token budget" : null;
            case ADAPTIVE -> thinking instanceof Thinking.Budget
                    ? "its thinking (adaptive) is set by effort (low, medium, high), not by a token budget" : null;
            case ALWAYS -> thinking instanceof Thinking.On ? null : "it always reasons with no control (thinking: always); only 'on' is accepted";
        };
    }

    /** The setting used when neither the caller nor a profile names one. */
    public Thinking defaultThinking() {
        return switch (this) {
            case NONE -> Thinking.OFF;
            case QWEN3, QWEN3_SOFT, DEEPSEEK, DEEPSEEK_API, EFFORT, GPT_OSS, BUDGET, ADAPTIVE, ALWAYS -> Thinking.ON;
        };
    }

    public static ThinkingSupport parse(String text) {
        for (ThinkingSupport s : values()) {
            if (s.label.equals(text == null ? null : text.trim().toLowerCase(Locale.ROOT))) return s;
        }
        throw new IllegalArgumentException("unknown thinking support '" + text + "'; expected one of "
                + String.join(", ", java.util.Arrays.stream(values()).map(ThinkingSupport::label).toList()));
    }
}
