package dev.thinkroute.learn.train;

import dev.thinkroute.core.metric.OutcomeMatrix;
import dev.thinkroute.core.route.CostAwarePolicy;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs the policy over a grid of α on predictions for rows whose real outcomes are known, and measures what each α
 * really gives: mean score and mean cost of the chosen arms, and the share of calls per arm. Calibration picks an α
 * from it; reports draw the cost–quality frontier from it.
 */
public final class AlphaSweep {

    /** What one α gives on the rows. */
    public record Point(double alpha, double quality, double meanCost, double[] armShare) {
        public double share(int arm) {
            return armShare[arm];
        }
    }

    private AlphaSweep() {
    }

    /** α = 0, then 240 values spaced evenly in log scale from 1e-4 to 1e2: fine enough that neighbours differ by ~6%. */
    public static double[] defaultGrid() {
        int n = 240;
        double[] grid = new double[n + 1];
        for (int i = 0; i < n; i++) grid[i + 1] = Math.pow(10, -4 + 6.0 * i / (n - 1));
        return grid;
    }

    /**
     * @param predictedQuality per row and arm
     * @param predictedCost    per row and arm
     * @param actual           the real outcomes of the same rows (complete rows)
     */
    public static List<Point> run(double[][] predictedQuality, double[][] predictedCost, OutcomeMatrix actual,
                                  double costScale, double[] grid) {
        List<Point> points = new ArrayList<>(grid.length);
        for (double alpha : grid) points.add(at(alpha, predictedQuality, predictedCost, actual, costScale));
        return points;
    }

    /**
     * {@link #run(double[][], double[][], OutcomeMatrix, double, double[])} where each row has its own cost scale: rows
     * predicted by different models (the folds of cross-validation) are each routed as their model's router would.
     */
    public static List<Point> run(double[][] predictedQuality, double[][] predictedCost, OutcomeMatrix actual,
                                  double[] rowScale, double[] grid) {
        List<Point> points = new ArrayList<>(grid.length);
        for (double alpha : grid) points.add(at(alpha, predictedQuality, predictedCost, actual, rowScale));
        return points;
    }

    public static Point at(double alpha, double[][] predictedQuality, double[][] predictedCost, OutcomeMatrix actual, double costScale) {
        double[] rowScale = new double[actual.size()];
        java.util.Arrays.fill(rowScale, costScale);
        return at(alpha, predictedQuality, predictedCost, actual, rowScale);
    }

    public static Point at(double alpha, double[][] predictedQuality, double[][] predictedCost, OutcomeMatrix actual, double[] rowScale) {
        if (rowScale.length != actual.size()) throw new IllegalArgumentException("one cost scale per row");
        CostAwarePolicy policy = null;
        int n = actual.size();
        int k = actual.armCount();
        double quality = 0, cost = 0;
        double[] shares = new double[k];
        for (int q = 0; q < n; q++) {
            if (policy == null || policy.costScale() != rowScale[q]) policy = new CostAwarePolicy(alpha, rowScale[q]);
            int a = policy.choose(predictedQuality[q], predictedCost[q]);
            quality += actual.score(q, a);
            cost += actual.cost(q, a);
            shares[a]++;
        }
        for (int a = 0; a < k; a++) shares[a] /= Math.max(1, n);
        return new Point(alpha, quality / Math.max(1, n), cost / Math.max(1, n), shares);
    }
}
