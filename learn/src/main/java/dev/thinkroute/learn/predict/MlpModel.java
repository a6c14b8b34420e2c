package dev.thinkroute.learn.predict;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A trained {@link MlpTrainer} network: standardised embedding → ReLU hidden layer → one sigmoid per arm (or, with no
 * hidden units, per-arm logistic regression). Immutable: it owns copies of its weights.
 */
public final class MlpModel implements QualityModel {

    static final String KIND = "mlp";
    private static final int FORMAT = 1;

    private final Standardizer standardizer;
    private final Mlp net;
    private final ObjectNode hyperParameters;

    MlpModel(Standardizer standardizer, Mlp net, ObjectNode hyperParameters) {
        this.standardizer = standardizer;
        this.net = new Mlp(net.inputs(), net.hidden(), net.arms(), GradientFit.copy(net.parameters()));
        this.hyperParameters = hyperParameters.deepCopy();
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public int armCount() {
        return net.arms();
    }

    /** Width of the hidden layer; 0 for logistic regression. */
    public int hiddenUnits() {
        return net.hidden();
    }

    @Override
    public double[] predict(float[] embedding) {
        if (embedding.length != net.inputs()) {
            throw new IllegalArgumentException("embedding has " + embedding.length + " dimensions, this model expects " + net.inputs());
        }
        float[] x = new float[net.inputs()];
        standardizer.apply(embedding, x);
        double[] z = new double[net.arms()];
        net.forward(x, 0, null, 0, new float[net.scratchSize()], z);
        for (int a = 0; a < z.length; a++) z[a] = Bce.sigmoid(z[a]);
        return z;
    }

    @Override
    public ObjectNode hyperParameters() {
        return hyperParameters.deepCopy();
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("kind", KIND);
        o.put("format", FORMAT);
        o.put("dimension", net.inputs());
        o.put("arms", net.arms());
        o.put("hidden_units", net.hidden());
        o.set("hyper_parameters", hyperParameters.deepCopy());
        ObjectNode w = o.putObject("weights");
        standardizer.write(w);
        String[] names = Mlp.NAMES[net.hidden() == 0 ? 0 : 1];
        int[][] shapes = net.hidden() == 0
                ? new int[][]{{net.inputs(), net.arms()}, {net.arms()}}
                : new int[][]{{net.inputs(), net.hidden()}, {net.hidden()}, {net.hidden(), net.arms()}, {net.arms()}};
        for (int p = 0; p < names.length; p++) WeightCodec.putFloats(w, names[p], net.parameters()[p], shapes[p]);
        return o;
    }

    /** Rebuilds a model from {@link #toJson()}. */
    public static MlpModel fromJson(JsonNode o) {
        int format = WeightCodec.intField(o, "format");
        if (format != FORMAT) throw new IllegalArgumentException("mlp model JSON has format " + format + ", this build reads " + FORMAT);
        int dim = WeightCodec.intField(o, "dimension");
        int arms = WeightCodec.intField(o, "arms");
        int hidden = WeightCodec.intField(o, "hidden_units");
        JsonNode w = WeightCodec.objectField(o, "weights");
        String[] names = Mlp.NAMES[hidden == 0 ? 0 : 1];
        int[] shapes = Mlp.shapes(dim, hidden, arms);
        float[][] p = new float[names.length][];
        for (int i = 0; i < names.length; i++) p[i] = WeightCodec.floats(w, names[i], shapes[i]);
        return new MlpModel(Standardizer.read(w, dim), new Mlp(dim, hidden, arms, p), (ObjectNode) WeightCodec.objectField(o, "hyper_parameters"));
    }
}
