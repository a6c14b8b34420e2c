package dev.thinkroute.learn.predict;

import java.util.Random;

/**
 * Seeded synthetic data for the predictor tests: unit vectors scattered around two centres A and B in a small
 * dimension, arm 0 scoring 1 on A and 0 on B, arm 1 the reverse.
 */
final class Clusters {

    static final int DIM = 16;

    final float[] a;
    final float[] b;
    private final Random rng;

    Clusters(long seed) {
        rng = new Random(seed);
        a = randomUnit();
        float[] bb;
        do {
            bb = randomUnit();
        } while (dot(a, bb) > 0); // well apart
        b = bb;
    }

    /** {@code perCluster} rows around each centre, alternating A, B; arm 0 = 1 on A, arm 1 = 1 on B. */
    TrainingSet twoArms(int perCluster) {
        float[][] x = new float[2 * perCluster][];
        double[][] y = new double[2 * perCluster][];
        for (int i = 0; i < perCluster; i++) {
            x[2 * i] = near(a, 0.3);
            y[2 * i] = new double[]{1, 0};
            x[2 * i + 1] = near(b, 0.3);
            y[2 * i + 1] = new double[]{0, 1};
        }
        return new TrainingSet(x, y);
    }

    /** Like {@link #twoArms}, but arm 1 is never observed on cluster A. */
    TrainingSet twoArmsWithoutArm1OnA(int perCluster) {
        TrainingSet s = twoArms(perCluster);
        for (int i = 0; i < s.size(); i += 2) s.y()[i][1] = Double.NaN;
        return s;
    }

    /** A point close to {@code centre}. */
    float[] near(float[] centre, double noise) {
        float[] v = new float[DIM];
        for (int i = 0; i < DIM; i++) v[i] = (float) (centre[i] + noise * rng.nextGaussian() / Math.sqrt(DIM));
        return unit(v);
    }

    float[] randomUnit() {
        float[] v = new float[DIM];
        for (int i = 0; i < DIM; i++) v[i] = (float) rng.nextGaussian();
        return unit(v);
    }

    Random rng() {
        return rng;
    }

    static float[] unit(float[] v) {
        double s = 0;
        for (float f : v) s += f * f;
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) out[i] = (float) (v[i] / Math.sqrt(s));
        return out;
    }

    static double dot(float[] u, float[] v) {
        double s = 0;
        for (int i = 0; i < u.length; i++) s += u[i] * v[i];
        return s;
    }

    /** Mean binary cross-entropy of {@code model} over the scored cells of {@code set}, from its predicted probabilities. */
    static double meanBce(QualityModel model, TrainingSet set) {
        double sum = 0;
        int n = 0;
        for (int r = 0; r < set.size(); r++) {
            double[] p = model.predict(set.x()[r]);
            for (int a = 0; a < p.length; a++) {
                double y = set.y()[r][a];
                if (Double.isNaN(y)) continue;
                sum -= y * Math.log(p[a]) + (1 - y) * Math.log1p(-p[a]);
                n++;
            }
        }
        return sum / n;
    }
}
