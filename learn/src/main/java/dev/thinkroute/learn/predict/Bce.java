package dev.thinkroute.learn.predict;

/**
 * The masked binary cross-entropy the gradient-trained models minimise, computed from logits for stability. Scores may
 * be fractional (a judge's 0.5, an F1): BCE against a fractional target is still minimised at p = y. StrictMath, not
 * Math: the JIT may swap Math.exp/log for intrinsics that differ by an ulp between machines, and training must be bit
 * for bit the same everywhere.
 */
final class Bce {

    private Bce() {
    }

    static double sigmoid(double z) {
        if (z >= 0) return 1 / (1 + StrictMath.exp(-z));
        double e = StrictMath.exp(z);
        return e / (1 + e);
    }

    /** −[y log σ(z) + (1 − y) log(1 − σ(z))] = softplus(z) − y·z. */
    static double loss(double z, double y) {
        double softplus = z > 0 ? z + StrictMath.log1p(StrictMath.exp(-z)) : StrictMath.log1p(StrictMath.exp(z));
        return softplus - y * z;
    }

    static double logit(double p) {
        double c = Math.clamp(p, 0.01, 0.99);
        return StrictMath.log(c / (1 - c));
    }
}
