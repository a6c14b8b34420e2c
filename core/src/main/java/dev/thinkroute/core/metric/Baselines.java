package dev.thinkroute.core.metric;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * The reference routers every router is shown beside: each single arm, the oracle (the ceiling) and random
 * routing at matched cost (the floor a router must clear). All deterministic: random routing is reported as its
 * expected value, not sampled.
 */
public final class Baselines {

    private Baselines() {
    }

    /** Always the given arm: rows where that arm's cell lacks a score or cost are skipped. */
    public static RouterRun singleArm(OutcomeMatrix m, int arm) {
        int[] choice = new int[m.size()];
        Arrays.fill(choice, arm);
        return RouterRun.of(m, choice);
    }

    /** {@link #singleArm} for every arm, in the table's arm order (cheapest first). */
    public static List<RouterRun> singleArms(OutcomeMatrix m) {
        List<RouterRun> runs = new ArrayList<>(m.armCount());
        for (int a = 0; a < m.armCount(); a++) runs.add(singleArm(m, a));
        return List.copyOf(runs);
    }

    /** Each single arm as a (mean cost, accuracy) point labelled with the arm, cheapest arm first. */
    public static List<Frontier.Point> singleArmPoints(OutcomeMatrix m) {
        List<Frontier.Point> points = new ArrayList<>(m.armCount());
        for (int a = 0; a < m.armCount(); a++) points.add(singleArm(m, a).point(m.arms().get(a).label()));
        return List.copyOf(points);
    }

    /**
     * The oracle's choice per row: among the arms with the best score in that row, the cheapest in that row; equal
     * costs go to the lower index (the arm cheaper on average). With 0/1 scores this is "the cheapest correct arm,
     * else the cheapest arm". Only cells with both a score and a cost compete; a row with none gets {@code -1}.
     */
    public static int[] oracleChoice(OutcomeMatrix m) {
        int[] choice = new int[m.size()];
        for (int q = 0; q < m.size(); q++) {
            int best = -1;
            for (int a = 0; a < m.armCount(); a++) {
                double s = m.score(q, a), c = m.cost(q, a);
                if (Double.isNaN(s) || Double.isNaN(c)) continue;
                // Strictly better score wins; an equal score wins only when strictly cheaper, so ties keep the lower index.
                if (best < 0 || s > m.score(q, best) || (s == m.score(q, best) && c < m.cost(q, best))) best = a;
            }
            choice[q] = best;
        }
        return choice;
    }

    /** The oracle router's run: the best quality any router can reach on these rows, at the least cost. */
    public static RouterRun oracle(OutcomeMatrix m) {
        return RouterRun.of(m, oracleChoice(m));
    }

    /** {@link #randomAtCost(Collection, double)} over this table's single arms. */
    public static double randomAtCost(OutcomeMatrix m, double targetCost) {
        return randomAtCost(singleArmPoints(m), targetCost);
    }

    /**
     * Expected quality of routing at random at a target mean cost: the two single arms adjacent on the cost axis are
     * mixed in the proportion that spends exactly {@code targetCost}, so the answer is the linear interpolation
     * between their (cost, quality) points. It is an expected value, no sampling. It deliberately mixes neighbours
     * rather than the best pair (that would be the convex hull of the arms, a much stronger baseline).
     *
     * <p>Arms of equal cost are merged into their mean quality (a uniform pick among them). Outside the cost range
     * of the arms no mix spends the target, so the answer is {@code NaN}; at an arm's cost it is that arm's quality.
     */
    public static double randomAtCost(Collection<Frontier.Point> singleArms, double targetCost) {
        List<Frontier.Point> merged = mergeEqualCosts(Frontier.sortedByCost(singleArms));
        if (merged.isEmpty() || Double.isNaN(targetCost)
                || targetCost < merged.getFirst().cost() || targetCost > merged.getLast().cost()) {
            return Double.NaN;
        }
        return Frontier.interpolate(merged, targetCost);
    }

    private static List<Frontier.Point> mergeEqualCosts(List<Frontier.Point> sorted) {
        List<Frontier.Point> merged = new ArrayList<>();
        int i = 0;
        while (i < sorted.size()) {
            int j = i;
            double sum = 0;
            while (j < sorted.size() && sorted.get(j).cost() == sorted.get(i).cost()) sum += sorted.get(j++).quality();
            merged.add(new Frontier.Point(sorted.get(i).cost(), sum / (j - i), sorted.get(i).label()));
            i = j;
        }
        return merged;
    }
}
