package dev.thinkroute.learn.predict;

/**
 * How a gradient-trained model ({@link MlpTrainer}, {@link MfTrainer}) is optimised: AdamW on mini-batches of masked
 * binary cross-entropy, stopped when the validation loss has not improved for {@code patience} epochs, keeping the
 * best epoch's weights.
 *
 * @param learningRate Adam's step size
 * @param weightDecay  decoupled (AdamW) L2 decay per step, on weight matrices only
 * @param batchSize    rows per update
 * @param maxEpochs    upper bound on passes over the data; bounds training time when the loss keeps creeping down
 * @param patience     epochs without a meaningful improvement before stopping
 */
public record GradientSettings(double learningRate, double weightDecay, int batchSize, int maxEpochs, int patience) {
    public GradientSettings {
        if (!(learningRate > 0)) throw new IllegalArgumentException("learningRate must be > 0, got " + learningRate);
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("weightDecay must be >= 0, got " + weightDecay);
        if (batchSize < 1) throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        if (maxEpochs < 1) throw new IllegalArgumentException("maxEpochs must be >= 1, got " + maxEpochs);
        if (patience < 1) throw new IllegalArgumentException("patience must be >= 1, got " + patience);
    }
}
