package dev.thinkroute.learn.predict;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Cluster-then-route quality: the training queries are grouped into C clusters of similar queries (spherical k-means
 * on the embeddings), and each cluster holds each arm's mean score over its queries, shrunk toward the arm's overall
 * mean ({@link ClusterTrainer}). A query is assigned to its most cosine-similar centroid (temperature 0), or softly to
 * all of them with weights softmax(similarity / temperature), and gets the (weighted) estimates of its cluster(s).
 *
 * <p>Where kNN answers "how did the k most similar queries go", this answers "how does this kind of query go": the
 * estimates pool hundreds of queries each, so they are steady enough to rank arms by a small difference in quality,
 * which is what a cost-aware policy does. Holds C centroids and C × arms estimates; a query costs C dot products.
 */
public final class ClusterModel implements QualityModel {

    static final String KIND = "cluster";
    private static final int FORMAT = 1;

    private final int dimension;
    private final int arms;
    private final int clusters;
    private final float[] centroids;
    private final double[] estimates;
    private final double temperature;
    private final ObjectNode hyperParameters;

    /**
     * @param centroids   unit centroids, row-major (clusters × dimension)
     * @param estimates   expected score per cluster and arm, row-major (clusters × arms)
     * @param temperature 0 for the nearest centroid only, else the softmax temperature over cosine similarities
     */
    ClusterModel(int dimension, int arms, float[] centroids, double[] estimates, double temperature, ObjectNode hyperParameters) {
        if (dimension < 1 || arms < 1) throw new IllegalArgumentException("cluster model needs a dimension and arms");
        this.clusters = centroids.length / dimension;
        if (clusters < 1 || centroids.length != clusters * dimension || estimates.length != clusters * arms) {
            throw new IllegalArgumentException("cluster weights do not fit " + clusters + " clusters × " + dimension + " dimensions × " + arms + " arms");
        }
        if (!(temperature >= 0) || Double.isInfinite(temperature)) throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
        this.dimension = dimension;
        this.arms = arms;
        this.centroids = centroids;
        this.estimates = estimates;
        this.temperature = temperature;
        this.hyperParameters = hyperParameters.deepCopy();
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public int armCount() {
        return arms;
    }

    public int clusters() {
        return clusters;
    }

    public double temperature() {
        return temperature;
    }

    @Override
    public double[] predict(float[] embedding) {
        if (embedding.length != dimension) {
            throw new IllegalArgumentException("embedding has " + embedding.length + " dimensions, this model expects " + dimension);
        }
        float[] q = new float[dimension];
        KnnModel.unit(embedding, q);
        float[] sim = new float[clusters];
        for (int c = 0; c < clusters; c++) sim[c] = SphericalKMeans.dot(q, 0, centroids, c * dimension, dimension);
        double[] w = new double[clusters];
        weights(sim, 0, clusters, temperature, w, 0);
        double[] out = new double[arms];
        mix(w, 0, estimates, clusters, arms, out);
        return out;
    }

    /**
     * Assignment weights of one row from its similarities {@code sim[from..from+clusters)}: one-hot on the most similar
     * centroid (ties: the lower index) when {@code temperature} is 0, else softmax(sim / temperature). StrictMath, so the
     * weights are the same on every machine.
     */
    static void weights(float[] sim, int from, int clusters, double temperature, double[] w, int to) {
        int arg = 0;
        float top = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < clusters; c++) {
            if (sim[from + c] > top) {
                top = sim[from + c];
                arg = c;
            }
        }
        if (temperature == 0) {
            for (int c = 0; c < clusters; c++) w[to + c] = c == arg ? 1 : 0;
            return;
        }
        double sum = 0;
        for (int c = 0; c < clusters; c++) {
            double e = StrictMath.exp((sim[from + c] - top) / temperature);
            w[to + c] = e;
            sum += e;
        }
        for (int c = 0; c < clusters; c++) w[to + c] /= sum;
    }

    /** Σ_c w_c · estimates[c] into {@code out}, skipping zero weights. */
    static void mix(double[] w, int from, double[] estimates, int clusters, int arms, double[] out) {
        java.util.Arrays.fill(out, 0);
        for (int c = 0; c < clusters; c++) {
            double wc = w[from + c];
            if (wc == 0) continue;
            for (int a = 0; a < arms; a++) out[a] += wc * estimates[c * arms + a];
        }
        for (int a = 0; a < arms; a++) out[a] = Math.clamp(out[a], 0, 1);
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
        o.put("dimension", dimension);
        o.put("arms", arms);
        o.put("clusters", clusters);
        o.put("temperature", temperature);
        o.set("hyper_parameters", hyperParameters.deepCopy());
        ObjectNode w = o.putObject("weights");
        WeightCodec.putFloats(w, "centroids", centroids, clusters, dimension);
        WeightCodec.putDoubles(w, "estimates", estimates, clusters, arms);
        return o;
    }

    /** Rebuilds a model from {@link #toJson()}. */
    public static ClusterModel fromJson(JsonNode o) {
        int format = WeightCodec.intField(o, "format");
        if (format != FORMAT) throw new IllegalArgumentException("cluster model JSON has format " + format + ", this build reads " + FORMAT);
        int dim = WeightCodec.intField(o, "dimension");
        int arms = WeightCodec.intField(o, "arms");
        int clusters = WeightCodec.intField(o, "clusters");
        JsonNode w = WeightCodec.objectField(o, "weights");
        return new ClusterModel(dim, arms,
                WeightCodec.floats(w, "centroids", clusters * dim),
                WeightCodec.doubles(w, "estimates", clusters * arms),
                WeightCodec.doubleField(o, "temperature"),
                (ObjectNode) WeightCodec.objectField(o, "hyper_parameters"));
    }
}
