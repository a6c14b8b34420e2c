package dev.thinkroute.learn.predict;

import java.util.Objects;

/**
 * Rows to learn from: one embedding per query and the observed score of each arm ({@code NaN} where that arm was not
 * observed for that query; trainers skip such cells).
 *
 * @param x embeddings, one per row, all the same length
 * @param y scores in [0, 1], {@code y[row][arm]}
 */
public record TrainingSet(float[][] x, double[][] y) {
    public TrainingSet {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(y, "y");
        if (x.length != y.length) throw new IllegalArgumentException("x has " + x.length + " rows but y has " + y.length);
    }

    public int size() {
        return x.length;
    }

    public int armCount() {
        return y.length == 0 ? 0 : y[0].length;
    }

    public int dimension() {
        return x.length == 0 ? 0 : x[0].length;
    }

    /** The given rows, in that order. */
    public TrainingSet rows(int[] rows) {
        float[][] xs = new float[rows.length][];
        double[][] ys = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            xs[i] = x[rows[i]];
            ys[i] = y[rows[i]];
        }
        return new TrainingSet(xs, ys);
    }
}
