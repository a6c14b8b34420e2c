package dev.thinkroute.learn.predict;

import java.util.Arrays;
import java.util.Random;

/** Checks and splits that every trainer in this package applies the same way. */
final class TrainingData {

    /** Share of {@code train} held out, when no validation set is given, to choose hyper-parameters and stop early. */
    static final double HOLDOUT_SHARE = 0.15;

    /**
     * The rows a trainer fits on and the rows it monitors (chooses and stops on).
     *
     * @param source  where {@code monitor} came from, for the hyper-parameter report
     */
    record Split(TrainingSet fit, TrainingSet monitor, String source) {
    }

    private TrainingData() {
    }

    /** Fails with a message naming the problem if the sets cannot be trained on. */
    static void check(TrainingSet train, TrainingSet validation) {
        if (train == null) throw new IllegalArgumentException("training set is null");
        if (train.size() == 0) throw new IllegalArgumentException("training set is empty");
        if (train.armCount() == 0) throw new IllegalArgumentException("training set has no arms (y rows are empty)");
        if (train.dimension() == 0) throw new IllegalArgumentException("training set has empty embeddings");
        checkRows("training set", train, train.dimension(), train.armCount());
        if (observedCells(train) == 0) throw new IllegalArgumentException("training set has no observed score (every cell is NaN)");
        if (validation != null) checkRows("validation set", validation, train.dimension(), train.armCount());
    }

    private static void checkRows(String what, TrainingSet set, int dim, int arms) {
        for (int r = 0; r < set.size(); r++) {
            float[] x = set.x()[r];
            double[] y = set.y()[r];
            if (x == null || x.length != dim) {
                throw new IllegalArgumentException(what + " row " + r + ": embedding has " + (x == null ? "no" : x.length) + " dimensions, expected " + dim);
            }
            if (y == null || y.length != arms) {
                throw new IllegalArgumentException(what + " row " + r + ": has " + (y == null ? "no" : y.length) + " arm scores, expected " + arms);
            }
            for (float v : x) if (!Float.isFinite(v)) throw new IllegalArgumentException(what + " row " + r + ": embedding has a non-finite value");
            for (int a = 0; a < arms; a++) {
                double v = y[a];
                if (!Double.isNaN(v) && !(v >= 0 && v <= 1)) {
                    throw new IllegalArgumentException(what + " row " + r + " arm " + a + ": score " + v + " is outside [0, 1] (use NaN for unobserved)");
                }
            }
        }
    }

    /**
     * The given validation set, or a seeded {@link #HOLDOUT_SHARE} of {@code train} (at least one row) when it is null.
     * When there is nothing to monitor (a validation set without any score, a single training row, a held-out part
     * without any score) the trainer monitors its own training rows, so choices and early stopping still end.
     */
    static Split split(TrainingSet train, TrainingSet validation, long seed) {
        if (validation != null) {
            if (observedCells(validation) > 0) return new Split(train, validation, "given");
            return new Split(train, train, "the training rows (the validation set has no score)");
        }
        int n = train.size();
        if (n < 2) return new Split(train, train, "the training rows (too few to hold any out)");
        int held = Math.clamp(Math.round(n * HOLDOUT_SHARE), 1, n - 1);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        shuffle(order, new Random(derive(seed, 1)));
        int[] monitor = Arrays.copyOf(order, held);
        int[] fit = Arrays.copyOfRange(order, held, n);
        // Original order, so the split depends only on which rows were drawn, and ties (kNN) break the same way.
        Arrays.sort(monitor);
        Arrays.sort(fit);
        TrainingSet heldOut = train.rows(monitor);
        TrainingSet rest = train.rows(fit);
        if (observedCells(heldOut) == 0 || observedCells(rest) == 0) {
            return new Split(train, train, "the training rows (the held-out part had no score)");
        }
        return new Split(rest, heldOut, "held out " + Math.round(HOLDOUT_SHARE * 100) + "% of train (seeded)");
    }

    /**
     * An independent seed for one use of {@code seed} (the split, the initial weights, the batch order), so that these
     * streams do not overlap. SplitMix64's finaliser.
     */
    static long derive(long seed, long salt) {
        long z = seed + salt * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Fisher–Yates with {@link Random}, whose sequence the JDK specifies: the same seed shuffles alike on every JVM. */
    static void shuffle(int[] a, Random rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    static long observedCells(TrainingSet set) {
        long c = 0;
        for (double[] row : set.y()) for (double v : row) if (!Double.isNaN(v)) c++;
        return c;
    }

    /** Mean observed score of each arm; 0.5 (no information) for an arm never observed. */
    static double[] armMeans(TrainingSet set) {
        int arms = set.armCount();
        double[] sum = new double[arms];
        int[] count = new int[arms];
        for (double[] row : set.y()) {
            for (int a = 0; a < arms; a++) {
                if (!Double.isNaN(row[a])) {
                    sum[a] += row[a];
                    count[a]++;
                }
            }
        }
        double[] mean = new double[arms];
        for (int a = 0; a < arms; a++) mean[a] = count[a] == 0 ? 0.5 : sum[a] / count[a];
        return mean;
    }

    /** Rows of {@code set} as one row-major matrix, after {@code standardizer}. */
    static float[] flatX(TrainingSet set, Standardizer standardizer) {
        int d = set.dimension();
        float[] out = new float[set.size() * d];
        float[] row = new float[d];
        for (int r = 0; r < set.size(); r++) {
            standardizer.apply(set.x()[r], row);
            System.arraycopy(row, 0, out, r * d, d);
        }
        return out;
    }

    static double[] flatY(TrainingSet set) {
        int arms = set.armCount();
        double[] out = new double[set.size() * arms];
        for (int r = 0; r < set.size(); r++) System.arraycopy(set.y()[r], 0, out, r * arms, arms);
        return out;
    }
}
