package dev.thinkroute.core.metric;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Cost–quality points (one per single arm, per router setting, per α of a sweep) and the curves built from them:
 * sorted by cost, the non-decreasing (Pareto) frontier, and the non-decreasing convex hull that AIQ integrates.
 * Points with a {@code NaN} coordinate are dropped by every helper, since they cannot be placed on the plane.
 */
public final class Frontier {

    /**
     * One point of the cost–quality plane. The APGR helpers ({@link Apgr}) reuse it with the x axis in
     * {@code cost} (strong-call share or normalised cost) and PGR in {@code quality}.
     *
     * @param cost    mean cost per query (or the x coordinate of a PGR curve)
     * @param quality mean score (or PGR)
     * @param label   what produced the point, e.g. {@code knn α=0.3}; never null
     */
    public record Point(double cost, double quality, String label) {
        public Point {
            label = Objects.requireNonNullElse(label, "");
        }

        public Point(double cost, double quality) {
            this(cost, quality, "");
        }

        boolean valid() {
            return !Double.isNaN(cost) && !Double.isNaN(quality);
        }
    }

    /** Cheapest first; at equal cost the better point first, so the first of a cost is the one worth keeping. */
    static final Comparator<Point> BY_COST = Comparator.comparingDouble(Point::cost)
            .thenComparing(Comparator.comparingDouble(Point::quality).reversed())
            .thenComparing(Point::label);

    private Frontier() {
    }

    /** The valid points, cheapest first; equal costs better quality first, then by label (a stable, total order). */
    public static List<Point> sortedByCost(Collection<Point> points) {
        return points.stream().filter(Point::valid).sorted(BY_COST).toList();
    }

    /**
     * The non-decreasing (Pareto) frontier: walking from cheap to expensive, the points that beat every cheaper
     * point's quality. A point that costs more without scoring strictly higher is dominated and dropped, so the
     * result has strictly increasing cost and strictly increasing quality.
     */
    public static List<Point> paretoFrontier(Collection<Point> points) {
        List<Point> kept = new ArrayList<>();
        double best = Double.NEGATIVE_INFINITY;
        for (Point p : sortedByCost(points)) {
            if (p.quality() > best) {
                kept.add(p);
                best = p.quality();
            }
        }
        return List.copyOf(kept);
    }

    /**
     * The non-decreasing convex hull (RouterBench's "NDCH"): the upper convex hull of the Pareto frontier. Any
     * point under it is beaten by randomly mixing the two hull vertices around it, which is why AIQ integrates the
     * hull rather than the raw points. Only vertices are kept (a point on a hull edge is dropped). It starts at the
     * cheapest point and ends at the best one; RouterBench's {@code get_non_descreasing_convex_hull_of}
     * ({@code withmartian/routerbench}, {@code evaluation/AIQ.py}) computes the same curve by brute force.
     */
    public static List<Point> convexHull(Collection<Point> points) {
        List<Point> hull = new ArrayList<>();
        for (Point p : paretoFrontier(points)) {
            // Andrew's monotone chain, upper half: drop the last vertex while it lies on or under the chord
            // from the one before it to p (cross product >= 0 means no right turn).
            while (hull.size() >= 2 && cross(hull.get(hull.size() - 2), hull.getLast(), p) >= 0) {
                hull.removeLast();
            }
            hull.add(p);
        }
        return List.copyOf(hull);
    }

    private static double cross(Point a, Point b, Point c) {
        return (b.cost() - a.cost()) * (c.quality() - a.quality()) - (b.quality() - a.quality()) * (c.cost() - a.cost());
    }

    /**
     * Linear interpolation on a curve sorted by strictly increasing x (as {@link #convexHull} and
     * {@link Apgr#curve} return); flat after the last point, {@code NaN} before the first.
     */
    static double interpolate(List<Point> curve, double x) {
        if (curve.isEmpty() || x < curve.getFirst().cost()) return Double.NaN;
        for (int i = 1; i < curve.size(); i++) {
            Point a = curve.get(i - 1), b = curve.get(i);
            if (x <= b.cost()) {
                return a.quality() + (b.quality() - a.quality()) * (x - a.cost()) / (b.cost() - a.cost());
            }
        }
        return curve.getLast().quality();
    }
}
