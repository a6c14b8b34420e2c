package dev.thinkroute.agent;

import dev.thinkroute.core.score.QaScorer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The hierarchical reward of the Router-R1 paper, so that trajectories of the {@link Orchestrator} can be scored the way
 * its RL trainer scores rollouts:
 * <ol>
 *   <li><b>format</b>: {@code -1} when the transcript breaks the protocol, else {@code 0} ({@link #formatViolation});</li>
 *   <li><b>outcome</b>: exact match of the answer with any gold answer, 0 or 1 ({@link #outcome}, which also gives token F1);</li>
 *   <li><b>cost</b>: in [0, 1], higher for cheaper trajectories, normalised over a batch ({@link #costRewards}).</li>
 * </ol>
 * They combine hierarchically ({@link #total}): a broken format is {@code -1} whatever else, a wrong answer earns
 * nothing for being cheap, and only a right answer trades correctness against cost with the coefficient α.
 */
public final class Rewards {

    /** Which cost of a trajectory the cost reward is computed from. */
    public enum CostBasis {
        /** The paper's cost: Σ over asked models of output tokens × billions of parameters ({@link Orchestrator.Result#totalSizeWeighted()}). */
        SIZE_WEIGHTED,
        /** US dollars of every call, the policy's included ({@link Orchestrator.Result#totalCost()}). */
        USD;

        /** The raw cost of {@code result} on this basis. */
        public double raw(Orchestrator.Result result) {
            return switch (this) {
                case SIZE_WEIGHTED -> result.totalSizeWeighted();
                case USD -> result.totalCost();
            };
        }

        /** The name written in exports: {@code size_weighted} or {@code usd}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * How right an answer is.
     *
     * @param exactMatch 1 when the normalised answer equals a normalised gold answer, else 0
     * @param f1         the best token F1 over the gold answers
     */
    public record Outcome(double exactMatch, double f1) {
    }

    /**
     * Every part of one trajectory's reward, as exported.
     *
     * @param format    0, or -1 when the protocol is broken
     * @param outcomeEm exact match, 0 or 1: the outcome the total uses
     * @param f1        token F1, reported alongside
     * @param costRaw   the trajectory's cost on {@code costBasis}, before normalisation
     * @param cost      the cost reward in [0, 1] (1 = the cheapest of the batch)
     * @param alpha     the cost coefficient the total was computed with
     * @param total     {@link Rewards#total}
     * @param costBasis which cost {@code costRaw} is
     */
    public record Reward(double format, double outcomeEm, double f1, double costRaw, double cost, double alpha, double total,
                         CostBasis costBasis) {
        public Reward {
            Objects.requireNonNull(costBasis, "costBasis");
        }
    }

    /** A degenerate batch, where every trajectory cost about the same, gives everyone this cost reward. */
    public static final double NEUTRAL_COST = 0.5;

    private static final List<String> TAGS = List.of("think", "search", "information", "answer");
    private static final List<String> MARKERS = TAGS.stream().flatMap(t -> Stream.of("<" + t + ">", "</" + t + ">")).toList();
    private static final Map<String, Pattern> BLOCKS = TAGS.stream()
            .collect(Collectors.toMap(Function.identity(), t -> Pattern.compile("<" + t + ">(.*?)</" + t + ">", Pattern.DOTALL)));

    private Rewards() {
    }

    /**
     * The paper's format reward: {@code -1.0} when {@link #formatViolation} finds the transcript broken, else {@code 0.0}.
     * The format comes first in the hierarchy because a policy that does not keep the protocol cannot be served at all.
     */
    public static double format(String transcript, Set<String> candidateNames) {
        return formatViolation(transcript, candidateNames).isPresent() ? -1.0 : 0.0;
    }

    /**
     * Why {@code transcript} breaks the Router-R1 protocol, or empty when it keeps it. The rules, checked in this order:
     * at least one complete pair of {@code think}, {@code search}, {@code information} or {@code answer} tags; as many
     * opening as closing tags of each; no tag inside another's content; no empty or {@code ...} thinking; exactly one
     * answer; at least one thinking; as many informations as searches; the text starts with {@code <think>} and ends
     * with {@code </answer>}; every search written {@code Name: question}, with exactly one colon, a question, and the
     * name (trimmed, in any case) one of {@code candidateNames}. Tags are read as written, in lower case, as the policy
     * is prompted to write them; unlike {@link Turn}, nothing is repaired: a reward must say what the policy wrote.
     *
     * @param transcript     the policy's whole text ({@link Orchestrator.Result#transcript()})
     * @param candidateNames the names the policy may ask
     */
    public static Optional<String> formatViolation(String transcript, Set<String> candidateNames) {
        String text = transcript == null ? "" : transcript;
        if (TAGS.stream().noneMatch(t -> BLOCKS.get(t).matcher(text).find())) return Optional.of("no complete tag pair");
        for (String t : TAGS) {
            if (count(text, "<" + t + ">") != count(text, "</" + t + ">")) return Optional.of("unbalanced <" + t + "> tags");
        }
        for (String t : TAGS) {
            for (String content : contents(text, t)) {
                if (MARKERS.stream().anyMatch(content::contains)) return Optional.of("a tag nested inside <" + t + ">");
            }
        }
        List<String> thinks = contents(text, "think");
        if (thinks.stream().map(String::strip).anyMatch(c -> c.isEmpty() || c.equals("..."))) return Optional.of("an empty <think>");
        if (contents(text, "answer").size() != 1) return Optional.of("not exactly one <answer>");
        if (thinks.isEmpty()) return Optional.of("no <think>");
        List<String> searches = contents(text, "search");
        if (searches.size() != contents(text, "information").size()) return Optional.of("searches and informations differ in number");
        String stripped = text.strip();
        if (!stripped.startsWith("<think>")) return Optional.of("does not start with <think>");
        if (!stripped.endsWith("</answer>")) return Optional.of("does not end with </answer>");
        Set<String> names = candidateNames.stream().map(n -> n.strip().toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        for (String search : searches) {
            String[] parts = search.split(":", -1);
            if (parts.length != 2 || parts[1].isBlank()) return Optional.of("a <search> not written Name: question");
            if (!names.contains(parts[0].strip().toLowerCase(Locale.ROOT))) return Optional.of("a <search> asks an unknown model");
        }
        return Optional.empty();
    }

    /**
     * Exact match and token F1 of {@code answer} against {@code golds}, with {@link QaScorer}'s SQuAD normalisation
     * (the same semantics as the {@code qa-em} and {@code qa-f1} scorers). No answer scores 0.
     */
    public static Outcome outcome(String answer, List<String> golds) {
        return new Outcome(QaScorer.exactMatch().score(answer, golds).value(), QaScorer.f1().score(answer, golds).value());
    }

    /**
     * The cost reward of each trajectory of a batch, from their raw costs, as the paper's training code computes it:
     * each cost is square-rooted, then min-max scaled between the batch's 5th and 95th percentiles (linear
     * interpolation, as numpy's default), clipped to [0, 1] and turned around ({@code 1 - scaled}) so that cheaper is
     * better. Why not plain min-max: costs are heavy-tailed, and a few very long replies from a large model would
     * otherwise squeeze everyone else's cost reward into a sliver near 1; the square root compresses the tail and the
     * percentiles stop the extremes from setting the scale (whatever lies beyond them is simply clipped). When the
     * percentiles are closer than 1e-8 the batch says nothing about cost and every trajectory gets {@value #NEUTRAL_COST}.
     *
     * <p>The paper's trainer keeps a rolling window of the last 1000 costs during training; an export is one batch,
     * so here the window is the batch itself.
     *
     * @param raw each trajectory's cost, finite and non-negative
     * @return the cost reward of each, in the same order, in [0, 1]
     */
    public static double[] costRewards(double[] raw) {
        double[] x = new double[raw.length];
        for (int i = 0; i < raw.length; i++) {
            if (!(raw[i] >= 0) || Double.isInfinite(raw[i])) {
                throw new IllegalArgumentException("a cost must be finite and non-negative, got " + raw[i] + " at " + i);
            }
            x[i] = Math.sqrt(raw[i]);
        }
        if (x.length == 0) return x;
        double[] sorted = x.clone();
        Arrays.sort(sorted);
        double p5 = percentile(sorted, 5), p95 = percentile(sorted, 95);
        double range = p95 - p5;
        double[] reward = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            reward[i] = range < 1e-8 ? NEUTRAL_COST : 1 - Math.clamp((x[i] - p5) / range, 0.0, 1.0);
        }
        return reward;
    }

    /**
     * The hierarchical total: {@code -1} for a broken format; otherwise {@code 0} for a wrong answer (cheapness earns
     * nothing on its own); otherwise {@code (1 - alpha) · outcome + alpha · cost}.
     *
     * @param alpha the cost coefficient in [0, 1]: 0 rewards correctness alone, 1 cost alone among right answers
     */
    public static double total(double format, double outcome, double cost, double alpha) {
        requireAlpha(alpha);
        if (format == -1) return -1;
        if (outcome == 0) return 0;
        return (1 - alpha) * outcome + alpha * cost;
    }

    /** {@code alpha}, when it is a cost coefficient in [0, 1]. */
    static double requireAlpha(double alpha) {
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("the cost coefficient alpha must be in [0, 1], got " + alpha);
        }
        return alpha;
    }

    /** numpy.percentile's default (linear): the value at rank {@code p/100 · (n-1)}, interpolated between neighbours. */
    private static double percentile(double[] sorted, double p) {
        double rank = p / 100 * (sorted.length - 1);
        int lo = (int) Math.floor(rank), hi = (int) Math.ceil(rank);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
    }

    private static List<String> contents(String text, String tag) {
        List<String> found = new ArrayList<>();
        Matcher m = BLOCKS.get(tag).matcher(text);
        while (m.find()) found.add(m.group(1));
        return found;
    }

    private static int count(String text, String marker) {
        int n = 0;
        for (int at = text.indexOf(marker); at >= 0; at = text.indexOf(marker, at + marker.length())) n++;
        return n;
    }
}
