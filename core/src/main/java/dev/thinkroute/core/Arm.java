package dev.thinkroute.core;

import java.util.Objects;

/**
 * What a router chooses between: one model with one thinking setting. Its label, {@code model:thinking}
 * (e.g. {@code qwen3-8b:off}, {@code o4-mini:high}), is used in headers, logs and artifacts.
 */
public record Arm(String model, Thinking thinking) {

    public Arm {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(thinking, "thinking");
    }

    public String label() {
        return model + ":" + thinking.label();
    }

    @Override
    public String toString() {
        return label();
    }

    /** Parses {@code model:thinking}; the model part may itself contain colons (Ollama's {@code qwen3:8b}). */
    public static Arm parse(String label) {
        int colon = label == null ? -1 : label.lastIndexOf(':');
        if (colon <= 0 || colon == label.length() - 1) {
            throw new IllegalArgumentException("arm '" + label + "' must be written model:thinking, e.g. qwen3-8b:off");
        }
        return new Arm(label.substring(0, colon), Thinking.parse(label.substring(colon + 1)));
    }
}
