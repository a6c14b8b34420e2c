package dev.thinkroute.core.metric;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What one router (or one setting of it) did on an outcome table: one chosen arm per row, summed up.
 *
 * <p>Missing cells: a row counts only when its choice is an arm ({@code >= 0}) and the chosen cell has both a score
 * and a cost, so accuracy and cost are means over the same rows; every other row is {@link #skipped()}. Token means
 * are over the counted rows whose token cell is known (tokens can be missing where score and cost are not).
 * Two routers are comparable only on the same rows: evaluate on {@link OutcomeMatrix#completeRows()}.
 * With no counted row every mean and share is {@code NaN}.
 *
 * @param counted          rows that count
 * @param skipped          rows without a choice ({@code -1}) or whose chosen cell lacks a score or a cost
 * @param accuracy         mean score of the chosen cells
 * @param meanCost         mean cost of the chosen cells, USD per query
 * @param meanInputTokens  mean prompt tokens of the chosen cells
 * @param meanOutputTokens mean generated tokens (reasoning included) of the chosen cells
 * @param armShare         share of counted rows sent to each arm, in the table's arm order (cheapest first)
 * @param strongShare      share sent to the most expensive arm (the last one), RouteLLM's "strong model calls"
 * @param thinkingShare    share sent to arms whose thinking setting reasons (the design's "thinking rate")
 */
public record RouterRun(int counted, int skipped, double accuracy, double meanCost, double meanInputTokens,
                        double meanOutputTokens, List<Double> armShare, double strongShare, double thinkingShare) {

    public RouterRun {
        armShare = List.copyOf(armShare);
    }

    /**
     * Sums up a router's choices.
     *
     * @param choice the chosen arm index per row of {@code m}; {@code -1} where the router made no choice
     * @throws IllegalArgumentException when the choices do not match the rows, or name an arm the table lacks
     */
    public static RouterRun of(OutcomeMatrix m, int[] choice) {
        if (choice.length != m.size()) {
            throw new IllegalArgumentException("need one choice per row: " + choice.length + " choices for " + m.size() + " rows");
        }
        int k = m.armCount();
        int[] perArm = new int[k];
        int counted = 0, inCount = 0, outCount = 0;
        double score = 0, cost = 0, in = 0, out = 0;
        for (int q = 0; q < choice.length; q++) {
            int a = choice[q];
            if (a >= k || a < -1) {
                throw new IllegalArgumentException("row " + q + " chooses arm " + a + " but the table has arms 0.." + (k - 1));
            }
            if (a < 0 || Double.isNaN(m.score(q, a)) || Double.isNaN(m.cost(q, a))) continue;
            counted++;
            perArm[a]++;
            score += m.score(q, a);
            cost += m.cost(q, a);
            if (!Double.isNaN(m.inputTokens(q, a))) {
                in += m.inputTokens(q, a);
                inCount++;
            }
            if (!Double.isNaN(m.outputTokens(q, a))) {
                out += m.outputTokens(q, a);
                outCount++;
            }
        }
        List<Double> share = new ArrayList<>(k);
        double thinking = 0;
        for (int a = 0; a < k; a++) {
            double s = ratio(perArm[a], counted);
            share.add(s);
            if (m.arms().get(a).thinking().thinks()) thinking += s;
        }
        double strong = k == 0 ? Double.NaN : share.get(k - 1);
        return new RouterRun(counted, choice.length - counted, ratio(score, counted), ratio(cost, counted),
                ratio(in, inCount), ratio(out, outCount), Collections.unmodifiableList(share), strong,
                counted == 0 ? Double.NaN : thinking);
    }

    /** This run as a point of the cost–quality plane (mean cost, accuracy). */
    public Frontier.Point point(String label) {
        return new Frontier.Point(meanCost, accuracy, label);
    }

    private static double ratio(double sum, int n) {
        return n == 0 ? Double.NaN : sum / n;
    }
}
