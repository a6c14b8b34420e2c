package dev.thinkroute.core;

import java.util.Locale;

/**
 * How a thinking budget ({@code on@N}) is held on an OpenAI-compatible server whose model thinks by a chat-template
 * switch (Qwen3, DeepSeek V3.1). Dialects with a native budget field (Anthropic, Gemini) ignore it.
 */
public enum BudgetMethod {
    /**
     * Works on any server that can continue an assistant message: generate thinking up to the budget; if it did not
     * finish, close it with a short hand-over sentence and {@code </think>}, and continue for the answer.
     */
    TWO_CALL("two-call"),
    /** The server caps thinking itself: vLLM's per-request {@code thinking_token_budget}. */
    SERVER("server");

    private final String label;

    BudgetMethod(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static BudgetMethod parse(String text) {
        for (BudgetMethod m : values()) {
            if (m.label.equals(text == null ? null : text.trim().toLowerCase(Locale.ROOT))) return m;
        }
        throw new IllegalArgumentException("unknown thinking_budget '" + text + "'; expected two-call or server");
    }
}
