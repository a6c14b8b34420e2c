package dev.thinkroute.learn.predict;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Trains {@link ClusterModel}s. Several clusterings of the training embeddings are made, {@code seeds} for each number
 * of clusters in {@code resolutions}, by spherical k-means (seeded k-means++, on a seeded sample of at most
 * {@code sampleRows} rows); every training query then gets weights on each clustering's clusters (1 on its nearest
 * centroid at temperature 0, else the softmax of its similarities), and each cluster's estimate for an arm is the
 * weighted mean score shrunk toward the arm's overall mean with a prior worth m queries:
 * (Σ w·y + m·mean) / (Σ w + m). The shrinkage m and the temperature are chosen on validation
 * ({@link RoutingScore}); the estimates are then recomputed from every training row.
 *
 * <p>Averaging resolutions rather than choosing one: on held-out data the clusterings of different sizes and seeds
 * route about equally well on average, but any single one varies with its seed by more than they differ, and the
 * in-distribution hold-out cannot tell which size will hold up on a shifted test set; the average of all of them
 * routed about as well as the best single size and was far steadier across seeds.
 *
 * <p>Pure Java, no ML library: seeded and bit-for-bit deterministic, and the centroids and estimates serialise into
 * the router's JSON artifact.
 */
public final class ClusterTrainer implements QualityTrainer {

    /**
     * @param resolutions     numbers of clusters of the member clusterings (each capped at the number of rows)
     * @param seeds           clusterings per resolution, differently seeded
     * @param shrinkageGrid   prior strengths m to try (≥ 0; 0 = the plain cluster mean)
     * @param temperatureGrid assignment temperatures to try (0 = nearest centroid only)
     * @param iterations      cap on k-means iterations
     * @param sampleRows      at most this many rows (a seeded sample) place the centroids; every row counts in the estimates
     * @param criterion       what candidates are compared by on validation: {@code routing} or {@code brier}
     * @param rule            how one is picked: {@code best} or {@code one-standard-error} (smoothest within noise)
     */
    public record Config(List<Integer> resolutions, int seeds, List<Double> shrinkageGrid, List<Double> temperatureGrid,
                         int iterations, int sampleRows, String criterion, String rule) {
        public Config {
            resolutions = List.copyOf(resolutions);
            shrinkageGrid = List.copyOf(shrinkageGrid);
            temperatureGrid = List.copyOf(temperatureGrid);
            if (resolutions.isEmpty() || shrinkageGrid.isEmpty() || temperatureGrid.isEmpty()) {
                throw new IllegalArgumentException("resolutions, shrinkage and temperature grids must not be empty");
            }
            for (int c : resolutions) if (c < 1) throw new IllegalArgumentException("cluster count must be >= 1, got " + c);
            if (seeds < 1) throw new IllegalArgumentException("seeds must be >= 1, got " + seeds);
            for (double m : shrinkageGrid) if (!(m >= 0) || Double.isInfinite(m)) throw new IllegalArgumentException("shrinkage must be >= 0, got " + m);
            for (double t : temperatureGrid) if (!(t >= 0) || Double.isInfinite(t)) throw new IllegalArgumentException("temperature must be >= 0, got " + t);
            if (iterations < 1) throw new IllegalArgumentException("iterations must be >= 1, got " + iterations);
            if (sampleRows < 1) throw new IllegalArgumentException("sampleRows must be >= 1, got " + sampleRows);
            RoutingScore.Criterion.of(criterion);
            RoutingScore.Rule.of(rule);
        }

        /**
         * Clusterings of 8, 16, 32 and 64 clusters, two seeds each (so 240 centroids); m ∈ {1, 4, 16, 64} and
         * temperature ∈ {0, 0.02, 0.05, 0.1}, chosen by the squared error; k-means on at most 8000 rows, 20 iterations.
         * On the LLMRouter table (train.json → test.json, MiniLM) this routed as well as the best of single
         * resolutions 8–256 with 1–8 seeds each, and steadier across seeds; k-means on every row rather than a 4000-row
         * sample helped there. The squared error chose as well as the routing criterion there and better on the
         * RouteLLM and OpenAI tables. A fit on 11k rows takes about 4 s on 2 cores.
         */
        public static Config defaults() {
            return new Config(List.of(8, 16, 32, 64), 2, List.of(1.0, 4.0, 16.0, 64.0), List.of(0.0, 0.02, 0.05, 0.1), 20, 8000, "brier", "best");
        }
    }

    private final Config config;

    public ClusterTrainer() {
        this(Config.defaults());
    }

    public ClusterTrainer(Config config) {
        this.config = config;
    }

    public Config config() {
        return config;
    }

    @Override
    public String kind() {
        return ClusterModel.KIND;
    }

    @Override
    public ClusterModel fit(TrainingSet train, TrainingSet validation, long seed) {
        TrainingData.check(train, validation);
        TrainingData.Split split = TrainingData.split(train, validation, seed);
        RoutingScore.Criterion criterion = RoutingScore.Criterion.of(config.criterion());
        RoutingScore.Rule rule = RoutingScore.Rule.of(config.rule());
        int d = train.dimension();
        int arms = train.armCount();
        float[] fitX = units(split.fit());
        int fitRows = split.fit().size();

        // The member clusterings, placed on (a sample of) the fitting rows.
        float[] sample = sample(fitX, d, config.sampleRows(), new Random(TrainingData.derive(seed, 4)));
        int sampleRows = sample.length / d;
        List<Integer> sizeList = new ArrayList<>();
        List<float[]> parts = new ArrayList<>();
        int member = 0;
        for (int c : config.resolutions()) {
            for (int s = 0; s < config.seeds(); s++) {
                float[] centroids = SphericalKMeans.fit(sample, d, Math.min(c, sampleRows), config.iterations(),
                        TrainingData.derive(TrainingData.derive(seed, 5), member++));
                sizeList.add(centroids.length / d);
                parts.add(centroids);
            }
        }
        int[] sizes = sizeList.stream().mapToInt(Integer::intValue).toArray();
        int total = Arrays.stream(sizes).sum();
        float[] centroids = new float[total * d];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, centroids, at, p.length);
            at += p.length;
        }

        float[] fitSim = similarities(fitX, d, centroids, total);
        float[] monSim = similarities(units(split.monitor()), d, centroids, total);
        int monRows = split.monitor().size();
        double[] prior = TrainingData.armMeans(split.fit());
        double[][] monY = split.monitor().y();
        // Candidates smoothest first: the highest temperature, then the strongest shrinkage.
        List<Double> temperatures = config.temperatureGrid().stream().distinct().sorted(java.util.Comparator.reverseOrder()).toList();
        List<Double> shrinkages = config.shrinkageGrid().stream().distinct().sorted(java.util.Comparator.reverseOrder()).toList();
        List<double[]> losses = new ArrayList<>();
        List<double[]> candidates = new ArrayList<>();
        double[][] pred = new double[monRows][arms];
        for (double t : temperatures) {
            double[][] sums = sums(weights(fitSim, fitRows, sizes, t), split.fit().y(), total, arms);
            double[] monW = weights(monSim, monRows, sizes, t);
            for (double m : shrinkages) {
                double[] est = estimates(sums, prior, m, total, arms);
                for (int r = 0; r < monRows; r++) ClusterModel.mix(monW, r * total, sizes.length, est, total, arms, pred[r]);
                losses.add(criterion.rowLosses(pred, monY));
                candidates.add(new double[]{t, m});
            }
        }
        RoutingScore.Choice choice = RoutingScore.choose(losses, rule);
        double bestT = candidates.get(choice.index())[0];
        double bestM = candidates.get(choice.index())[1];
        ArrayNode tried = JsonNodeFactory.instance.arrayNode();
        for (int c = 0; c < candidates.size(); c++) {
            tried.addObject().put("temperature", candidates.get(c)[0]).put("shrinkage", candidates.get(c)[1]).put("validation_loss", choice.losses()[c]);
        }

        // The estimates count every training row.
        float[] trainSim = split.fit() == train ? fitSim : similarities(units(train), d, centroids, total);
        double[] est = estimates(sums(weights(trainSim, train.size(), sizes, bestT), train.y(), total, arms),
                TrainingData.armMeans(train), bestM, total, arms);

        ObjectNode hp = JsonNodeFactory.instance.objectNode();
        ArrayNode sizeNode = hp.putArray("clusters");
        for (int s : sizes) sizeNode.add(s);
        hp.put("temperature", bestT);
        hp.put("shrinkage", bestM);
        hp.put("similarity", "cosine");
        hp.put("clustering", "spherical k-means, k-means++ seeding, at most " + config.iterations() + " iterations on "
                + sampleRows + " rows");
        hp.put("selection", criterion.describe() + " on validation; rule: " + rule.label());
        hp.put("validation_loss", choice.losses()[choice.index()]);
        hp.put("lowest_validation_loss", choice.losses()[choice.best()]);
        hp.put("validation", split.source());
        hp.put("validation_rows", monRows);
        hp.put("rows", train.size());
        hp.set("candidates", tried);
        return new ClusterModel(d, arms, sizes, centroids, est, bestT, hp);
    }

    /** At most {@code max} rows of {@code x}, drawn without replacement and kept in their original order. */
    static float[] sample(float[] x, int d, int max, Random rng) {
        int n = x.length / d;
        if (n <= max) return x;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        TrainingData.shuffle(order, rng);
        int[] kept = Arrays.copyOf(order, max);
        Arrays.sort(kept);
        float[] out = new float[max * d];
        for (int i = 0; i < max; i++) System.arraycopy(x, kept[i] * d, out, i * d, d);
        return out;
    }

    /** The rows' unit embeddings, row-major. */
    static float[] units(TrainingSet set) {
        int d = set.dimension();
        float[] out = new float[set.size() * d];
        float[] row = new float[d];
        for (int r = 0; r < set.size(); r++) {
            KnnModel.unit(set.x()[r], row);
            System.arraycopy(row, 0, out, r * d, d);
        }
        return out;
    }

    /** Cosine similarity of every row to every centroid, row-major (rows × k). */
    static float[] similarities(float[] x, int d, float[] centroids, int k) {
        int n = x.length / d;
        float[] out = new float[n * k];
        int block = 64;
        GradientFit.parallel((n + block - 1) / block, blk -> {
            for (int r = blk * block; r < Math.min(n, (blk + 1) * block); r++) {
                for (int c = 0; c < k; c++) out[r * k + c] = SphericalKMeans.dot(x, r * d, centroids, c * d, d);
            }
        });
        return out;
    }

    static double[] weights(float[] sim, int rows, int[] sizes, double temperature) {
        int total = Arrays.stream(sizes).sum();
        double[] w = new double[rows * total];
        for (int r = 0; r < rows; r++) ClusterModel.weights(sim, r * total, sizes, temperature, w, r * total);
        return w;
    }

    /** Per cluster and arm: [Σ w·y, Σ w] over the rows that scored the arm. */
    static double[][] sums(double[] w, double[][] y, int total, int arms) {
        double[] sum = new double[total * arms];
        double[] weight = new double[total * arms];
        for (int r = 0; r < y.length; r++) {
            for (int c = 0; c < total; c++) {
                double wc = w[r * total + c];
                if (wc == 0) continue;
                for (int a = 0; a < arms; a++) {
                    double v = y[r][a];
                    if (Double.isNaN(v)) continue;
                    sum[c * arms + a] += wc * v;
                    weight[c * arms + a] += wc;
                }
            }
        }
        return new double[][]{sum, weight};
    }

    /** (Σ w·y + m·prior) / (Σ w + m); the prior alone where a cluster has no weight on an arm. */
    static double[] estimates(double[][] sums, double[] prior, double m, int total, int arms) {
        double[] est = new double[total * arms];
        for (int c = 0; c < total; c++) {
            for (int a = 0; a < arms; a++) {
                int i = c * arms + a;
                double den = sums[1][i] + m;
                est[i] = den > 0 ? (sums[0][i] + m * prior[a]) / den : prior[a];
            }
        }
        return est;
    }
}
