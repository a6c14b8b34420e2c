package dev.thinkroute.core.score;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The registry of answer scorers, by their {@link Scorer#name()}. */
public final class Scorers {

    // Insertion order is kept so that error messages and names() list the scorers in a stable, documented order.
    private static final Map<String, Scorer> BY_NAME = new LinkedHashMap<>();

    static {
        for (Scorer s : List.of(new MathScorer(), QaScorer.exactMatch(), QaScorer.f1(), new ChoiceScorer())) {
            BY_NAME.put(s.name(), s);
        }
    }

    private Scorers() {
    }

    /**
     * @param name a registered name, e.g. {@code math}
     * @return the scorer
     * @throws IllegalArgumentException when no scorer has that name (the message lists the known names)
     */
    public static Scorer get(String name) {
        Objects.requireNonNull(name, "name");
        Scorer s = BY_NAME.get(name);
        if (s == null) {
            throw new IllegalArgumentException("unknown scorer '" + name + "'; known scorers: " + String.join(", ", names()));
        }
        return s;
    }

    /** The registered names, in a stable order: {@code math, qa-em, qa-f1, choice}. */
    public static List<String> names() {
        return List.copyOf(BY_NAME.keySet());
    }
}
