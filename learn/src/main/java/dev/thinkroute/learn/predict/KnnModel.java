package dev.thinkroute.learn.predict;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * k-nearest-neighbour quality: a query's expected score on an arm is the mean (optionally similarity-weighted) of that
 * arm's scores on the k training queries most cosine-similar to it; neighbours without a score for the arm are
 * skipped, and an arm none of them scored falls back to its mean over all training rows. Holds its training
 * embeddings (unit-normalised, one flat row-major matrix) and scores; a query scans them once and keeps the top k in a
 * bounded heap, O(n·dimension + n·log k), with no full sort.
 */
public final class KnnModel extends AbstractQualityModel {

    static final String KIND = "knn";
    private static final int FORMAT = 1;

    /** How neighbours' scores are averaged. */
    public enum Weighting {
        /** Plain mean of the k neighbours' scores. */
        UNIFORM,
        /** Mean weighted by max(cosine similarity, 0): nearer neighbours count more. */
        SIMILARITY;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Weighting of(String label) {
            for (Weighting w : values()) if (w.label().equals(label)) return w;
            throw new IllegalArgumentException("unknown kNN weighting '" + label + "' (known: uniform, similarity)");
        }
    }

    private final int dimension;
    private final int rows;
    private final int arms;
    private final float[] x;
    private final double[] y;
    private final double[] prior;
    private final int k;
    private final Weighting weighting;

    /**
     * @param x     unit-normalised embeddings, row-major (rows × dimension)
     * @param y     scores, row-major (rows × arms), NaN where unobserved
     * @param prior each arm's fallback score
     */
    KnnModel(int dimension, int arms, float[] x, double[] y, double[] prior, int k, Weighting weighting, ObjectNode hyperParameters) {
        super(KIND, FORMAT, hyperParameters);
        this.dimension = dimension;
        this.arms = arms;
        this.rows = x.length / dimension;
        if (x.length != rows * dimension || y.length != rows * arms || prior.length != arms) {
            throw new IllegalArgumentException("kNN weights do not fit " + rows + " rows × " + dimension + " dimensions × " + arms + " arms");
        }
        if (k < 1) throw new IllegalArgumentException("k must be >= 1, got " + k);
        this.x = x;
        this.y = y;
        this.prior = prior;
        this.k = Math.min(k, rows);
        this.weighting = weighting;
    }

    @Override
    public int armCount() {
        return arms;
    }

    public int k() {
        return k;
    }

    public Weighting weighting() {
        return weighting;
    }

    @Override
    public double[] predict(float[] embedding) {
        checkDimension(embedding, dimension);
        float[] q = new float[dimension];
        unit(embedding, q);
        int[] idx = new int[k];
        float[] sim = new float[k];
        neighbours(q, idx, sim);
        double[] out = new double[arms];
        aggregate(idx, sim, k, weighting, out);
        return out;
    }

    /** The {@code idx.length} rows most similar to unit vector {@code q}, best first (ties: lower row first). */
    void neighbours(float[] q, int[] idx, float[] sim) {
        int size = 0;
        int cap = idx.length;
        // A min-heap whose root is the worst neighbour kept so far.
        for (int r = 0; r < rows; r++) {
            float s = dot(q, r * dimension);
            if (size < cap) {
                idx[size] = r;
                sim[size] = s;
                siftUp(idx, sim, size++);
            } else if (s > sim[0]) { // equal similarity: the earlier row, already kept, wins
                idx[0] = r;
                sim[0] = s;
                siftDown(idx, sim, 0, size);
            }
        }
        // Pop the worst to the back until the heap is empty: the arrays end up best first.
        for (int end = size - 1; end > 0; end--) {
            swap(idx, sim, 0, end);
            siftDown(idx, sim, 0, end);
        }
    }

    /** Prediction from the first {@code k} neighbours of a best-first list. */
    void aggregate(int[] idx, float[] sim, int k, Weighting weighting, double[] out) {
        for (int a = 0; a < arms; a++) {
            double num = 0;
            double den = 0;
            double plain = 0;
            int seen = 0;
            for (int j = 0; j < k; j++) {
                double v = y[idx[j] * arms + a];
                if (Double.isNaN(v)) continue;
                double w = weighting == Weighting.UNIFORM ? 1 : Math.max(sim[j], 0);
                num += w * v;
                den += w;
                plain += v;
                seen++;
            }
            if (seen == 0) out[a] = prior[a];
            else if (den > 0) out[a] = num / den;
            else out[a] = plain / seen; // every scored neighbour dissimilar (similarity ≤ 0): no basis to weight
        }
    }

    int rows() {
        return rows;
    }

    private float dot(float[] q, int offset) {
        // Four independent sums: a fixed order (so deterministic) that lets the CPU overlap the additions.
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 3 < dimension; i += 4) {
            s0 += q[i] * x[offset + i];
            s1 += q[i + 1] * x[offset + i + 1];
            s2 += q[i + 2] * x[offset + i + 2];
            s3 += q[i + 3] * x[offset + i + 3];
        }
        for (; i < dimension; i++) s0 += q[i] * x[offset + i];
        return (s0 + s1) + (s2 + s3);
    }

    /** Worse = lower similarity, or equal similarity and a later row. */
    private static boolean worse(int[] idx, float[] sim, int a, int b) {
        return sim[a] < sim[b] || (sim[a] == sim[b] && idx[a] > idx[b]);
    }

    private static void siftUp(int[] idx, float[] sim, int i) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!worse(idx, sim, i, parent)) return;
            swap(idx, sim, i, parent);
            i = parent;
        }
    }

    private static void siftDown(int[] idx, float[] sim, int i, int size) {
        while (true) {
            int l = 2 * i + 1;
            if (l >= size) return;
            int r = l + 1;
            int w = r < size && worse(idx, sim, r, l) ? r : l;
            if (!worse(idx, sim, w, i)) return;
            swap(idx, sim, i, w);
            i = w;
        }
    }

    private static void swap(int[] idx, float[] sim, int a, int b) {
        int ti = idx[a];
        idx[a] = idx[b];
        idx[b] = ti;
        float ts = sim[a];
        sim[a] = sim[b];
        sim[b] = ts;
    }

    /** {@code in / |in|} into {@code out}; a zero vector stays zero. Cosine similarity of two units is their dot product. */
    static void unit(float[] in, float[] out) {
        double sq = 0;
        for (float v : in) sq += (double) v * v;
        double norm = Math.sqrt(sq);
        for (int i = 0; i < in.length; i++) out[i] = norm > 0 ? (float) (in[i] / norm) : 0f;
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode o = jsonHeader();
        o.put("dimension", dimension);
        o.put("arms", arms);
        o.put("rows", rows);
        o.put("k", k);
        o.put("weighting", weighting.label());
        putHyperParameters(o);
        ObjectNode w = o.putObject("weights");
        WeightCodec.putFloats(w, "embeddings", x, rows, dimension);
        WeightCodec.putDoubles(w, "scores", y, rows, arms);
        WeightCodec.putDoubles(w, "arm_prior", prior, arms);
        return o;
    }

    /** Rebuilds a model from {@link #toJson()}. */
    public static KnnModel fromJson(JsonNode o) {
        checkFormat(o, KIND, FORMAT);
        int dim = WeightCodec.intField(o, "dimension");
        int arms = WeightCodec.intField(o, "arms");
        int rows = WeightCodec.intField(o, "rows");
        JsonNode w = WeightCodec.objectField(o, "weights");
        return new KnnModel(dim, arms,
                WeightCodec.floats(w, "embeddings", rows * dim),
                WeightCodec.doubles(w, "scores", rows * arms),
                WeightCodec.doubles(w, "arm_prior", arms),
                WeightCodec.intField(o, "k"),
                Weighting.of(WeightCodec.textField(o, "weighting")),
                hyperParametersOf(o));
    }
}
