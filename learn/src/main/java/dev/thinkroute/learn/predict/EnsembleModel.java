package dev.thinkroute.learn.predict;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A weighted mean of other quality models' predictions ({@link EnsembleTrainer}): members that err differently (the
 * cluster model's coarse kinds of query, kNN's close neighbours, the MLP's smooth function of the embedding) average
 * to an estimate steadier than each. Holds its members whole; a query costs the sum of theirs.
 */
public final class EnsembleModel extends AbstractQualityModel {

    static final String KIND = "ensemble";
    private static final int FORMAT = 1;

    private final List<QualityModel> members;
    private final double[] weights;
    private final int arms;

    /** @param weights one per member, positive, summing to 1 */
    EnsembleModel(List<QualityModel> members, double[] weights, ObjectNode hyperParameters) {
        super(KIND, FORMAT, hyperParameters);
        if (members.isEmpty()) throw new IllegalArgumentException("an ensemble needs a member");
        if (weights.length != members.size()) throw new IllegalArgumentException(members.size() + " members but " + weights.length + " weights");
        double sum = 0;
        for (double w : weights) {
            if (!(w > 0) || Double.isInfinite(w)) throw new IllegalArgumentException("ensemble weights must be > 0, got " + w);
            sum += w;
        }
        if (Math.abs(sum - 1) > 1e-9) throw new IllegalArgumentException("ensemble weights must sum to 1, got " + sum);
        this.arms = members.getFirst().armCount();
        for (QualityModel m : members) {
            if (m.armCount() != arms) throw new IllegalArgumentException("ensemble members disagree on the number of arms");
        }
        this.members = List.copyOf(members);
        this.weights = weights.clone();
    }

    @Override
    public int armCount() {
        return arms;
    }

    public List<QualityModel> members() {
        return members;
    }

    public double[] weights() {
        return weights.clone();
    }

    @Override
    public double[] predict(float[] embedding) {
        double[] out = new double[arms];
        for (int i = 0; i < members.size(); i++) {
            double[] p = members.get(i).predict(embedding);
            for (int a = 0; a < arms; a++) out[a] += weights[i] * p[a];
        }
        for (int a = 0; a < arms; a++) out[a] = Math.clamp(out[a], 0, 1);
        return out;
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode o = jsonHeader();
        o.put("arms", arms);
        ArrayNode w = o.putArray("weights");
        for (double v : weights) w.add(v);
        putHyperParameters(o);
        ArrayNode m = o.putArray("members");
        for (QualityModel member : members) m.add(member.toJson());
        return o;
    }

    /** Rebuilds a model from {@link #toJson()}. */
    public static EnsembleModel fromJson(JsonNode o) {
        checkFormat(o, KIND, FORMAT);
        JsonNode m = o.get("members");
        JsonNode w = o.get("weights");
        if (m == null || !m.isArray() || m.isEmpty()) throw new IllegalArgumentException("quality model JSON: missing array field 'members'");
        if (w == null || !w.isArray() || w.size() != m.size()) {
            throw new IllegalArgumentException("quality model JSON: 'weights' must hold one number per member");
        }
        java.util.List<QualityModel> members = new java.util.ArrayList<>();
        double[] weights = new double[w.size()];
        for (int i = 0; i < m.size(); i++) {
            if (!m.get(i).isObject()) throw new IllegalArgumentException("quality model JSON: member " + i + " is not an object");
            if (!w.get(i).isNumber()) throw new IllegalArgumentException("quality model JSON: weight " + i + " is not a number");
            members.add(QualityModels.fromJson((ObjectNode) m.get(i)));
            weights[i] = w.get(i).doubleValue();
        }
        return new EnsembleModel(members, weights, hyperParametersOf(o));
    }
}
