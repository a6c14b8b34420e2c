package dev.thinkroute.core.route;

/**
 * Turns per-arm predictions into a choice: the arm maximising {@code q̂ − α·ĉ′}, where {@code ĉ′ = ĉ / costScale}
 * puts cost on the scale of quality (with {@code costScale} the mean cost of the most expensive arm, an α of 1
 * trades one unit of quality for the whole price of always calling that arm, whatever the pool's currency and size).
 *
 * <p>Constraints: arms not allowed are never chosen; arms whose predicted cost exceeds {@code maxCost} are skipped;
 * if no arm satisfies the cap, the cheapest allowed arm is chosen (a request is never refused for its budget).
 *
 * <p>With two arms this is RouteLLM's threshold rule: the strong arm wins exactly when
 * {@code q̂_strong − q̂_weak > α·(ĉ′_strong − ĉ′_weak)}, i.e. a threshold on the predicted quality gap.
 *
 * @param alpha     the quality-for-cost trade: 0 buys the best predicted quality at any price; larger is cheaper
 * @param costScale the cost that counts as 1 (positive)
 */
public record CostAwarePolicy(double alpha, double costScale) {

    public CostAwarePolicy {
        if (!(alpha >= 0) || Double.isInfinite(alpha)) throw new IllegalArgumentException("alpha must be a finite number >= 0, got " + alpha);
        if (!(costScale > 0) || Double.isInfinite(costScale)) throw new IllegalArgumentException("costScale must be a positive finite number, got " + costScale);
    }

    /** The arm index with the best utility among all arms. */
    public int choose(double[] quality, double[] cost) {
        return choose(quality, cost, null, Double.POSITIVE_INFINITY);
    }

    /**
     * @param allowed which arms may be chosen ({@code null}: all)
     * @param maxCost predicted-cost cap per request ({@code +∞}: none)
     * @return the chosen arm index
     * @throws IllegalArgumentException when no arm is allowed
     */
    public int choose(double[] quality, double[] cost, boolean[] allowed, double maxCost) {
        if (quality.length != cost.length) throw new IllegalArgumentException("one quality and one cost per arm");
        int best = -1;
        double bestUtility = Double.NEGATIVE_INFINITY;
        int cheapest = -1;
        for (int a = 0; a < quality.length; a++) {
            if (allowed != null && !allowed[a]) continue;
            if (cheapest < 0 || cost[a] < cost[cheapest]) cheapest = a;
            if (cost[a] > maxCost) continue;
            double u = utility(quality[a], cost[a]);
            // Ties go to the cheaper arm: equal utility never justifies spending more.
            if (u > bestUtility || (u == bestUtility && best >= 0 && cost[a] < cost[best])) {
                best = a;
                bestUtility = u;
            }
        }
        if (cheapest < 0) throw new IllegalArgumentException("no arm is allowed");
        return best >= 0 ? best : cheapest;
    }

    public double utility(double quality, double cost) {
        return quality - alpha * cost / costScale;
    }

    public CostAwarePolicy withAlpha(double newAlpha) {
        return new CostAwarePolicy(newAlpha, costScale);
    }
}
