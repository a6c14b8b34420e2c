package dev.thinkroute.learn.predict;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * The training loop shared by the MLP and MF trainers: shuffled mini-batches, masked BCE, AdamW, early stopping on the
 * validation loss with the best epoch's weights restored.
 *
 * <p>Deterministic by construction, whatever the number of cores: each mini-batch is cut into fixed blocks of
 * {@link #BLOCK} rows, blocks run in parallel into their own gradient buffers, and the buffers are summed in block order.
 * The cut depends only on the batch, never on the thread count, so float sums happen in the same order everywhere;
 * randomness (shuffles, dropout masks) is drawn on the calling thread from one seeded {@link Random}. Java's float
 * arithmetic is IEEE-exact and the JIT may not reorder it; only Math's transcendental intrinsics may differ between
 * machines, which is why {@link Bce} uses StrictMath.
 */
final class GradientFit {

    /** Rows per parallel block. Fixed (not derived from the core count) so results do not depend on the machine. */
    static final int BLOCK = 16;
    /** Rows per block when only evaluating the loss. */
    private static final int EVAL_BLOCK = 128;
    /** A validation loss must fall by this share to reset patience; smaller gains still update the best weights. */
    private static final double MIN_RELATIVE_GAIN = 1e-4;
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPSILON = 1e-8;

    /**
     * @param bestEpoch  the epoch whose weights were kept (1-based)
     * @param epochsRun  epochs trained before stopping
     * @param bestLoss   validation loss of the kept weights
     * @param lastLoss   validation loss after the last epoch run
     */
    record Outcome(int bestEpoch, int epochsRun, double bestLoss, double lastLoss) {
    }

    /** Rows flattened for the loop: standardised embeddings and scores (NaN where unobserved). */
    record Rows(float[] x, double[] y, int size) {
        static Rows of(TrainingSet set, Standardizer standardizer) {
            return new Rows(TrainingData.flatX(set, standardizer), TrainingData.flatY(set), set.size());
        }
    }

    private GradientFit() {
    }

    /** Trains {@code net} in place on {@code train}, stopping on {@code validation}; leaves it holding the best epoch's weights. */
    static Outcome run(Network net, Rows train, Rows validation, GradientSettings s, double dropout, long seed) {
        int inputs = net.inputs();
        int arms = net.arms();
        float[][] params = net.parameters();
        boolean[] decayed = net.decayed();
        float[][] m = zerosLike(params);
        float[][] v = zerosLike(params);
        int batch = Math.min(s.batchSize(), train.size());
        int blocks = (batch + BLOCK - 1) / BLOCK;
        float[][][] grads = new float[blocks][][];
        float[][] scratch = new float[blocks][];
        for (int b = 0; b < blocks; b++) {
            grads[b] = zerosLike(params);
            scratch[b] = new float[net.scratchSize()];
        }
        int width = dropout > 0 ? net.dropoutWidth() : 0;
        float[] masks = width > 0 ? new float[batch * width] : null;
        float keep = (float) (1 / (1 - dropout));

        Random rng = new Random(seed);
        int[] order = new int[train.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        double beta1Power = 1;
        double beta2Power = 1;

        double best = Double.POSITIVE_INFINITY;
        double bestForPatience = Double.POSITIVE_INFINITY;
        float[][] bestParams = copy(params);
        int bestEpoch = 0;
        int sinceGain = 0;
        int epoch = 0;
        double last = Double.NaN;
        while (epoch < s.maxEpochs() && sinceGain < s.patience()) {
            epoch++;
            TrainingData.shuffle(order, rng);
            for (int start = 0; start < order.length; start += batch) {
                int end = Math.min(start + batch, order.length);
                int observed = 0;
                for (int i = start; i < end; i++) {
                    int off = order[i] * arms;
                    for (int a = 0; a < arms; a++) if (!Double.isNaN(train.y()[off + a])) observed++;
                }
                if (observed == 0) continue;
                if (masks != null) {
                    for (int i = 0; i < (end - start) * width; i++) masks[i] = rng.nextFloat() < dropout ? 0f : keep;
                }
                double scale = 1.0 / observed;
                int first = start;
                int used = (end - start + BLOCK - 1) / BLOCK;
                parallel(used, blk -> {
                    float[][] g = grads[blk];
                    for (float[] a : g) Arrays.fill(a, 0f);
                    double[] z = new double[arms];
                    double[] dz = new double[arms];
                    int from = first + blk * BLOCK;
                    int to = Math.min(from + BLOCK, end);
                    for (int i = from; i < to; i++) {
                        int row = order[i];
                        int maskOff = (i - first) * width;
                        net.forward(train.x(), row * inputs, masks, maskOff, scratch[blk], z);
                        boolean any = false;
                        for (int a = 0; a < arms; a++) {
                            double y = train.y()[row * arms + a];
                            if (Double.isNaN(y)) {
                                dz[a] = 0;
                            } else {
                                dz[a] = (Bce.sigmoid(z[a]) - y) * scale;
                                any = true;
                            }
                        }
                        if (any) net.backward(train.x(), row * inputs, masks, maskOff, scratch[blk], dz, g);
                    }
                });
                for (int blk = 1; blk < used; blk++) {
                    for (int p = 0; p < params.length; p++) {
                        float[] into = grads[0][p];
                        float[] from = grads[blk][p];
                        for (int i = 0; i < into.length; i++) into[i] += from[i];
                    }
                }
                beta1Power *= BETA1;
                beta2Power *= BETA2;
                adamW(params, grads[0], m, v, decayed, s, 1 - beta1Power, 1 - beta2Power);
            }
            last = meanLoss(net, validation);
            if (last < best) {
                best = last;
                bestEpoch = epoch;
                copyInto(params, bestParams);
            }
            if (last < bestForPatience * (1 - MIN_RELATIVE_GAIN) || bestForPatience == Double.POSITIVE_INFINITY) {
                bestForPatience = last;
                sinceGain = 0;
            } else {
                sinceGain++;
            }
        }
        copyInto(bestParams, params);
        return new Outcome(bestEpoch, epoch, best, last);
    }

    /** Mean BCE over the observed cells of {@code rows} (NaN if none), summed per block in block order. */
    static double meanLoss(Network net, Rows rows) {
        int arms = net.arms();
        int inputs = net.inputs();
        int blocks = (rows.size() + EVAL_BLOCK - 1) / EVAL_BLOCK;
        double[] sums = new double[blocks];
        long[] counts = new long[blocks];
        parallel(blocks, blk -> {
            float[] scratch = new float[net.scratchSize()];
            double[] z = new double[arms];
            double sum = 0;
            long count = 0;
            for (int r = blk * EVAL_BLOCK; r < Math.min(rows.size(), (blk + 1) * EVAL_BLOCK); r++) {
                net.forward(rows.x(), r * inputs, null, 0, scratch, z);
                for (int a = 0; a < arms; a++) {
                    double y = rows.y()[r * arms + a];
                    if (!Double.isNaN(y)) {
                        sum += Bce.loss(z[a], y);
                        count++;
                    }
                }
            }
            sums[blk] = sum;
            counts[blk] = count;
        });
        double sum = 0;
        long count = 0;
        for (int b = 0; b < blocks; b++) {
            sum += sums[b];
            count += counts[b];
        }
        return count == 0 ? Double.NaN : sum / count;
    }

    /** Training facts common to the gradient trainers' hyper-parameter reports. */
    static void report(ObjectNode hp, GradientFit.Outcome outcome, TrainingData.Split split) {
        hp.put("best_epoch", outcome.bestEpoch());
        hp.put("epochs_run", outcome.epochsRun());
        hp.put("validation_loss", outcome.bestLoss());
        hp.put("last_epoch_validation_loss", outcome.lastLoss());
        hp.put("fit_rows", split.fit().size());
        hp.put("validation_rows", split.monitor().size());
        hp.put("validation", split.source());
    }

    private static void adamW(float[][] params, float[][] grads, float[][] m, float[][] v, boolean[] decayed, GradientSettings s,
                              double correction1, double correction2) {
        double lr = s.learningRate();
        for (int p = 0; p < params.length; p++) {
            float[] w = params[p];
            float[] g = grads[p];
            float[] mp = m[p];
            float[] vp = v[p];
            double decay = decayed[p] ? s.weightDecay() : 0;
            for (int i = 0; i < w.length; i++) {
                double gi = g[i];
                double mi = BETA1 * mp[i] + (1 - BETA1) * gi;
                double vi = BETA2 * vp[i] + (1 - BETA2) * gi * gi;
                mp[i] = (float) mi;
                vp[i] = (float) vi;
                double step = (mi / correction1) / (Math.sqrt(vi / correction2) + EPSILON) + decay * w[i];
                w[i] = (float) (w[i] - lr * step);
            }
        }
    }

    /** Runs {@code body} for blocks 0…count−1, in parallel when there is more than one; callers write only to their block's slots. */
    static void parallel(int count, java.util.function.IntConsumer body) {
        if (count == 1) body.accept(0);
        else IntStream.range(0, count).parallel().forEach(body);
    }

    private static float[][] zerosLike(float[][] a) {
        float[][] out = new float[a.length][];
        for (int i = 0; i < a.length; i++) out[i] = new float[a[i].length];
        return out;
    }

    static float[][] copy(float[][] a) {
        float[][] out = new float[a.length][];
        for (int i = 0; i < a.length; i++) out[i] = a[i].clone();
        return out;
    }

    private static void copyInto(float[][] from, float[][] to) {
        for (int i = 0; i < from.length; i++) System.arraycopy(from[i], 0, to[i], 0, from[i].length);
    }
}
