package dev.thinkroute.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The configured model cards and the arms they expose. Immutable. */
public final class Pool {

    private final Map<String, ModelCard> cards;

    public Pool(List<ModelCard> cards) {
        Map<String, ModelCard> byName = new LinkedHashMap<>();
        for (ModelCard card : cards) {
            if (byName.putIfAbsent(card.name(), card) != null) {
                throw new IllegalArgumentException("model '" + card.name() + "' appears twice in the pool");
            }
        }
        this.cards = Collections.unmodifiableMap(byName);
    }

    public List<ModelCard> cards() {
        return List.copyOf(cards.values());
    }

    public Optional<ModelCard> card(String name) {
        return Optional.ofNullable(cards.get(name));
    }

    /** The card named, or an error listing the known names. */
    public ModelCard require(String name) {
        ModelCard card = cards.get(name);
        if (card == null) throw new IllegalArgumentException("unknown model '" + name + "'; known models: " + String.join(", ", cards.keySet()));
        return card;
    }

    /** Every arm the pool offers by default: off/on for hybrids and budget models, the effort levels for effort models (and off for adaptive ones). */
    public List<Arm> arms() {
        List<Arm> arms = new ArrayList<>();
        for (ModelCard card : cards.values()) {
            switch (card.thinking()) {
                case NONE -> arms.add(new Arm(card.name(), Thinking.OFF));
                case QWEN3, QWEN3_SOFT, DEEPSEEK, DEEPSEEK_API, BUDGET -> {
                    arms.add(new Arm(card.name(), Thinking.OFF));
                    arms.add(new Arm(card.name(), Thinking.ON));
                }
                case EFFORT, GPT_OSS -> {
                    for (Thinking.Level level : Thinking.Level.values()) arms.add(new Arm(card.name(), new Thinking.Effort(level)));
                }
                case ADAPTIVE -> {
                    arms.add(new Arm(card.name(), Thinking.OFF));
                    for (Thinking.Level level : Thinking.Level.values()) arms.add(new Arm(card.name(), new Thinking.Effort(level)));
                }
                case ALWAYS -> arms.add(new Arm(card.name(), Thinking.ON));
            }
        }
        return arms;
    }

    /** Checks that the arm's model exists and accepts its thinking setting; the message says what is wrong. */
    public Optional<String> problemWith(Arm arm) {
        ModelCard card = cards.get(arm.model());
        if (card == null) return Optional.of("unknown model '" + arm.model() + "'; known models: " + String.join(", ", cards.keySet()));
        String refusal = card.thinking().refusal(arm.thinking());
        return refusal == null ? Optional.empty()
                : Optional.of("model '" + arm.model() + "' cannot take thinking '" + arm.thinking().label() + "': " + refusal);
    }
}
