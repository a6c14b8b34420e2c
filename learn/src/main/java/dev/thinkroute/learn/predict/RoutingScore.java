package dev.thinkroute.learn.predict;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How trainers compare candidate hyper-parameters on validation rows, and the rule that picks one.
 *
 * <p>Two criteria. {@link Criterion#BRIER}: the mean squared error of the per-arm predictions over the scored cells.
 * {@link Criterion#ROUTING}: how well the predictions would route, measured without the arms' costs (a trainer sees only
 * scores). The cost-aware policy picks argmax q̂ − α·ĉ; between any two arms a and b, as α moves it sends queries to
 * the dearer one in the order of their predicted gain, so the frontier between the two is the curve of quality
 * against the share sent to b in the order of q̂_b − q̂_a. The criterion scores that curve, for every pair of arms, by
 * its area above random routing (the straight line between always-a and always-b), averaged over the pairs; ties in
 * the prediction (a cluster's queries) count as one straight step, as on the sweep's frontier. It rewards ordering the
 * gains right across queries, which is what routing uses, not the level of each estimate.
 *
 * <p>Both are means of per-row terms (for ROUTING, each row's gain times its distance from the middle of the
 * predicted order), so two candidates can be compared row by row, and the rule can allow for the noise of a
 * validation set: {@link Rule#ONE_STANDARD_ERROR} keeps the smoothest candidate whose loss is within one standard
 * error of the best one's (Breiman et al.'s one-standard-error rule), for data where the queries routed later may
 * differ from the training ones and smooth predictors hold up better. Measured on the LLMRouter, RouteLLM and OpenAI
 * tables, neither the routing criterion nor the rule chose better than the squared error with the plain best, so the
 * trainers default to those; both stay available in their configs.
 */
final class RoutingScore {

    /** What is measured on validation rows. */
    enum Criterion {
        BRIER, ROUTING;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Criterion of(String label) {
            for (Criterion c : values()) if (c.label().equals(label)) return c;
            throw new IllegalArgumentException("unknown selection criterion '" + label + "' (known: brier, routing)");
        }

        String describe() {
            return this == BRIER
                    ? "mean squared error of the per-arm predictions"
                    : "routing: mean over arm pairs of the area above random of the quality-vs-share curve, as a loss (negated)";
        }

        /** Per-row losses whose mean is the criterion as a loss (lower is better). */
        double[] rowLosses(double[][] predicted, double[][] actual) {
            return this == BRIER ? brierRows(predicted, actual) : routingRows(predicted, actual);
        }
    }

    /** How one candidate is picked from the losses. */
    enum Rule {
        /** The lowest mean loss (on a tie, the earlier candidate). */
        BEST,
        /** The first candidate (smoothest first) whose mean loss is within one standard error of the best one's. */
        ONE_STANDARD_ERROR;

        String label() {
            return this == BEST ? "best" : "one-standard-error";
        }

        static Rule of(String label) {
            for (Rule r : values()) if (r.label().equals(label)) return r;
            throw new IllegalArgumentException("unknown selection rule '" + label + "' (known: best, one-standard-error)");
        }
    }

    /**
     * @param index     the chosen candidate
     * @param best      the candidate with the lowest mean loss
     * @param losses    each candidate's mean loss
     * @param tolerance how far above the best loss a candidate could be and still be chosen (0 for {@link Rule#BEST})
     */
    record Choice(int index, int best, double[] losses, double tolerance) {
    }

    private RoutingScore() {
    }

    /**
     * Picks one of the candidates, given each one's per-row losses (the same rows for all), listed smoothest first.
     */
    static Choice choose(List<double[]> rowLosses, Rule rule) {
        int k = rowLosses.size();
        if (k == 0) throw new IllegalArgumentException("no candidate to choose from");
        double[] mean = new double[k];
        int best = 0;
        for (int c = 0; c < k; c++) {
            mean[c] = mean(rowLosses.get(c));
            if (mean[c] < mean[best] || Double.isNaN(mean[best])) best = c;
        }
        if (rule == Rule.BEST) return new Choice(best, best, mean, 0);
        double[] b = rowLosses.get(best);
        for (int c = 0; c < k; c++) {
            if (c == best) return new Choice(best, best, mean, 0);
            double se = standardError(rowLosses.get(c), b);
            if (mean[c] <= mean[best] + se) return new Choice(c, best, mean, se);
        }
        throw new AssertionError("the best candidate is always reached");
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) s += x;
        return v.length == 0 ? Double.NaN : s / v.length;
    }

    /** Standard error of the mean of the row-by-row difference a − b. */
    static double standardError(double[] a, double[] b) {
        int n = a.length;
        if (n < 2) return 0;
        double m = 0;
        for (int i = 0; i < n; i++) m += a[i] - b[i];
        m /= n;
        double ss = 0;
        for (int i = 0; i < n; i++) {
            double d = a[i] - b[i] - m;
            ss += d * d;
        }
        return Math.sqrt(ss / (n - 1) / n);
    }

    /** Mean squared error over the cells of {@code actual} that have a score; NaN when none has. */
    static double brier(double[][] predicted, double[][] actual) {
        return mean(brierRows(predicted, actual));
    }

    /** Per row, its squared errors scaled so that the mean over rows is the mean over scored cells. */
    static double[] brierRows(double[][] predicted, double[][] actual) {
        int n = actual.length;
        double[] out = new double[n];
        long cells = 0;
        for (int r = 0; r < n; r++) {
            for (int a = 0; a < actual[r].length; a++) {
                double y = actual[r][a];
                if (Double.isNaN(y)) continue;
                double e = predicted[r][a] - y;
                out[r] += e * e;
                cells++;
            }
        }
        if (cells == 0) {
            Arrays.fill(out, Double.NaN);
            return out;
        }
        double scale = (double) n / cells;
        for (int r = 0; r < n; r++) out[r] *= scale;
        return out;
    }

    /**
     * Mean over arm pairs (a, b) of ∫₀¹ Q(s) ds − (Q(0) + Q(1))/2, where Q(s) is the mean score when the share s of the
     * rows with the largest predicted gain q̂_b − q̂_a go to b and the rest to a; only rows with both arms scored count.
     * 0 for a single arm or no such rows; at most 1/8 per pair.
     */
    static double pairwise(double[][] predicted, double[][] actual) {
        return -mean(routingRows(predicted, actual));
    }

    /**
     * Per row, minus its share of {@link #pairwise}: for each pair, a row with gain g at mid-rank position p ∈ (0, 1)
     * of the predicted order (descending) adds g·(½ − p)/n to the pair's area; averaged over pairs, times the number
     * of rows so that the mean over rows is the criterion.
     */
    static double[] routingRows(double[][] predicted, double[][] actual) {
        int n = actual.length;
        int arms = n == 0 ? 0 : actual[0].length;
        double[] out = new double[n];
        if (arms < 2) return out;
        int[] rows = new int[n];
        double[] gain = new double[n];
        double[] predictedGain = new double[n];
        Integer[] order = new Integer[n];
        int pairs = arms * (arms - 1) / 2;
        for (int a = 0; a < arms; a++) {
            for (int b = a + 1; b < arms; b++) {
                int m = 0;
                for (int r = 0; r < n; r++) {
                    if (Double.isNaN(actual[r][a]) || Double.isNaN(actual[r][b])) continue;
                    rows[m] = r;
                    gain[m] = actual[r][b] - actual[r][a];
                    predictedGain[m] = predicted[r][b] - predicted[r][a];
                    order[m] = m;
                    m++;
                }
                if (m == 0) continue;
                Arrays.sort(order, 0, m, (i, j) -> Double.compare(predictedGain[j], predictedGain[i]));
                int i = 0;
                while (i < m) {
                    int j = i;
                    while (j < m && predictedGain[order[j]] == predictedGain[order[i]]) j++;
                    double position = (i + (j - i) / 2.0) / m;
                    for (int t = i; t < j; t++) {
                        int row = order[t];
                        out[rows[row]] -= gain[row] * (0.5 - position) / m * n / pairs;
                    }
                    i = j;
                }
            }
        }
        return out;
    }
}
