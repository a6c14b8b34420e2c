package dev.thinkroute.learn.predict;

import java.util.Random;

/**
 * RouteLLM-style matrix factorisation over many arms: logit(q, a) = w_a · (P x_q) + b_a. RouteLLM's MF router scores
 * a pair of models as w₂ · (v_m ⊙ P x_q); folding the fixed classifier w₂ into each model's vector v_m gives one
 * learned vector per arm, and the per-arm bias takes the place of P's bias. Layout: {@code p[i·d + k]},
 * {@code w[a·d + k]}, so the projection runs as contiguous, vectorisable loops.
 */
final class Mf extends FlatNetwork {

    static final String[] NAMES = {"projection", "arm_vectors", "arm_bias"};

    private final int rank;

    Mf(int inputs, int rank, int arms, float[][] params) {
        super("MF", inputs, arms, params, shapes(inputs, rank, arms), NAMES);
        this.rank = rank;
    }

    static int[] shapes(int inputs, int rank, int arms) {
        return new int[]{inputs * rank, arms * rank, arms};
    }

    /**
     * P with variance 1/inputs, so each latent coordinate of a standardised query starts with unit variance; arm vectors
     * small (0.1/√d), so training starts close to each arm's base rate, which the biases are set to.
     */
    static Mf init(int inputs, int rank, int arms, double[] armMeans, Random rng) {
        float[][] p = {new float[inputs * rank], new float[arms * rank], new float[arms]};
        double sdP = Math.sqrt(1.0 / inputs);
        for (int i = 0; i < p[0].length; i++) p[0][i] = (float) (rng.nextGaussian() * sdP);
        double sdW = 0.1 / Math.sqrt(rank);
        for (int i = 0; i < p[1].length; i++) p[1][i] = (float) (rng.nextGaussian() * sdW);
        for (int a = 0; a < arms; a++) p[2][a] = (float) Bce.logit(armMeans[a]);
        return new Mf(inputs, rank, arms, p);
    }

    int rank() {
        return rank;
    }

    @Override
    int width() {
        return rank;
    }

    @Override
    String[] names() {
        return NAMES;
    }

    @Override
    int[][] tensorShapes() {
        return new int[][]{{inputs, rank}, {arms, rank}, {arms}};
    }

    @Override
    public boolean[] decayed() {
        return new boolean[]{true, true, false};
    }

    @Override
    public int scratchSize() {
        return 2 * rank; // the latent query P x, then the gradient flowing back into it
    }

    @Override
    public int dropoutWidth() {
        return 0;
    }

    @Override
    public void forward(float[] x, int offset, float[] mask, int maskOffset, float[] scratch, double[] logits) {
        float[] p = params[0];
        float[] w = params[1];
        float[] b = params[2];
        int d = rank;
        java.util.Arrays.fill(scratch, 0, d, 0f);
        for (int i = 0; i < inputs; i++) {
            float xi = x[offset + i];
            int base = i * d;
            for (int k = 0; k < d; k++) scratch[k] += xi * p[base + k];
        }
        for (int a = 0; a < arms; a++) {
            double z = b[a];
            int base = a * d;
            for (int k = 0; k < d; k++) z += (double) w[base + k] * scratch[k];
            logits[a] = z;
        }
    }

    @Override
    public void backward(float[] x, int offset, float[] mask, int maskOffset, float[] scratch, double[] dLogits, float[][] g) {
        float[] w = params[1];
        float[] gp = g[0];
        float[] gw = g[1];
        float[] gb = g[2];
        int d = rank;
        java.util.Arrays.fill(scratch, d, 2 * d, 0f);
        for (int a = 0; a < arms; a++) {
            double da = dLogits[a];
            if (da == 0) continue;
            gb[a] += (float) da;
            float fa = (float) da;
            int base = a * d;
            for (int k = 0; k < d; k++) {
                gw[base + k] += fa * scratch[k];
                scratch[d + k] += fa * w[base + k];
            }
        }
        for (int i = 0; i < inputs; i++) {
            float xi = x[offset + i];
            int base = i * d;
            for (int k = 0; k < d; k++) gp[base + k] += xi * scratch[d + k];
        }
    }
}
