package dev.thinkroute.core;

import java.util.Locale;

/**
 * How a model's thinking is controlled, from its model card. Decides which {@link Thinking} settings a model
 * accepts and, in the dialect, which request fields carry them.
 */
public enum ThinkingSupport {
    /** No reasoning mode: only {@code off}. */
    NONE("none"),
    /** Qwen3 hybrid: {@code chat_template_kwargs.enable_thinking} (off/on). */
    QWEN3("qwen3"),
    /** DeepSeek V3.1 hybrid: {@code chat_template_kwargs.thinking} (off/on). */
    DEEPSEEK("deepseek"),
    /** OpenAI reasoning models and gpt-oss: {@code reasoning_effort} low/medium/high; always reasons. */
    EFFORT("effort"),
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
            case QWEN3, DEEPSEEK -> switch (thinking) {
                case Thinking.Off off -> null;
                case Thinking.On on -> null;
                case Thinking.Budget b -> "its thinking (" + label + ") is switched on or off, without a token budget; use 'on'";
                case Thinking.Effort e -> "its thinking (" + label + ") has no effort levels; use 'on' or 'off'";
            };
            case EFFORT -> thinking instanceof Thinking.Off
                    ? "it always reasons (thinking: effort); use 'low' for the shortest reasoning"
                    : thinking instanceof Thinking.Budget ? "its reasoning is set by effort (low, medium, high), not by a token budget" : null;
            case ALWAYS -> thinking instanceof Thinking.On ? null : "it always reasons with no control (thinking: always); only 'on' is accepted";
        };
    }

    /** The setting used when neither the caller nor a profile names one. */
    public Thinking defaultThinking() {
        return switch (this) {
            case NONE -> Thinking.OFF;
            case QWEN3, DEEPSEEK, EFFORT, ALWAYS -> Thinking.ON;
        };
    }

    public static ThinkingSupport parse(String text) {
        for (ThinkingSupport s : values()) {
            if (s.label.equals(text == null ? null : text.trim().toLowerCase(Locale.ROOT))) return s;
        }
        throw new IllegalArgumentException("unknown thinking support '" + text + "'; expected one of none, qwen3, deepseek, effort, always");
    }
}
