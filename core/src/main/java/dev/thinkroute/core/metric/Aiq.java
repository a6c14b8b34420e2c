package dev.thinkroute.core.metric;

import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * AIQ, "average improvement in quality" (RouterBench, Hu et al. 2024, arXiv:2403.12031): the area under a
 * router's non-decreasing convex hull in the cost–quality plane, divided by the width of a reference cost range,
 * i.e. the hull's mean quality over that range. Higher is better; it rewards a router for being good at every budget.
 *
 * <p>Definition followed: the paper's {@code AIQ = 1/(c_max − c_min) ∫_{c_min}^{c_max} R̃(c) dc}, with the curve
 * built as RouterBench's reference code does ({@code withmartian/routerbench}, {@code evaluation/AIQ.py},
 * {@code calc_AIQ}): the hull ({@link Frontier#convexHull}) starts at its first (cheapest) point, is extended flat
 * from its last point to {@code c_max}, and nothing is counted left of its first point, i.e. quality 0 there (the
 * code integrates with {@code np.trapz} from the first hull point but divides by the whole {@code max_x}). Where we
 * generalise: the code fixes {@code c_min = 0} and {@code c_max} = the largest cost among the routers compared; here
 * the range is passed in (e.g. cheapest to most expensive single arm) so any two routers share one scale. Calling
 * with {@code cMin = 0, cMax = max cost} reproduces the reference code. The hull is clipped to the range: a point
 * beyond {@code c_max} contributes only through the hull's value at {@code c_max}.
 */
public final class Aiq {

    private Aiq() {
    }

    /**
     * AIQ of a set of points (one per router setting) over {@code [cMin, cMax]}. With {@code cMin == cMax} the range
     * has no width, and the answer is the limit of the mean as the range shrinks: the hull's quality at that cost
     * (0 if the hull starts to its right). {@code NaN} when no point is valid.
     *
     * @throws IllegalArgumentException when {@code cMax < cMin} or either is not finite
     */
    public static double aiq(Collection<Frontier.Point> points, double cMin, double cMax) {
        if (!Double.isFinite(cMin) || !Double.isFinite(cMax) || cMax < cMin) {
            throw new IllegalArgumentException("AIQ needs a finite cost range with c_min <= c_max, got [" + cMin + ", " + cMax + "]");
        }
        List<Frontier.Point> hull = Frontier.convexHull(points);
        if (hull.isEmpty()) return Double.NaN;
        if (cMax == cMin) return value(hull, cMin);
        // Breakpoints: the range ends and every hull vertex inside. Between two of them the curve is linear, and the
        // first vertex is itself a breakpoint, so the jump from 0 to its quality falls between two pieces.
        TreeSet<Double> cuts = new TreeSet<>(List.of(cMin, cMax));
        for (Frontier.Point p : hull) {
            if (p.cost() > cMin && p.cost() < cMax) cuts.add(p.cost());
        }
        double start = hull.getFirst().cost();
        double area = 0;
        Double a = cuts.first();
        for (Double b : cuts.tailSet(a, false)) {
            if (b > start) area += (value(hull, a) + value(hull, b)) / 2 * (b - a);
            a = b;
        }
        return area / (cMax - cMin);
    }

    /**
     * A router's AIQ as a share of the oracle's over the same range. The oracle is one point, so its hull is flat at
     * its accuracy from its cost on: its AIQ is what a perfect router achieves on this scale.
     * {@code NaN} when the oracle's AIQ is 0 or undefined.
     */
    public static double shareOfOracle(Collection<Frontier.Point> router, Frontier.Point oracle, double cMin, double cMax) {
        double best = aiq(List.of(oracle), cMin, cMax);
        if (!(best > 0)) return Double.NaN;
        return aiq(router, cMin, cMax) / best;
    }

    /** The hull's quality at a cost, counting 0 left of its first point (RouterBench's convention). */
    private static double value(List<Frontier.Point> hull, double cost) {
        return cost < hull.getFirst().cost() ? 0 : Frontier.interpolate(hull, cost);
    }
}
