package dev.thinkroute.core.route;

import java.util.List;
import java.util.Objects;

/**
 * A cascade's escalation rule learned from outcomes: the cheap answer's suspicion level (from the free checks) and,
 * per level, how often the cheap and the expensive arm were right there. A cascade escalates at level {@code L} iff
 * the quality it buys pays for the call at the trade α: {@code (pExpensive(L) − pCheap(L)) > α · expensiveCost / costScale},
 * the same trade as {@link CostAwarePolicy} (α = 1 gives up one unit of quality for the whole price of the dearest
 * arm). Built and calibrated by {@code thinkroute think --save-cascade}; served by a cascade profile's {@code table}.
 *
 * @param levels        one entry per level seen in the training data
 * @param expensiveCost mean USD of the expensive call (what escalating adds)
 * @param costScale     the cost that counts as 1 (the mean cost of always escalating)
 * @param alpha         the α calibrated on the training data (quality within δ of always-expensive, at the least cost)
 * @param source        what it was learned from, for {@code routing.detail}
 */
public record CascadeTable(List<Level> levels, double expensiveCost, double costScale, double alpha, String source) {

    /**
     * @param level      0: the checks pass (and the samples agree); 1: a form check fails; 2: the samples disagree; 3: both
     * @param n          training queries at this level
     * @param pCheap     share of them the cheap answer got right (smoothed)
     * @param pExpensive share the expensive arm got right (smoothed)
     */
    public record Level(int level, int n, double pCheap, double pExpensive) {
        public double gain() {
            return pExpensive - pCheap;
        }
    }

    public CascadeTable {
        levels = List.copyOf(levels);
        Objects.requireNonNull(source, "source");
        if (!(costScale > 0) || !(expensiveCost >= 0)) throw new IllegalArgumentException("costs must be positive");
        if (!(alpha >= 0)) throw new IllegalArgumentException("alpha must be >= 0, got " + alpha);
    }

    /** The suspicion level of a cheap answer: {@code formFails} adds 1, samples that disagree add 2 ({@code agree} null: one sample). */
    public static int level(boolean formFails, Boolean agree) {
        return (formFails ? 1 : 0) + (Boolean.FALSE.equals(agree) ? 2 : 0);
    }

    /** The entry of {@code level}, or {@code null} when the training data never showed it. */
    public Level at(int level) {
        for (Level l : levels) if (l.level() == level) return l;
        return null;
    }

    /**
     * Whether to escalate at {@code level} with trade {@code alpha}. A level the training data never showed escalates:
     * nothing vouches for the cheap answer there.
     */
    public boolean escalate(int level, double alpha) {
        Level l = at(level);
        return l == null || l.gain() > alpha * expensiveCost / costScale;
    }
}
