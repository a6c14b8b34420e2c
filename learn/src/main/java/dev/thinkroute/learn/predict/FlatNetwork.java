package dev.thinkroute.learn.predict;

/**
 * A {@link Network} of one middle layer's width between its inputs and its per-arm logits, whose parameters are flat
 * float arrays of fixed lengths, each named as it is stored in JSON.
 */
abstract class FlatNetwork implements Network {

    final int inputs;
    final int arms;
    final float[][] params;

    /**
     * @param label    the network's name in error messages
     * @param expected the length each parameter array must have
     * @param names    the name of each parameter array
     */
    FlatNetwork(String label, int inputs, int arms, float[][] params, int[] expected, String[] names) {
        this.inputs = inputs;
        this.arms = arms;
        this.params = params;
        if (params.length != expected.length) throw new IllegalArgumentException(label + " expects " + expected.length + " parameter arrays");
        for (int p = 0; p < expected.length; p++) {
            if (params[p].length != expected[p]) {
                throw new IllegalArgumentException(label + " parameter " + names[p] + " has " + params[p].length + " values, expected " + expected[p]);
            }
        }
    }

    /** The width of the middle layer (the latent rank, the hidden units). */
    abstract int width();

    /** The name of each parameter array, as stored in JSON. */
    abstract String[] names();

    /** The shape of each parameter array, as recorded in JSON. */
    abstract int[][] tensorShapes();

    @Override
    public final int inputs() {
        return inputs;
    }

    @Override
    public final int arms() {
        return arms;
    }

    @Override
    public final float[][] parameters() {
        return params;
    }
}
