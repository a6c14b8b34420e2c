package dev.thinkroute.learn.router;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thinkroute.core.Arm;
import dev.thinkroute.core.Thinking;
import dev.thinkroute.core.metric.OutcomeMatrix;
import dev.thinkroute.learn.embed.Encoder;
import dev.thinkroute.learn.predict.QualityModel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Seeded synthetic data shared by the router, train, artifact and report tests: a fake encoder that puts texts
 * starting with {@code A} near one centre and texts starting with {@code B} near another, and outcome tables whose
 * right answer is known.
 */
public final class Synthetic {

    /** Embedding length of {@link ClusterEncoder}. */
    public static final int DIM = 24;

    public static final Arm CHEAP = new Arm("cheap-model", Thinking.OFF);
    public static final Arm MID = new Arm("mid-model", Thinking.ON);
    public static final Arm STRONG = new Arm("strong-model", new Thinking.Budget(2048));

    /** Centre of cluster A, a unit vector. */
    public static final float[] CENTRE_A;
    /** Centre of cluster B, a unit vector orthogonal to {@link #CENTRE_A}. */
    public static final float[] CENTRE_B;

    static {
        Random r = new Random(20240611L);
        float[] a = gaussian(r, DIM);
        float[] b = gaussian(r, DIM);
        a = unit(a);
        double d = dot(a, b);
        for (int i = 0; i < DIM; i++) b[i] -= (float) (d * a[i]);
        CENTRE_A = a;
        CENTRE_B = unit(b);
    }

    private Synthetic() {
    }

    /**
     * Texts starting with {@code A} (or {@code B}) embed near {@link #CENTRE_A} (or {@link #CENTRE_B}); anything
     * else embeds to a random unit vector. Deterministic per text and thread-safe (no shared state).
     */
    public static final class ClusterEncoder implements Encoder {
        public static final String ID = "fake-clusters-v1";
        private final String id;
        private final int dimension;

        public ClusterEncoder() {
            this(ID, DIM);
        }

        public ClusterEncoder(String id, int dimension) {
            this.id = id;
            this.dimension = dimension;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public int dimension() {
            return dimension;
        }

        @Override
        public float[] embed(String text) {
            Random r = new Random(31L * text.hashCode() + 7);
            float[] v = new float[dimension];
            float[] centre = text.startsWith("A") ? CENTRE_A : text.startsWith("B") ? CENTRE_B : null;
            for (int i = 0; i < dimension; i++) {
                double noise = r.nextGaussian();
                v[i] = centre == null || i >= DIM ? (float) noise : (float) (centre[i] + 0.3 * noise / Math.sqrt(dimension));
            }
            return unit(v);
        }

        @Override
        public void close() {
        }
    }

    /**
     * {@code perCluster} rows per cluster, alternating A and B (texts {@code A0, B0, A1, B1, …}); arm 0 ({@link #CHEAP},
     * $0.001) scores 1 on A and 0 on B; arm 1 ({@link #STRONG}, $0.01) scores 1 everywhere. No token counts.
     */
    public static OutcomeMatrix cheapGoodOnA(int perCluster) {
        int n = 2 * perCluster;
        List<String> ids = new ArrayList<>(), texts = new ArrayList<>();
        double[][] s = new double[n][], c = new double[n][];
        for (int i = 0; i < perCluster; i++) {
            for (String cluster : List.of("A", "B")) {
                int row = ids.size();
                ids.add("q" + row);
                texts.add(cluster + i);
                s[row] = new double[]{cluster.equals("A") ? 1 : 0, 1};
                c[row] = new double[]{0.001, 0.01};
            }
        }
        return new OutcomeMatrix(ids, texts, List.of(CHEAP, STRONG), s, c, nan(n, 2), nan(n, 2));
    }

    /**
     * A noisier three-arm table: {@link #CHEAP} ($0.001 ± 10%) scores 1 on A with probability 0.9 and on B with 0.1;
     * {@link #MID} ($0.004 ± 10%) scores 1 with probability 0.6 anywhere; {@link #STRONG} ($0.01 ± 10%) with 0.95
     * anywhere. Rows alternate A and B. No token counts.
     */
    public static OutcomeMatrix noisyThreeArms(int perCluster, long seed) {
        Random r = new Random(seed);
        int n = 2 * perCluster;
        List<String> ids = new ArrayList<>(), texts = new ArrayList<>();
        double[][] s = new double[n][], c = new double[n][];
        for (int i = 0; i < perCluster; i++) {
            for (String cluster : List.of("A", "B")) {
                int row = ids.size();
                ids.add("q" + row);
                texts.add(cluster + i);
                boolean a = cluster.equals("A");
                s[row] = new double[]{bernoulli(r, a ? 0.9 : 0.1), bernoulli(r, 0.6), bernoulli(r, 0.95)};
                c[row] = new double[]{0.001 * jitter(r), 0.004 * jitter(r), 0.01 * jitter(r)};
            }
        }
        return new OutcomeMatrix(ids, texts, List.of(CHEAP, MID, STRONG), s, c, nan(n, 3), nan(n, 3));
    }

    /** Each row's query embedded by {@code encoder}. */
    public static float[][] embed(Encoder encoder, OutcomeMatrix m) {
        float[][] x = new float[m.size()][];
        for (int q = 0; q < m.size(); q++) x[q] = encoder.embed(m.queries().get(q));
        return x;
    }

    /** A quality model given as a function of the embedding (for hand-set predictions). */
    public static QualityModel model(int arms, Function<float[], double[]> predict) {
        return new QualityModel() {
            @Override
            public String kind() {
                return "hand-set";
            }

            @Override
            public int armCount() {
                return arms;
            }

            @Override
            public double[] predict(float[] embedding) {
                return predict.apply(embedding);
            }

            @Override
            public ObjectNode hyperParameters() {
                return JsonNodeFactory.instance.objectNode();
            }

            @Override
            public ObjectNode toJson() {
                return JsonNodeFactory.instance.objectNode().put("kind", "hand-set");
            }
        };
    }

    /** A cost model that always predicts the given mean costs. */
    public static CostModel flatCosts(double... mean) {
        int k = mean.length;
        return new CostModel(new double[k], new double[k], new double[k], mean, new boolean[k]);
    }

    public static double[][] nan(int n, int k) {
        double[][] m = new double[n][k];
        for (double[] row : m) Arrays.fill(row, Double.NaN);
        return m;
    }

    public static double dot(float[] u, float[] v) {
        double s = 0;
        for (int i = 0; i < u.length; i++) s += (double) u[i] * v[i];
        return s;
    }

    private static double bernoulli(Random r, double p) {
        return r.nextDouble() < p ? 1 : 0;
    }

    private static double jitter(Random r) {
        return 0.9 + 0.2 * r.nextDouble();
    }

    private static float[] gaussian(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian();
        return v;
    }

    private static float[] unit(float[] v) {
        double s = 0;
        for (float f : v) s += (double) f * f;
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) out[i] = (float) (v[i] / Math.sqrt(s));
        return out;
    }
}
