package dev.thinkroute.learn.train;

import java.util.Locale;

/**
 * What the user asks calibration for; α is then chosen to meet it on held-out (out-of-fold) predictions.
 * Written on the command line as {@code cost=0.002}, {@code strong-share=0.3} or {@code quality-drop=0.01}.
 */
public sealed interface Target permits Target.MeanCost, Target.StrongShare, Target.QualityFloor {

    /** The canonical text form, parsed back by {@link #parse}. */
    String label();

    /** The best quality whose mean cost per query stays within {@code usd}. */
    record MeanCost(double usd) implements Target {
        public MeanCost {
            if (!(usd > 0)) throw new IllegalArgumentException("target cost must be a positive USD amount per query, got " + usd);
        }
        @Override public String label() { return "cost=" + usd; }
    }

    /** The best quality with at most {@code share} of calls going to the strongest arm (RouteLLM's knob). */
    record StrongShare(double share) implements Target {
        public StrongShare {
            if (!(share >= 0 && share <= 1)) throw new IllegalArgumentException("strong-share must be in [0, 1], got " + share);
        }
        @Override public String label() { return "strong-share=" + share; }
    }

    /**
     * The lowest cost whose quality is at least the best single arm's minus {@code delta} (AdaptThink's constraint,
     * with the best single arm as the reference).
     */
    record QualityFloor(double delta) implements Target {
        public QualityFloor {
            if (!(delta >= 0 && delta < 1)) throw new IllegalArgumentException("quality-drop must be in [0, 1), got " + delta);
        }
        @Override public String label() { return "quality-drop=" + delta; }
    }

    String ACCEPTED = "cost=<USD per query>, strong-share=<0..1>, quality-drop=<0..1>";

    static Target parse(String text) {
        int eq = text == null ? -1 : text.indexOf('=');
        if (eq <= 0) throw new IllegalArgumentException("calibration target '" + text + "' must be one of " + ACCEPTED);
        String key = text.substring(0, eq).trim().toLowerCase(Locale.ROOT);
        double value;
        try {
            value = Double.parseDouble(text.substring(eq + 1).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("calibration target '" + text + "' needs a number after '='");
        }
        return switch (key) {
            case "cost" -> new MeanCost(value);
            case "strong-share" -> new StrongShare(value);
            case "quality-drop" -> new QualityFloor(value);
            default -> throw new IllegalArgumentException("unknown calibration target '" + key + "'; expected one of " + ACCEPTED);
        };
    }
}
