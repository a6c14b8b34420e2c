package dev.thinkroute.learn.train;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/** Seeded k-fold splits of row indices. */
public final class Folds {

    private Folds() {
    }

    /**
     * Splits rows 0..n-1 into {@code k} folds of near-equal size after a seeded shuffle; fold {@code i} is the test
     * part of split {@code i}. The same (n, k, seed) always gives the same folds.
     */
    public static int[][] kFold(int n, int k, long seed) {
        if (k < 2) throw new IllegalArgumentException("k-fold needs at least 2 folds, got " + k);
        if (n < k) throw new IllegalArgumentException("k-fold with " + k + " folds needs at least " + k + " rows, got " + n);
        int[] order = shuffled(n, seed);
        int[][] folds = new int[k][];
        for (int f = 0; f < k; f++) {
            int from = (int) ((long) n * f / k), to = (int) ((long) n * (f + 1) / k);
            folds[f] = java.util.Arrays.copyOfRange(order, from, to);
            java.util.Arrays.sort(folds[f]);
        }
        return folds;
    }

    /** Every row not in {@code fold}, ascending. */
    public static int[] complement(int n, int[] fold) {
        boolean[] out = new boolean[n];
        for (int i : fold) out[i] = true;
        return IntStream.range(0, n).filter(i -> !out[i]).toArray();
    }

    /** A seeded split: {@code [train rows, test rows]} with about {@code testFraction} of rows in test. */
    public static int[][] split(int n, double testFraction, long seed) {
        if (!(testFraction > 0 && testFraction < 1)) throw new IllegalArgumentException("test fraction must be in (0, 1), got " + testFraction);
        if (n < 2) throw new IllegalArgumentException("a train/test split needs at least 2 rows, got " + n);
        int[] order = shuffled(n, seed);
        // At least one row on each side: an empty side makes every metric NaN or leaves nothing to fit.
        int testSize = (int) Math.clamp(Math.round(n * testFraction), 1, n - 1);
        int[] test = java.util.Arrays.copyOfRange(order, 0, testSize);
        int[] train = java.util.Arrays.copyOfRange(order, testSize, n);
        java.util.Arrays.sort(test);
        java.util.Arrays.sort(train);
        return new int[][]{train, test};
    }

    private static int[] shuffled(int n, long seed) {
        List<Integer> idx = new ArrayList<>(IntStream.range(0, n).boxed().toList());
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            Integer t = idx.get(i);
            idx.set(i, idx.get(j));
            idx.set(j, t);
        }
        return idx.stream().mapToInt(Integer::intValue).toArray();
    }
}
