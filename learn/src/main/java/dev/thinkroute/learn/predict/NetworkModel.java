package dev.thinkroute.learn.predict;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.IntFunction;

/**
 * A trained gradient model: a {@link FlatNetwork} on the standardised query embedding, with one sigmoid per arm.
 * Immutable: subclasses hand it a copy of the network's weights.
 */
abstract class NetworkModel<N extends FlatNetwork> extends AbstractQualityModel {

    private final String widthField;
    private final Standardizer standardizer;
    final N net;

    /** @param widthField the JSON field that holds the network's {@link FlatNetwork#width() width} */
    NetworkModel(String kind, int format, String widthField, Standardizer standardizer, N net, ObjectNode hyperParameters) {
        super(kind, format, hyperParameters);
        this.widthField = widthField;
        this.standardizer = standardizer;
        this.net = net;
    }

    @Override
    public final int armCount() {
        return net.arms();
    }

    @Override
    public final double[] predict(float[] embedding) {
        checkDimension(embedding, net.inputs());
        float[] x = new float[net.inputs()];
        standardizer.apply(embedding, x);
        double[] z = new double[net.arms()];
        net.forward(x, 0, null, 0, new float[net.scratchSize()], z);
        for (int a = 0; a < z.length; a++) z[a] = Bce.sigmoid(z[a]);
        return z;
    }

    @Override
    public final ObjectNode toJson() {
        ObjectNode o = jsonHeader();
        o.put("dimension", net.inputs());
        o.put("arms", net.arms());
        o.put(widthField, net.width());
        putHyperParameters(o);
        ObjectNode w = o.putObject("weights");
        standardizer.write(w);
        String[] names = net.names();
        int[][] shapes = net.tensorShapes();
        for (int p = 0; p < names.length; p++) WeightCodec.putFloats(w, names[p], net.parameters()[p], shapes[p]);
        return o;
    }

    /**
     * How a network of some width names and sizes its parameter arrays, and is rebuilt from them.
     *
     * @param names  the parameter arrays' names, by width
     * @param shapes the parameter arrays' lengths, by inputs, width and arms
     * @param build  the network from inputs, width, arms and parameters
     */
    record Layout<N extends FlatNetwork>(IntFunction<String[]> names, Shapes shapes, Build<N> build) {
    }

    interface Shapes {
        int[] of(int inputs, int width, int arms);
    }

    interface Build<N extends FlatNetwork> {
        N of(int inputs, int width, int arms, float[][] params);
    }

    /** Builds a model from its standardiser, network and hyper-parameters. */
    interface Factory<N extends FlatNetwork, M> {
        M build(Standardizer standardizer, N net, ObjectNode hyperParameters);
    }

    /** Rebuilds a model from its {@link #toJson()}. */
    static <N extends FlatNetwork, M> M fromJson(JsonNode o, String kind, int format, String widthField, Layout<N> layout, Factory<N, M> factory) {
        checkFormat(o, kind, format);
        int dim = WeightCodec.intField(o, "dimension");
        int arms = WeightCodec.intField(o, "arms");
        int width = WeightCodec.intField(o, widthField);
        JsonNode w = WeightCodec.objectField(o, "weights");
        String[] names = layout.names().apply(width);
        int[] shapes = layout.shapes().of(dim, width, arms);
        float[][] p = new float[names.length][];
        for (int i = 0; i < names.length; i++) p[i] = WeightCodec.floats(w, names[i], shapes[i]);
        return factory.build(Standardizer.read(w, dim), layout.build().of(dim, width, arms, p), hyperParametersOf(o));
    }
}
