package dev.thinkroute.learn.predict;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A trained {@link MfTrainer} model: q̂(q, a) = σ(w_a · (P x_q) + b_a) on the standardised query embedding x_q.
 * Immutable: it owns copies of its weights.
 */
public final class MfModel implements QualityModel {

    static final String KIND = "mf";
    private static final int FORMAT = 1;

    private final Standardizer standardizer;
    private final Mf net;
    private final ObjectNode hyperParameters;

    MfModel(Standardizer standardizer, Mf net, ObjectNode hyperParameters) {
        this.standardizer = standardizer;
        this.net = new Mf(net.inputs(), net.rank(), net.arms(), GradientFit.copy(net.parameters()));
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

    /** The latent dimension d. */
    public int rank() {
        return net.rank();
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
        o.put("rank", net.rank());
        o.set("hyper_parameters", hyperParameters.deepCopy());
        ObjectNode w = o.putObject("weights");
        standardizer.write(w);
        float[][] p = net.parameters();
        WeightCodec.putFloats(w, Mf.NAMES[0], p[0], net.inputs(), net.rank());
        WeightCodec.putFloats(w, Mf.NAMES[1], p[1], net.arms(), net.rank());
        WeightCodec.putFloats(w, Mf.NAMES[2], p[2], net.arms());
        return o;
    }

    /** Rebuilds a model from {@link #toJson()}. */
    public static MfModel fromJson(JsonNode o) {
        int format = WeightCodec.intField(o, "format");
        if (format != FORMAT) throw new IllegalArgumentException("mf model JSON has format " + format + ", this build reads " + FORMAT);
        int dim = WeightCodec.intField(o, "dimension");
        int arms = WeightCodec.intField(o, "arms");
        int rank = WeightCodec.intField(o, "rank");
        JsonNode w = WeightCodec.objectField(o, "weights");
        int[] shapes = Mf.shapes(dim, rank, arms);
        float[][] p = new float[shapes.length][];
        for (int i = 0; i < shapes.length; i++) p[i] = WeightCodec.floats(w, Mf.NAMES[i], shapes[i]);
        return new MfModel(Standardizer.read(w, dim), new Mf(dim, rank, arms, p), (ObjectNode) WeightCodec.objectField(o, "hyper_parameters"));
    }
}
