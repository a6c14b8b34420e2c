package dev.thinkroute.learn.predict;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What every {@link QualityModel} here shares: its kind, the format of its JSON, its hyper-parameters (owned as a
 * copy, handed out as copies) and the checks and JSON fields common to all of them.
 */
abstract class AbstractQualityModel implements QualityModel {

    private final String kind;
    private final int format;
    private final ObjectNode hyperParameters;

    AbstractQualityModel(String kind, int format, ObjectNode hyperParameters) {
        this.kind = kind;
        this.format = format;
        this.hyperParameters = hyperParameters.deepCopy();
    }

    @Override
    public final String kind() {
        return kind;
    }

    @Override
    public final ObjectNode hyperParameters() {
        return hyperParameters.deepCopy();
    }

    /** A new model JSON holding its kind and format. */
    final ObjectNode jsonHeader() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("kind", kind);
        o.put("format", format);
        return o;
    }

    /** Adds a copy of the hyper-parameters to a model JSON. */
    final void putHyperParameters(ObjectNode o) {
        o.set("hyper_parameters", hyperParameters.deepCopy());
    }

    /** Rejects a query embedding whose length is not the model's dimension. */
    static void checkDimension(float[] embedding, int dimension) {
        if (embedding.length != dimension) {
            throw new IllegalArgumentException("embedding has " + embedding.length + " dimensions, this model expects " + dimension);
        }
    }

    /** Rejects a model JSON written in another format. */
    static void checkFormat(JsonNode o, String kind, int format) {
        int actual = WeightCodec.intField(o, "format");
        if (actual != format) throw new IllegalArgumentException(kind + " model JSON has format " + actual + ", this build reads " + format);
    }

    /** The hyper-parameters stored in a model JSON. */
    static ObjectNode hyperParametersOf(JsonNode o) {
        return (ObjectNode) WeightCodec.objectField(o, "hyper_parameters");
    }
}
