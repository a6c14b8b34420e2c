package dev.thinkroute.core.route;

import dev.thinkroute.core.Arm;
import dev.thinkroute.core.Decision;
import dev.thinkroute.core.Reason;

import java.util.Locale;
import java.util.Objects;

/**
 * A profile that answers with a cheap arm first and escalates to a strong one only when the cheap answer looks
 * unsure (FrugalGPT / AutoMix): {@code samples} cheap answers are asked, and the first is kept when it passes the
 * form checks and every sample states the same final answer. As a {@link Router} it names the first arm to call;
 * the gateway runs the rest, since judging needs the answers. Its cost counts every call.
 *
 * @param profile the profile's name, for reasons
 * @param cheap   the arm asked first (e.g. a model without thinking)
 * @param strong  the arm escalated to (e.g. the same model thinking)
 * @param samples cheap answers asked and compared, 1 to 3 (1: form checks only)
 * @param checks  how answers are read: {@link Checks#MATH} (a final number, calculator annotations) or {@link Checks#TEXT}
 * @param judge   an arm asked whether the cheap answer is correct once the checks pass (a verifier), or {@code null}
 * @param table   a learned escalation rule with its α ({@code thinkroute think --save-cascade}), or {@code null} for the
 *                plain rule (keep only when every check passes and the samples agree)
 * @param alpha   the profile's α for {@code table}, or {@code null} for the table's calibrated one
 */
public record Cascade(String profile, Arm cheap, Arm strong, int samples, Checks checks, Arm judge, CascadeTable table,
                      Double alpha) implements Router {

    /** A cascade without a judge model. */
    public Cascade(String profile, Arm cheap, Arm strong, int samples, Checks checks) {
        this(profile, cheap, strong, samples, checks, null, null, null);
    }

    /** A cascade with the plain rule. */
    public Cascade(String profile, Arm cheap, Arm strong, int samples, Checks checks, Arm judge) {
        this(profile, cheap, strong, samples, checks, judge, null, null);
    }

    /** The most cheap samples a cascade asks: more costs more than the escalation it saves on these data. */
    public static final int MAX_SAMPLES = 3;

    /** How a cheap answer is read and compared. */
    public enum Checks {
        /** A final numeric answer that is a whole non-negative number, correct calculator annotations, samples agreeing numerically. */
        MATH,
        /** A non-empty answer; samples agreeing after SQuAD normalisation. */
        TEXT;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Checks parse(String text) {
            for (Checks c : values()) if (c.label().equals(text == null ? null : text.trim().toLowerCase(Locale.ROOT))) return c;
            throw new IllegalArgumentException("unknown checks '" + text + "'; expected math or text");
        }
    }

    public Cascade {
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(cheap, "cheap");
        Objects.requireNonNull(strong, "strong");
        Objects.requireNonNull(checks, "checks");
        if (samples < 1 || samples > MAX_SAMPLES) throw new IllegalArgumentException("samples must be 1 to " + MAX_SAMPLES + ", got " + samples);
        if (alpha != null && table == null) throw new IllegalArgumentException("alpha needs a learned table");
        if (alpha != null && !(alpha >= 0 && Double.isFinite(alpha))) throw new IllegalArgumentException("alpha must be a finite number >= 0, got " + alpha);
    }

    /** A learned table takes a per-request α ({@code routing.alpha}); the plain rule has none. */
    @Override
    public boolean acceptsConstraints() {
        return table != null;
    }

    /** The α a request is judged at: the caller's, else the profile's, else the table's calibrated one. */
    public double alphaFor(Query.Constraints limits) {
        if (limits != null && limits.alpha() != null) return limits.alpha();
        return alpha != null ? alpha : table.alpha();
    }

    @Override
    public Decision route(Query query) {
        return new Decision(cheap, new Reason.ProfileRule(profile, "cascade: " + cheap.label() + " answers first (" + samples
                + (samples == 1 ? " sample" : " samples") + ", " + checks.label() + " checks" + (judge == null ? "" : ", judged by " + judge.label())
                + "); " + strong.label() + " only when it looks unsure"));
    }
}
