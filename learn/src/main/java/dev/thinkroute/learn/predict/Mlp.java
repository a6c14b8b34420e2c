package dev.thinkroute.learn.predict;

import java.util.Random;

/**
 * One hidden ReLU layer (inverted dropout on it while training) and one logit per arm; with no hidden units, per-arm
 * logistic regression. Weight layout: {@code w1[i·H + j]}, {@code w2[j·A + a]} (or {@code w[i·A + a]}), so the
 * inner loops run along contiguous memory and the JIT vectorises them.
 */
final class Mlp extends FlatNetwork {

    private final int hidden;

    Mlp(int inputs, int hidden, int arms, float[][] params) {
        super("MLP", inputs, arms, params, shapes(inputs, hidden, arms), names(hidden));
        this.hidden = hidden;
    }

    /** Names of the parameter arrays, as stored in JSON: [logistic, hidden]. */
    static final String[][] NAMES = {{"w", "b"}, {"w1", "b1", "w2", "b2"}};

    /** Names of the parameter arrays of a network with {@code hidden} hidden units. */
    static String[] names(int hidden) {
        return NAMES[hidden == 0 ? 0 : 1];
    }

    static int[] shapes(int inputs, int hidden, int arms) {
        return hidden == 0 ? new int[]{inputs * arms, arms} : new int[]{inputs * hidden, hidden, hidden * arms, arms};
    }

    /**
     * He-initialised hidden weights (the inputs are standardised), Xavier output weights, output biases at each arm's
     * mean score so training starts from the base rates; logistic weights start at zero (the problem is convex).
     */
    static Mlp init(int inputs, int hidden, int arms, double[] armMeans, Random rng) {
        int[] shapes = shapes(inputs, hidden, arms);
        float[][] p = new float[shapes.length][];
        for (int i = 0; i < shapes.length; i++) p[i] = new float[shapes[i]];
        float[] outBias = p[p.length - 1];
        for (int a = 0; a < arms; a++) outBias[a] = (float) Bce.logit(armMeans[a]);
        if (hidden > 0) {
            double sd1 = Math.sqrt(2.0 / inputs);
            for (int i = 0; i < p[0].length; i++) p[0][i] = (float) (rng.nextGaussian() * sd1);
            double sd2 = Math.sqrt(1.0 / hidden);
            for (int i = 0; i < p[2].length; i++) p[2][i] = (float) (rng.nextGaussian() * sd2);
        }
        return new Mlp(inputs, hidden, arms, p);
    }

    int hidden() {
        return hidden;
    }

    @Override
    int width() {
        return hidden;
    }

    @Override
    String[] names() {
        return names(hidden);
    }

    @Override
    int[][] tensorShapes() {
        return hidden == 0
                ? new int[][]{{inputs, arms}, {arms}}
                : new int[][]{{inputs, hidden}, {hidden}, {hidden, arms}, {arms}};
    }

    @Override
    public boolean[] decayed() {
        return hidden == 0 ? new boolean[]{true, false} : new boolean[]{true, false, true, false};
    }

    @Override
    public int scratchSize() {
        // hidden activations (after ReLU and dropout), then their derivative factor, then the back-propagated gradient
        return 3 * hidden;
    }

    @Override
    public int dropoutWidth() {
        return hidden;
    }

    @Override
    public void forward(float[] x, int offset, float[] mask, int maskOffset, float[] scratch, double[] logits) {
        if (hidden == 0) {
            float[] w = params[0];
            float[] b = params[1];
            for (int a = 0; a < arms; a++) logits[a] = b[a];
            for (int i = 0; i < inputs; i++) {
                double xi = x[offset + i];
                int base = i * arms;
                for (int a = 0; a < arms; a++) logits[a] += xi * w[base + a];
            }
            return;
        }
        float[] w1 = params[0];
        float[] b1 = params[1];
        float[] w2 = params[2];
        float[] b2 = params[3];
        int h = hidden;
        System.arraycopy(b1, 0, scratch, 0, h);
        for (int i = 0; i < inputs; i++) {
            float xi = x[offset + i];
            int base = i * h;
            for (int j = 0; j < h; j++) scratch[j] += xi * w1[base + j];
        }
        for (int j = 0; j < h; j++) {
            float factor = scratch[j] > 0 ? (mask == null ? 1f : mask[maskOffset + j]) : 0f;
            scratch[h + j] = factor;
            scratch[j] *= factor;
        }
        for (int a = 0; a < arms; a++) logits[a] = b2[a];
        for (int j = 0; j < h; j++) {
            double hj = scratch[j];
            if (hj == 0) continue;
            int base = j * arms;
            for (int a = 0; a < arms; a++) logits[a] += hj * w2[base + a];
        }
    }

    @Override
    public void backward(float[] x, int offset, float[] mask, int maskOffset, float[] scratch, double[] dLogits, float[][] g) {
        if (hidden == 0) {
            float[] gw = g[0];
            float[] gb = g[1];
            for (int a = 0; a < arms; a++) gb[a] += (float) dLogits[a];
            for (int i = 0; i < inputs; i++) {
                double xi = x[offset + i];
                int base = i * arms;
                for (int a = 0; a < arms; a++) gw[base + a] += (float) (xi * dLogits[a]);
            }
            return;
        }
        float[] w2 = params[2];
        float[] gw1 = g[0];
        float[] gb1 = g[1];
        float[] gw2 = g[2];
        float[] gb2 = g[3];
        int h = hidden;
        for (int a = 0; a < arms; a++) gb2[a] += (float) dLogits[a];
        for (int j = 0; j < h; j++) {
            double hj = scratch[j];
            int base = j * arms;
            double back = 0;
            for (int a = 0; a < arms; a++) {
                back += dLogits[a] * w2[base + a];
                if (hj != 0) gw2[base + a] += (float) (hj * dLogits[a]);
            }
            float dh = (float) (back * scratch[h + j]);
            scratch[2 * h + j] = dh;
            gb1[j] += dh;
        }
        for (int i = 0; i < inputs; i++) {
            float xi = x[offset + i];
            int base = i * h;
            for (int j = 0; j < h; j++) gw1[base + j] += xi * scratch[2 * h + j];
        }
    }
}
