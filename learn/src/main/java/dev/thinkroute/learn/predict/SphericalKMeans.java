package dev.thinkroute.learn.predict;

import java.util.Random;

/**
 * Seeded spherical k-means on unit vectors: k-means++ seeding (D² sampling with squared chord distance 2 − 2·cos),
 * then Lloyd iterations that assign each row to its most cosine-similar centroid and re-point each centroid along the
 * normalised sum of its rows, until no assignment changes or the iteration cap.
 *
 * <p>Deterministic whatever the core count: assignments are independent per row (computed in parallel blocks), and
 * every sum is taken sequentially in row order. An emptied cluster is re-seeded on the row farthest from its own
 * centroid (ties: the lower row), so the requested number of clusters survives when there are enough distinct rows.
 */
final class SphericalKMeans {

    /** Rows per parallel block. */
    private static final int BLOCK = 256;

    private SphericalKMeans() {
    }

    /**
     * @param x          unit rows, row-major (n × d)
     * @param d          dimension
     * @param clusters   wanted number of clusters (capped at n)
     * @param iterations cap on Lloyd iterations
     * @return unit centroids, row-major (clusters × d)
     */
    static float[] fit(float[] x, int d, int clusters, int iterations, long seed) {
        int n = x.length / d;
        int c = Math.min(clusters, n);
        float[] centroids = seed(x, d, n, c, new Random(seed));
        int[] assign = new int[n];
        java.util.Arrays.fill(assign, -1);
        float[] best = new float[n];
        for (int it = 0; it < iterations; it++) {
            boolean changed = assign(x, d, n, centroids, c, assign, best);
            if (!changed && it > 0) break;
            update(x, d, n, centroids, c, assign, best);
        }
        return centroids;
    }

    /** k-means++: the first centre uniformly, each next one with probability proportional to its squared distance. */
    private static float[] seed(float[] x, int d, int n, int c, Random rng) {
        float[] centroids = new float[c * d];
        double[] dist = new double[n];
        int first = rng.nextInt(n);
        System.arraycopy(x, first * d, centroids, 0, d);
        for (int i = 0; i < n; i++) dist[i] = chord(dot(x, i * d, centroids, 0, d));
        for (int k = 1; k < c; k++) {
            double total = 0;
            for (double v : dist) total += v;
            int pick;
            if (total <= 0) {
                pick = rng.nextInt(n); // every row coincides with a centre already
            } else {
                double r = rng.nextDouble() * total;
                pick = n - 1;
                double acc = 0;
                for (int i = 0; i < n; i++) {
                    acc += dist[i];
                    if (acc > r && dist[i] > 0) {
                        pick = i;
                        break;
                    }
                }
            }
            System.arraycopy(x, pick * d, centroids, k * d, d);
            for (int i = 0; i < n; i++) dist[i] = Math.min(dist[i], chord(dot(x, i * d, centroids, k * d, d)));
        }
        return centroids;
    }

    private static double chord(double cos) {
        return Math.max(0, 2 - 2 * cos);
    }

    /** Nearest centroid of every row into {@code assign} (its similarity into {@code best}); whether any changed. */
    private static boolean assign(float[] x, int d, int n, float[] centroids, int c, int[] assign, float[] best) {
        int blocks = (n + BLOCK - 1) / BLOCK;
        boolean[] changed = new boolean[blocks];
        GradientFit.parallel(blocks, blk -> {
            for (int i = blk * BLOCK; i < Math.min(n, (blk + 1) * BLOCK); i++) {
                int arg = nearest(x, i * d, centroids, c, d, best, i);
                if (arg != assign[i]) {
                    assign[i] = arg;
                    changed[blk] = true;
                }
            }
        });
        for (boolean b : changed) if (b) return true;
        return false;
    }

    /** Index of the centroid most similar to row at {@code offset} (ties: the lower index); its similarity into {@code best[slot]}. */
    static int nearest(float[] x, int offset, float[] centroids, int c, int d, float[] best, int slot) {
        int arg = 0;
        float top = Float.NEGATIVE_INFINITY;
        for (int k = 0; k < c; k++) {
            float s = dot(x, offset, centroids, k * d, d);
            if (s > top) {
                top = s;
                arg = k;
            }
        }
        if (best != null) best[slot] = top;
        return arg;
    }

    private static void update(float[] x, int d, int n, float[] centroids, int c, int[] assign, float[] best) {
        double[] sum = new double[c * d];
        int[] count = new int[c];
        for (int i = 0; i < n; i++) {
            int k = assign[i];
            count[k]++;
            for (int j = 0; j < d; j++) sum[k * d + j] += x[i * d + j];
        }
        boolean[] taken = new boolean[n];
        for (int k = 0; k < c; k++) {
            if (count[k] > 0) {
                double sq = 0;
                for (int j = 0; j < d; j++) sq += sum[k * d + j] * sum[k * d + j];
                double norm = Math.sqrt(sq);
                if (norm > 0) {
                    for (int j = 0; j < d; j++) centroids[k * d + j] = (float) (sum[k * d + j] / norm);
                    continue;
                }
            }
            // Empty (or its rows cancel out): move it onto the row its centroid fits worst.
            int worst = -1;
            for (int i = 0; i < n; i++) if (!taken[i] && (worst < 0 || best[i] < best[worst])) worst = i;
            if (worst < 0) continue;
            taken[worst] = true;
            best[worst] = Float.POSITIVE_INFINITY;
            System.arraycopy(x, worst * d, centroids, k * d, d);
        }
    }

    /** Four independent float sums in a fixed order, as {@link KnnModel} does. */
    static float dot(float[] a, int ao, float[] b, int bo, int d) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 3 < d; i += 4) {
            s0 += a[ao + i] * b[bo + i];
            s1 += a[ao + i + 1] * b[bo + i + 1];
            s2 += a[ao + i + 2] * b[bo + i + 2];
            s3 += a[ao + i + 3] * b[bo + i + 3];
        }
        for (; i < d; i++) s0 += a[ao + i] * b[bo + i];
        return (s0 + s1) + (s2 + s3);
    }
}
