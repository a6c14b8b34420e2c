package dev.thinkroute.learn.predict;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A trained {@link MlpTrainer} network: standardised embedding → ReLU hidden layer → one sigmoid per arm (or, with no
 * hidden units, per-arm logistic regression). Immutable: it owns copies of its weights.
 */
public final class MlpModel extends NetworkModel<Mlp> {

    static final String KIND = "mlp";
    private static final int FORMAT = 1;
    private static final String WIDTH = "hidden_units";

    private static final Layout<Mlp> LAYOUT = new Layout<>(Mlp::names, Mlp::shapes, Mlp::new);

    MlpModel(Standardizer standardizer, Mlp net, ObjectNode hyperParameters) {
        super(KIND, FORMAT, WIDTH, standardizer, new Mlp(net.inputs(), net.hidden(), net.arms(), GradientFit.copy(net.parameters())), hyperParameters);
    }

    /** Width of the hidden layer; 0 for logistic regression. */
    public int hiddenUnits() {
        return net.hidden();
    }

    /** Rebuilds a model from {@link #toJson()}. */
    public static MlpModel fromJson(JsonNode o) {
        return fromJson(o, KIND, FORMAT, WIDTH, LAYOUT, MlpModel::new);
    }
}
