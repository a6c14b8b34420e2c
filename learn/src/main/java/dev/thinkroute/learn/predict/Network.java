package dev.thinkroute.learn.predict;

/**
 * A per-arm logit model with flat float parameters, trained by {@link GradientFit} and wrapped, once trained, by its
 * {@link QualityModel}. Rows arrive standardised and flattened ({@code x[offset … offset + inputs)}).
 */
interface Network {

    int inputs();

    int arms();

    /** The live parameter arrays; the optimiser updates them in place. */
    float[][] parameters();

    /** Per parameter array: whether weight decay applies (weight matrices yes, biases no). */
    boolean[] decayed();

    /** Floats of per-thread scratch that {@link #forward} fills and {@link #backward} reads. */
    int scratchSize();

    /** Units a dropout mask covers per row; 0 when the network has no dropout layer. */
    int dropoutWidth();

    /**
     * The logits of one row. {@code mask} (inverted-dropout multipliers, {@link #dropoutWidth()} per row from
     * {@code maskOffset}) is null outside training.
     */
    void forward(float[] x, int offset, float[] mask, int maskOffset, float[] scratch, double[] logits);

    /** Adds the gradient of the loss into {@code gradients}, given its derivative by each logit, after {@link #forward} of the same row. */
    void backward(float[] x, int offset, float[] mask, int maskOffset, float[] scratch, double[] dLogits, float[][] gradients);
}
