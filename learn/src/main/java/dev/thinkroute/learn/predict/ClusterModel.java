package dev.thinkroute.learn.predict;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;

/**
 * Cluster-then-route quality: the training queries are grouped into clusters of similar queries (spherical k-means on
 * the embeddings), and each cluster holds each arm's mean score over its queries, shrunk toward the arm's overall mean
 * ({@link ClusterTrainer}). A query is assigned to its most cosine-similar centroid (temperature 0), or softly to all
 * of them with weights softmax(similarity / temperature), and gets the (weighted) estimates of its cluster(s). The
 * model averages several such clusterings (members), of several resolutions and seeds: one clustering's boundaries
 * are arbitrary, and routing on it flips with the seed; the average is steadier and finer-grained.
 *
 * <p>Where kNN answers "how did the k most similar queries go", this answers "how does this kind of query go": each
 * estimate pools many queries, steady enough to rank arms by a small difference in quality, which is what a
 * cost-aware policy does. A query costs one dot product per centroid.
 */
public final class ClusterModel extends AbstractQualityModel {

    static final String KIND = "cluster";
    private static final int FORMAT = 1;

    private final int dimension;
    private final int arms;
    /** Clusters of each member clustering. */
    private final int[] sizes;
    private final int total;
    private final float[] centroids;
    private final double[] estimates;
    private final double temperature;

    /**
     * @param sizes       the number of clusters of each member clustering
     * @param centroids   unit centroids of every member one after another, row-major (Σ sizes × dimension)
     * @param estimates   expected score per cluster and arm, in the same order, row-major (Σ sizes × arms)
     * @param temperature 0 for the nearest centroid only, else the softmax temperature over cosine similarities
     */
    ClusterModel(int dimension, int arms, int[] sizes, float[] centroids, double[] estimates, double temperature, ObjectNode hyperParameters) {
        super(KIND, FORMAT, hyperParameters);
        if (dimension < 1 || arms < 1 || sizes.length < 1) throw new IllegalArgumentException("cluster model needs a dimension, arms and a clustering");
        int t = 0;
        for (int s : sizes) {
            if (s < 1) throw new IllegalArgumentException("every clustering needs a cluster, got " + Arrays.toString(sizes));
            t += s;
        }
        if ((long) t * dimension != centroids.length || (long) t * arms != estimates.length) {
            throw new IllegalArgumentException("cluster weights do not fit " + t + " clusters × " + dimension + " dimensions × " + arms + " arms");
        }
        if (!(temperature >= 0) || Double.isInfinite(temperature)) throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
        this.dimension = dimension;
        this.arms = arms;
        this.sizes = sizes.clone();
        this.total = t;
        this.centroids = centroids;
        this.estimates = estimates;
        this.temperature = temperature;
    }

    @Override
    public int armCount() {
        return arms;
    }

    /** The number of clusters of each member clustering. */
    public int[] clusterSizes() {
        return sizes.clone();
    }

    public double temperature() {
        return temperature;
    }

    @Override
    public double[] predict(float[] embedding) {
        checkDimension(embedding, dimension);
        float[] q = new float[dimension];
        KnnModel.unit(embedding, q);
        float[] sim = new float[total];
        for (int c = 0; c < total; c++) sim[c] = SphericalKMeans.dot(q, 0, centroids, c * dimension, dimension);
        double[] w = new double[total];
        weights(sim, 0, sizes, temperature, w, 0);
        double[] out = new double[arms];
        mix(w, 0, sizes.length, estimates, total, arms, out);
        return out;
    }

    /** {@link #weights(float[], int, int, double, double[], int)} of each member in turn. */
    static void weights(float[] sim, int from, int[] sizes, double temperature, double[] w, int to) {
        int offset = 0;
        for (int size : sizes) {
            weights(sim, from + offset, size, temperature, w, to + offset);
            offset += size;
        }
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

    /**
     * The mean over {@code members} clusterings of Σ_c w_c · estimates[c] into {@code out}, where {@code w[from..from+total)}
     * holds every member's weights (each summing to 1) one after another, as {@code estimates} holds their rows.
     */
    static void mix(double[] w, int from, int members, double[] estimates, int total, int arms, double[] out) {
        Arrays.fill(out, 0);
        for (int c = 0; c < total; c++) {
            double wc = w[from + c];
            if (wc == 0) continue;
            for (int a = 0; a < arms; a++) out[a] += wc * estimates[c * arms + a];
        }
        for (int a = 0; a < arms; a++) out[a] = Math.clamp(out[a] / members, 0, 1);
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode o = jsonHeader();
        o.put("dimension", dimension);
        o.put("arms", arms);
        ArrayNode s = o.putArray("clusters");
        for (int size : sizes) s.add(size);
        o.put("temperature", temperature);
        putHyperParameters(o);
        ObjectNode w = o.putObject("weights");
        WeightCodec.putFloats(w, "centroids", centroids, total, dimension);
        WeightCodec.putDoubles(w, "estimates", estimates, total, arms);
        return o;
    }

    /** Rebuilds a model from {@link #toJson()}. */
    public static ClusterModel fromJson(JsonNode o) {
        checkFormat(o, KIND, FORMAT);
        int dim = WeightCodec.intField(o, "dimension");
        int arms = WeightCodec.intField(o, "arms");
        JsonNode s = o.get("clusters");
        if (s == null || !s.isArray() || s.isEmpty()) throw new IllegalArgumentException("quality model JSON: missing array field 'clusters'");
        int[] sizes = new int[s.size()];
        long total = 0;
        for (int i = 0; i < sizes.length; i++) {
            if (!s.get(i).canConvertToInt() || s.get(i).intValue() < 1) {
                throw new IllegalArgumentException("quality model JSON: 'clusters' must hold positive integers");
            }
            sizes[i] = s.get(i).intValue();
            total += sizes[i];
        }
        if (dim < 1 || arms < 1 || total * Math.max(dim, arms) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("quality model JSON: dimension and arms must be positive and the clusters few enough");
        }
        JsonNode w = WeightCodec.objectField(o, "weights");
        return new ClusterModel(dim, arms, sizes,
                WeightCodec.floats(w, "centroids", (int) total * dim),
                WeightCodec.doubles(w, "estimates", (int) total * arms),
                WeightCodec.doubleField(o, "temperature"),
                hyperParametersOf(o));
    }
}
