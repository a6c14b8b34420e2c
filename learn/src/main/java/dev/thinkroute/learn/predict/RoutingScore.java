package dev.thinkroute.learn.predict;

import java.util.Arrays;
import java.util.Locale;

/**
 * How well predictions on validation rows would route, measured without knowing the arms' costs (a trainer sees only
 * scores). The cost-aware policy picks argmax q̂ − α·ĉ; between any two arms a (cheaper) and b, as α falls it sends
 * queries to b in the order of their predicted gain q̂_b − q̂_a, so the frontier between the two is the curve of
 * quality against the share sent to b in that order. This scores that curve for every pair of arms, whichever is the
 * cheaper, by its area above random routing (the straight line between always-a and always-b), and averages over the
 * pairs. Predictions that tie (a cluster's queries) are taken as one step, the straight line across the tie, as the
 * sweep's frontier does. A ranking criterion, unlike the squared error: it rewards getting the order of the gains
 * right across queries, which is what routing uses, and not the absolute level of each estimate.
 */
final class RoutingScore {

    /** How a trainer chooses among candidate hyper-parameters. */
    enum Selection {
        /** Mean squared error of the per-arm predictions over the scored cells (lower is better). */
        BRIER,
        /** {@link RoutingScore#pairwise}: the mean area above random of the two-arm routing curves (higher is better). */
        ROUTING;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Selection of(String label) {
            for (Selection s : values()) if (s.label().equals(label)) return s;
            throw new IllegalArgumentException("unknown selection '" + label + "' (known: brier, routing)");
        }

        /** The criterion as a loss: lower is better for both. */
        double loss(double[][] predicted, double[][] actual) {
            return this == BRIER ? brier(predicted, actual) : -pairwise(predicted, actual);
        }

        String describe() {
            return this == BRIER
                    ? "mean squared error of per-arm predictions on validation"
                    : "routing: mean over arm pairs of the area above random of the validation quality-vs-share curve";
        }
    }

    private RoutingScore() {
    }

    /** Mean squared error over the cells of {@code actual} that have a score; NaN when none has. */
    static double brier(double[][] predicted, double[][] actual) {
        double sse = 0;
        long cells = 0;
        for (int r = 0; r < actual.length; r++) {
            for (int a = 0; a < actual[r].length; a++) {
                double y = actual[r][a];
                if (Double.isNaN(y)) continue;
                double e = predicted[r][a] - y;
                sse += e * e;
                cells++;
            }
        }
        return cells == 0 ? Double.NaN : sse / cells;
    }

    /**
     * Mean over arm pairs (a, b) of ∫₀¹ Q(s) ds − (Q(0) + Q(1))/2, where Q(s) is the mean score when the share s of the
     * rows with the largest predicted gain q̂_b − q̂_a go to b and the rest to a; only rows with both arms scored count.
     * 0 for a single arm or no such rows; at most 1/8 per pair.
     */
    static double pairwise(double[][] predicted, double[][] actual) {
        int n = actual.length;
        int arms = n == 0 ? 0 : actual[0].length;
        double total = 0;
        int pairs = 0;
        long[] keys = new long[n];
        double[] gain = new double[n];
        double[] predictedGain = new double[n];
        for (int a = 0; a < arms; a++) {
            for (int b = a + 1; b < arms; b++) {
                int m = 0;
                for (int r = 0; r < n; r++) {
                    if (Double.isNaN(actual[r][a]) || Double.isNaN(actual[r][b])) continue;
                    gain[m] = actual[r][b] - actual[r][a];
                    predictedGain[m] = predicted[r][b] - predicted[r][a];
                    m++;
                }
                pairs++;
                if (m == 0) continue;
                total += area(gain, predictedGain, m, keys);
            }
        }
        return pairs == 0 ? 0 : total / pairs;
    }

    /** The area above the chord of the cumulative-gain curve, rows taken by descending predicted gain, ties as one step. */
    private static double area(double[] gain, double[] predictedGain, int m, long[] keys) {
        Integer[] order = new Integer[m];
        for (int i = 0; i < m; i++) order[i] = i;
        Arrays.sort(order, (i, j) -> Double.compare(predictedGain[j], predictedGain[i]));
        double cumulative = 0; // Σ gain so far, over m: the curve's height above always-a
        double integral = 0;
        int i = 0;
        while (i < m) {
            int j = i;
            double step = 0;
            while (j < m && predictedGain[order[j]] == predictedGain[order[i]]) step += gain[order[j++]];
            double width = (double) (j - i) / m;
            double next = cumulative + step / m;
            integral += width * (cumulative + next) / 2;
            cumulative = next;
            i = j;
        }
        return integral - cumulative / 2;
    }
}
