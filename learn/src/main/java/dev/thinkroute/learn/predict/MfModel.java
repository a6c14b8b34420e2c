package dev.thinkroute.learn.predict;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A trained {@link MfTrainer} model: q̂(q, a) = σ(w_a · (P x_q) + b_a) on the standardised query embedding x_q.
 * Immutable: it owns copies of its weights.
 */
public final class MfModel extends NetworkModel<Mf> {

    static final String KIND = "mf";
    private static final int FORMAT = 1;
    private static final String WIDTH = "rank";

    private static final Layout<Mf> LAYOUT = new Layout<>(rank -> Mf.NAMES, Mf::shapes, Mf::new);

    MfModel(Standardizer standardizer, Mf net, ObjectNode hyperParameters) {
        super(KIND, FORMAT, WIDTH, standardizer, new Mf(net.inputs(), net.rank(), net.arms(), GradientFit.copy(net.parameters())), hyperParameters);
    }

    /** The latent dimension d. */
    public int rank() {
        return net.rank();
    }

    /** Rebuilds a model from {@link #toJson()}. */
    public static MfModel fromJson(JsonNode o) {
        return fromJson(o, KIND, FORMAT, WIDTH, LAYOUT, MfModel::new);
    }
}
