package dev.thinkroute.llm.gemini;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thinkroute.core.Thinking;
import dev.thinkroute.core.ThinkingSupport;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Maps the neutral {@link Thinking} setting onto Gemini's {@code generationConfig.thinkingConfig}, checking it
 * against what the model family accepts so a request the API would reject is refused before it is sent.
 *
 * <p>Two mutually exclusive controls exist, and exactly one of them is ever written (Google's thinking guide: the
 * two settings cannot be combined in one request; Gemini 2.5 models do not accept {@code thinkingLevel}):
 * <ul>
 *   <li>{@link ThinkingSupport#BUDGET} (Gemini 2.5): {@code thinkingBudget}; {@code off} is {@code 0},
 *       {@code on} is {@code -1} (dynamic thinking), {@code on@N} is {@code N}.</li>
 *   <li>{@link ThinkingSupport#ADAPTIVE} (Gemini 3): {@code thinkingLevel}; {@code low}/{@code medium}/{@code high}
 *       are sent as such where the model accepts them, {@code on} leaves the model's default level (no field),
 *       {@code off} is refused: Gemini 3 cannot switch thinking off.</li>
 *   <li>{@link ThinkingSupport#NONE}: no {@code thinkingConfig} at all.</li>
 * </ul>
 * Whenever the model thinks, {@code includeThoughts: true} asks for thought summaries, which come back as parts
 * marked {@code thought: true}. With thinking off it is left out (there would be nothing to summarise).
 *
 * <p>The family, and so the accepted ranges, is decided from the card's upstream model name. The table, from Google's
 * "Gemini thinking" guide (ai.google.dev/gemini-api/docs/thinking, "thinking budgets" and "thinking levels"):
 * <pre>
 *   family                    control         accepted                    off?      on (dynamic)
 *   gemini-2.5-pro*           thinkingBudget  128 .. 32768                no        -1
 *   gemini-2.5-flash-lite*    thinkingBudget  512 .. 24576                0         -1
 *   gemini-2.5-flash*         thinkingBudget  1 .. 24576 (0 = off)        0         -1
 *   gemini-3-pro*             thinkingLevel   low, high                   no        default (high)
 *   gemini-3*-flash*          thinkingLevel   (minimal,) low, medium, high no       default (high)
 *   gemini-3.x-pro (3.1 on)   thinkingLevel   low, medium, high           no        default
 *   anything else             as the card says; budgets only checked to be positive, levels passed through
 * </pre>
 * A card whose thinking support does not fit its family is caught where the provider would answer 400: a level
 * for a 2.5 model (2.5 rejects {@code thinkingLevel}), or a budget or {@code off} for a Gemini 3 model under
 * {@code budget} (its budget range is not documented; plain {@code on} is sent as the model's default).
 * {@code minimal} has no neutral counterpart and is never sent.
 */
public final class GeminiThinking {

    /** A model family's thinking bounds. */
    record Family(String label, int minBudget, int maxBudget, boolean canTurnOff, Set<Thinking.Level> levels) {

        boolean known() {
            return this != UNKNOWN;
        }
    }

    static final Family PRO_25 = new Family("Gemini 2.5 Pro", 128, 32768, false, Set.of());
    static final Family FLASH_LITE_25 = new Family("Gemini 2.5 Flash-Lite", 512, 24576, true, Set.of());
    static final Family FLASH_25 = new Family("Gemini 2.5 Flash", 1, 24576, true, Set.of());
    static final Family PRO_3 = new Family("Gemini 3 Pro", 0, 0, false,
            EnumSet.of(Thinking.Level.LOW, Thinking.Level.HIGH));
    static final Family PRO_3X = new Family("Gemini 3.x Pro", 0, 0, false, EnumSet.allOf(Thinking.Level.class));
    static final Family FLASH_3 = new Family("Gemini 3 Flash", 0, 0, false, EnumSet.allOf(Thinking.Level.class));
    static final Family UNKNOWN = new Family("this model", 1, Integer.MAX_VALUE, true, EnumSet.allOf(Thinking.Level.class));

    private GeminiThinking() {
    }

    /** The family of an upstream model name such as {@code gemini-2.5-flash} or {@code models/gemini-3-pro-preview}. */
    static Family family(String upstreamModel) {
        String m = upstreamModel == null ? "" : upstreamModel.toLowerCase(Locale.ROOT);
        if (m.startsWith("models/")) m = m.substring("models/".length());
        if (m.startsWith("gemini-2.5-pro")) return PRO_25;
        if (m.startsWith("gemini-2.5-flash-lite")) return FLASH_LITE_25;
        if (m.startsWith("gemini-2.5-flash")) return FLASH_25;
        if (m.startsWith("gemini-3-pro")) return PRO_3;
        if (m.startsWith("gemini-3") && m.contains("flash")) return FLASH_3;
        if (m.startsWith("gemini-3") && m.contains("pro")) return PRO_3X;
        return UNKNOWN;
    }

    /**
     * The {@code thinkingConfig} object for {@code thinking}, or {@code null} when none is to be sent.
     *
     * @throws IllegalArgumentException with the reason, when the model would reject or cannot express the setting
     */
    /** Why a Gemini model would reject {@code thinking} (its family's bounds), or {@code null}; no request is built. */
    public static String refusal(ThinkingSupport support, String upstreamModel, Thinking thinking) {
        try {
            thinkingConfig(support, upstreamModel, thinking);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    static ObjectNode thinkingConfig(ThinkingSupport support, String upstreamModel, Thinking thinking) {
        String refusal = support.refusal(thinking);
        if (refusal != null) throw new IllegalArgumentException(refusal);
        Family family = family(upstreamModel);
        ObjectNode config = JsonNodeFactory.instance.objectNode();
        switch (support) {
            case NONE -> {
                return null;
            }
            case ALWAYS -> {
                config.put("includeThoughts", true);
                return config;
            }
            case BUDGET -> {
                if (!family.levels().isEmpty() && family.known()) {
                    // Gemini 3 is controlled by thinkingLevel; a budget has no documented range there.
                    switch (thinking) {
                        case Thinking.On on -> {
                            config.put("includeThoughts", true); // the model's default level
                            return config;
                        }
                        case Thinking.Off off -> throw new IllegalArgumentException(family.label()
                                + " cannot turn thinking off; use 'on'");
                        default -> throw new IllegalArgumentException(family.label() + " is controlled by thinkingLevel, not by"
                                + " a token budget; give its model card 'thinking: adaptive' and ask for low or high");
                    }
                }
                switch (thinking) {
                    case Thinking.Off off -> {
                        if (!family.canTurnOff()) {
                            throw new IllegalArgumentException(family.label() + " cannot turn thinking off (its thinking budget is "
                                    + range(family) + " tokens); use 'on' or 'on@" + family.minBudget() + "'");
                        }
                        config.put("thinkingBudget", 0);
                        return config;
                    }
                    case Thinking.On on -> config.put("thinkingBudget", -1);
                    case Thinking.Budget budget -> {
                        if (budget.tokens() < family.minBudget() || budget.tokens() > family.maxBudget()) {
                            throw new IllegalArgumentException(family.label() + " accepts a thinking budget of " + range(family)
                                    + " tokens, not " + budget.tokens() + " (" + upstreamModel + ")");
                        }
                        config.put("thinkingBudget", budget.tokens());
                    }
                    case Thinking.Effort effort -> throw new IllegalArgumentException( // refusal() has said so already
                            "its thinking (budget) has no effort levels");
                }
            }
            case ADAPTIVE -> {
                switch (thinking) {
                    case Thinking.Off off -> throw new IllegalArgumentException((family.known() ? family.label() : "A Gemini 3 model")
                            + " cannot turn thinking off (thinkingLevel has no 'off'); use 'low' for the least thinking");
                    case Thinking.On on -> {
                        // no thinkingLevel: the model's default dynamic level
                    }
                    case Thinking.Effort effort -> {
                        if (family.known() && family.levels().isEmpty()) {
                            throw new IllegalArgumentException(family.label() + " is controlled by thinkingBudget and rejects"
                                    + " thinkingLevel; give its model card 'thinking: budget' and ask for on@N");
                        }
                        if (!family.levels().contains(effort.level())) {
                            throw new IllegalArgumentException(family.label() + " accepts the thinking levels "
                                    + family.levels().stream().map(Thinking.Level::label).collect(Collectors.joining(", "))
                                    + ", not '" + effort.level().label() + "' (" + upstreamModel + ")");
                        }
                        config.put("thinkingLevel", effort.level().label());
                    }
                    case Thinking.Budget budget -> throw new IllegalArgumentException(
                            "its thinking (adaptive) is set by effort (low, medium, high), not by a token budget");
                }
            }
            default -> throw new IllegalArgumentException("its thinking support '" + support.label()
                    + "' cannot be expressed in the Gemini API; use 'budget' (Gemini 2.5), 'adaptive' (Gemini 3) or 'none'");
        }
        config.put("includeThoughts", true);
        return config;
    }

    private static String range(Family family) {
        if (family == FLASH_25) return "1 to " + family.maxBudget() + " (0 turns it off)";
        return family.minBudget() + " to " + family.maxBudget();
    }
}
