package dev.thinkroute.core.metric;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * APGR and CPT of a router sweep (RouteLLM, Ong et al. 2024, arXiv:2406.18665). Input points carry the x
 * axis in {@code cost} (share of strong calls, or normalised cost, see {@link Gap}) and PGR in {@code quality}.
 *
 * <p>Definitions followed: APGR {@code = ∫₀¹ PGR(x) dx}, which the paper approximates by 10 evenly spaced
 * thresholds and the code ({@code lm-sys/RouteLLM}, {@code routellm/evals/evaluate.py}, {@code apgr_metric}) by
 * {@code np.trapz} over the sweep's points; CPT(p) = the least strong-call share whose PGR reaches p, which the code
 * ({@code pct_call_metric}) finds by inverse linear interpolation ({@code np.interp}).
 *
 * <p>Where we generalise, so that any sweep (not only RouteLLM's quantile thresholds) gets a well-defined number:
 * <ul>
 *   <li>x is clamped to [0, 1] and points at the same x keep the best PGR;</li>
 *   <li>the curve starts at (0, 0), the always-weak router every threshold router includes (RouteLLM's sweep has it
 *       at its top threshold), so left of the first point the router is credited with mixing in always-weak;</li>
 *   <li>between points the curve is linear, and it is the running maximum, since at a larger budget a router can
 *       always fall back to a cheaper setting (this also makes CPT well defined when the raw PGR dips);</li>
 *   <li>right of the last point it stays flat: a router that never calls the strong arm is not credited with it.</li>
 * </ul>
 * For a sweep from x = 0 to x = 1 with non-decreasing PGR this equals RouteLLM's number; {@link #apgrAsRouteLlm} is
 * the code's formula unchanged, for reproducing published figures.
 */
public final class Apgr {

    private Apgr() {
    }

    /**
     * The curve APGR integrates and CPT inverts: the valid points clamped to x in [0, 1], with (0, 0) added,
     * sorted by x with one point per x, PGR replaced by its running maximum. Empty when no point is valid
     * (e.g. every PGR is {@code NaN} because the gap is undefined).
     */
    public static List<Frontier.Point> curve(Collection<Frontier.Point> points) {
        List<Frontier.Point> clamped = new ArrayList<>();
        for (Frontier.Point p : points) {
            if (!p.valid()) continue;
            clamped.add(new Frontier.Point(Math.clamp(p.cost(), 0.0, 1.0), p.quality(), p.label()));
        }
        if (clamped.isEmpty()) return List.of();
        clamped.add(new Frontier.Point(0, 0, "always weak"));
        List<Frontier.Point> curve = new ArrayList<>();
        double best = Double.NEGATIVE_INFINITY;
        // Sorted with the best PGR first at each x, so the first point seen at an x is the one kept there.
        for (Frontier.Point p : Frontier.sortedByCost(clamped)) {
            if (!curve.isEmpty() && curve.getLast().cost() == p.cost()) continue;
            best = Math.max(best, p.quality());
            curve.add(new Frontier.Point(p.cost(), best, p.label()));
        }
        return List.copyOf(curve);
    }

    /**
     * Average performance gap recovered: the area under {@link #curve} over x in [0, 1], by trapezoids, flat after
     * the last point. Random routing between weak and strong gives exactly 0.5, always-weak 0, the oracle nearly 1.
     * {@code NaN} when the curve is empty.
     */
    public static double apgr(Collection<Frontier.Point> points) {
        List<Frontier.Point> c = curve(points);
        if (c.isEmpty()) return Double.NaN;
        double area = 0;
        for (int i = 1; i < c.size(); i++) {
            Frontier.Point a = c.get(i - 1), b = c.get(i);
            area += (a.quality() + b.quality()) / 2 * (b.cost() - a.cost());
        }
        return area + c.getLast().quality() * (1 - c.getLast().cost());
    }

    /**
     * Call-performance threshold: the smallest x at which {@link #curve} reaches PGR {@code p} (a fraction, e.g.
     * 0.5 for RouteLLM's CPT(50%)), interpolating linearly inside a segment. {@code NaN} when never reached or
     * the curve is empty. RouteLLM reports it as a percentage of calls; multiply by 100 for that.
     */
    public static double cpt(Collection<Frontier.Point> points, double p) {
        List<Frontier.Point> c = curve(points);
        if (c.isEmpty() || Double.isNaN(p)) return Double.NaN;
        if (c.getFirst().quality() >= p) return c.getFirst().cost();
        for (int i = 1; i < c.size(); i++) {
            Frontier.Point a = c.get(i - 1), b = c.get(i);
            // The running maximum is non-decreasing, so the first segment ending at or above p holds the crossing,
            // and a.quality() < p <= b.quality() keeps the division well defined.
            if (b.quality() >= p) {
                return a.cost() + (p - a.quality()) / (b.quality() - a.quality()) * (b.cost() - a.cost());
            }
        }
        return Double.NaN;
    }

    /**
     * RouteLLM's code unchanged ({@code evaluate.py}, {@code apgr_metric}): {@code np.trapz} of the raw PGR over the
     * points sorted by x, divided by the x span the sweep covers; no clamping, no anchor, no running maximum.
     * {@code NaN} with fewer than two distinct x.
     */
    public static double apgrAsRouteLlm(Collection<Frontier.Point> points) {
        // Sort by x only; equal x keep the given order (pandas' default sort is not stable, so there the reference
        // itself is ambiguous: which of two equal-x points joins which neighbour changes the sum).
        List<Frontier.Point> c = points.stream().filter(Frontier.Point::valid)
                .sorted(java.util.Comparator.comparingDouble(Frontier.Point::cost)).toList();
        if (c.size() < 2 || c.getLast().cost() == c.getFirst().cost()) return Double.NaN;
        double area = 0;
        for (int i = 1; i < c.size(); i++) {
            Frontier.Point a = c.get(i - 1), b = c.get(i);
            area += (a.quality() + b.quality()) / 2 * (b.cost() - a.cost());
        }
        return area / (c.getLast().cost() - c.getFirst().cost());
    }
}
