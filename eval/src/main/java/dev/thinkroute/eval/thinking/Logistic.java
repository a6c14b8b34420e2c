package dev.thinkroute.eval.thinking;

/**
 * L2-regularised logistic regression fitted by Newton's method (iteratively reweighted least squares) on
 * standardised inputs; the intercept is not penalised. Deterministic, no tuning beyond λ.
 *
 * @param mean  per-input mean of the training rows
 * @param scale per-input standard deviation (1 where constant)
 * @param w     weights on the standardised inputs
 * @param b     intercept
 */
public record Logistic(double[] mean, double[] scale, double[] w, double b, double lambda) {

    /** Fits P(y = 1 | x). */
    public static Logistic fit(double[][] x, double[] y, double lambda) {
        int n = x.length;
        if (n == 0) throw new IllegalArgumentException("no rows to fit");
        int d = x[0].length;
        double[] mean = new double[d], scale = new double[d];
        for (double[] r : x) for (int j = 0; j < d; j++) mean[j] += r[j];
        for (int j = 0; j < d; j++) mean[j] /= n;
        for (double[] r : x) for (int j = 0; j < d; j++) scale[j] += (r[j] - mean[j]) * (r[j] - mean[j]);
        for (int j = 0; j < d; j++) {
            scale[j] = Math.sqrt(scale[j] / n);
            if (!(scale[j] > 1e-12)) scale[j] = 1;
        }
        int p = d + 1; // last = intercept
        double[][] z = new double[n][p];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) z[i][j] = (x[i][j] - mean[j]) / scale[j];
            z[i][d] = 1;
        }
        double[] beta = new double[p];
        double ybar = 0;
        for (double v : y) ybar += v;
        ybar = Math.clamp(ybar / n, 1e-6, 1 - 1e-6);
        beta[d] = Math.log(ybar / (1 - ybar));
        double[] prob = new double[n];
        for (int iter = 0; iter < 50; iter++) {
            double[] g = new double[p];
            double[][] h = new double[p][p];
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int j = 0; j < p; j++) s += z[i][j] * beta[j];
                prob[i] = sigmoid(s);
                double r = prob[i] - y[i];
                double wt = Math.max(prob[i] * (1 - prob[i]), 1e-10);
                double[] zi = z[i];
                for (int j = 0; j < p; j++) {
                    g[j] += zi[j] * r;
                    double a = wt * zi[j];
                    double[] hj = h[j];
                    for (int k = 0; k <= j; k++) hj[k] += a * zi[k];
                }
            }
            for (int j = 0; j < p; j++) for (int k = 0; k < j; k++) h[k][j] = h[j][k];
            for (int j = 0; j < d; j++) {
                g[j] += lambda * beta[j];
                h[j][j] += lambda;
            }
            h[d][d] += 1e-8;
            double[] step = solve(h, g);
            double max = 0;
            for (int j = 0; j < p; j++) {
                beta[j] -= step[j];
                max = Math.max(max, Math.abs(step[j]));
            }
            if (max < 1e-7) break;
        }
        double[] w = java.util.Arrays.copyOf(beta, d);
        return new Logistic(mean, scale, w, beta[d], lambda);
    }

    public double predict(double[] x) {
        double s = b;
        for (int j = 0; j < w.length; j++) s += w[j] * (x[j] - mean[j]) / scale[j];
        return sigmoid(s);
    }

    static double sigmoid(double s) {
        return s >= 0 ? 1 / (1 + Math.exp(-s)) : Math.exp(s) / (1 + Math.exp(s));
    }

    /** Solves the symmetric positive-definite system {@code a·x = b} by Cholesky. */
    static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        double[][] l = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i][j];
                double[] li = l[i], lj = l[j];
                for (int k = 0; k < j; k++) s -= li[k] * lj[k];
                if (i == j) l[i][i] = Math.sqrt(Math.max(s, 1e-12));
                else l[i][j] = s / l[j][j];
            }
        }
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double s = b[i];
            for (int k = 0; k < i; k++) s -= l[i][k] * y[k];
            y[i] = s / l[i][i];
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double s = y[i];
            for (int k = i + 1; k < n; k++) s -= l[k][i] * x[k];
            x[i] = s / l[i][i];
        }
        return x;
    }

    /** Mean binary cross-entropy of predictions {@code p} against {@code y}. */
    public static double logLoss(double[] p, double[] y) {
        double s = 0;
        for (int i = 0; i < p.length; i++) {
            double q = Math.clamp(p[i], 1e-9, 1 - 1e-9);
            s -= y[i] * Math.log(q) + (1 - y[i]) * Math.log(1 - q);
        }
        return s / Math.max(1, p.length);
    }

    /** Area under the ROC curve of scores {@code p} for labels {@code y} (ties count half); NaN with one class. */
    public static double auc(double[] p, double[] y) {
        Integer[] idx = new Integer[p.length];
        for (int i = 0; i < p.length; i++) idx[i] = i;
        java.util.Arrays.sort(idx, (a, c) -> Double.compare(p[a], p[c]));
        double rankSumPos = 0;
        long pos = 0;
        int i = 0;
        while (i < idx.length) {
            int j = i;
            while (j < idx.length && p[idx[j]] == p[idx[i]]) j++;
            double rank = (i + 1 + j) / 2.0;
            for (int k = i; k < j; k++) if (y[idx[k]] > 0.5) {
                rankSumPos += rank;
                pos++;
            }
            i = j;
        }
        long neg = p.length - pos;
        if (pos == 0 || neg == 0) return Double.NaN;
        return (rankSumPos - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }
}
