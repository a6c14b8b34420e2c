package dev.thinkroute.learn.predict;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Trains {@link ClusterModel}s: spherical k-means (seeded k-means++) on the unit embeddings, then per cluster and arm
 * the mean score shrunk toward the arm's overall mean with a prior worth {@code m} queries:
 * (Σ w·y + m·mean) / (Σ w + m), where w is each training query's assignment weight (1 on its nearest centroid at
 * temperature 0, else the softmax of its similarities). The number of clusters, m and the temperature are chosen on
 * validation ({@link RoutingScore.Selection}); the clustering is then redone on all of train with the chosen count.
 *
 * <p>Pure Java, no ML library: seeded and bit-for-bit deterministic, and the centroids and estimates serialise into
 * the router's JSON artifact.
 */
public final class ClusterTrainer implements QualityTrainer {

    /**
     * @param clusterGrid     numbers of clusters to try (capped at the number of training rows)
     * @param shrinkageGrid   prior strengths m to try (≥ 0; 0 = the plain cluster mean)
     * @param temperatureGrid assignment temperatures to try (0 = nearest centroid only)
     * @param iterations      cap on k-means iterations
     * @param selection       how the candidates are compared on validation
     */
    public record Config(List<Integer> clusterGrid, List<Double> shrinkageGrid, List<Double> temperatureGrid, int iterations,
                         String selection) {
        public Config {
            clusterGrid = List.copyOf(clusterGrid);
            shrinkageGrid = List.copyOf(shrinkageGrid);
            temperatureGrid = List.copyOf(temperatureGrid);
            if (clusterGrid.isEmpty() || shrinkageGrid.isEmpty() || temperatureGrid.isEmpty()) {
                throw new IllegalArgumentException("cluster, shrinkage and temperature grids must not be empty");
            }
            for (int c : clusterGrid) if (c < 1) throw new IllegalArgumentException("cluster count must be >= 1, got " + c);
            for (double m : shrinkageGrid) if (!(m >= 0) || Double.isInfinite(m)) throw new IllegalArgumentException("shrinkage must be >= 0, got " + m);
            for (double t : temperatureGrid) if (!(t >= 0) || Double.isInfinite(t)) throw new IllegalArgumentException("temperature must be >= 0, got " + t);
            if (iterations < 1) throw new IllegalArgumentException("iterations must be >= 1, got " + iterations);
            RoutingScore.Selection.of(selection);
        }

        public static Config defaults() {
            return new Config(List.of(8, 16, 32, 64), List.of(1.0, 4.0, 16.0, 64.0), List.of(0.0, 0.02, 0.05), 30, "routing");
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
        RoutingScore.Selection selection = RoutingScore.Selection.of(config.selection());
        int d = train.dimension();
        int arms = train.armCount();
        float[] fitX = units(split.fit());
        float[] monX = units(split.monitor());
        int fitRows = split.fit().size();
        int monRows = split.monitor().size();
        double[] prior = TrainingData.armMeans(split.fit());
        double[][] monY = split.monitor().y();

        List<Integer> counts = new ArrayList<>(new TreeSet<>(config.clusterGrid().stream().map(c -> Math.min(c, fitRows)).toList()));
        ArrayNode tried = JsonNodeFactory.instance.arrayNode();
        double bestLoss = Double.POSITIVE_INFINITY;
        int bestC = counts.getFirst();
        double bestM = config.shrinkageGrid().getFirst();
        double bestT = config.temperatureGrid().getFirst();
        double[][] pred = new double[monRows][arms];
        for (int c : counts) {
            float[] centroids = SphericalKMeans.fit(fitX, d, c, config.iterations(), TrainingData.derive(seed, 4));
            int k = centroids.length / d;
            float[] fitSim = similarities(fitX, d, centroids, k);
            float[] monSim = similarities(monX, d, centroids, k);
            for (double t : config.temperatureGrid()) {
                double[] fitW = weights(fitSim, fitRows, k, t);
                double[] monW = weights(monSim, monRows, k, t);
                double[][] sums = sums(fitW, split.fit().y(), k, arms);
                for (double m : config.shrinkageGrid()) {
                    double[] est = estimates(sums, prior, m, k, arms);
                    for (int r = 0; r < monRows; r++) ClusterModel.mix(monW, r * k, est, k, arms, pred[r]);
                    double loss = selection.loss(pred, monY);
                    tried.addObject().put("clusters", k).put("temperature", t).put("shrinkage", m).put("validation_loss", loss);
                    // Strictly lower: on a tie the earlier (grid-order) candidate stays.
                    if (loss < bestLoss) {
                        bestLoss = loss;
                        bestC = c;
                        bestM = m;
                        bestT = t;
                    }
                }
            }
        }

        // The final clustering uses every training row.
        float[] allX = split.fit() == train ? fitX : units(train);
        float[] centroids = SphericalKMeans.fit(allX, d, Math.min(bestC, train.size()), config.iterations(), TrainingData.derive(seed, 4));
        int k = centroids.length / d;
        double[] w = weights(similarities(allX, d, centroids, k), train.size(), k, bestT);
        double[] est = estimates(sums(w, train.y(), k, arms), TrainingData.armMeans(train), bestM, k, arms);

        ObjectNode hp = JsonNodeFactory.instance.objectNode();
        hp.put("clusters", k);
        hp.put("temperature", bestT);
        hp.put("shrinkage", bestM);
        hp.put("similarity", "cosine");
        hp.put("clustering", "spherical k-means, k-means++ seeding, at most " + config.iterations() + " iterations");
        hp.put("selection", selection.describe());
        hp.put("validation_loss", bestLoss);
        hp.put("validation", split.source());
        hp.put("validation_rows", monRows);
        hp.put("rows", train.size());
        hp.set("candidates", tried);
        return new ClusterModel(d, arms, centroids, est, bestT, hp);
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
        int block = 256;
        GradientFit.parallel((n + block - 1) / block, blk -> {
            for (int r = blk * block; r < Math.min(n, (blk + 1) * block); r++) {
                for (int c = 0; c < k; c++) out[r * k + c] = SphericalKMeans.dot(x, r * d, centroids, c * d, d);
            }
        });
        return out;
    }

    static double[] weights(float[] sim, int rows, int k, double temperature) {
        double[] w = new double[rows * k];
        for (int r = 0; r < rows; r++) ClusterModel.weights(sim, r * k, k, temperature, w, r * k);
        return w;
    }

    /** Per cluster and arm: [Σ w·y, Σ w] over the rows that scored the arm. */
    static double[][] sums(double[] w, double[][] y, int k, int arms) {
        double[] sum = new double[k * arms];
        double[] weight = new double[k * arms];
        for (int r = 0; r < y.length; r++) {
            for (int c = 0; c < k; c++) {
                double wc = w[r * k + c];
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
    static double[] estimates(double[][] sums, double[] prior, double m, int k, int arms) {
        double[] est = new double[k * arms];
        for (int c = 0; c < k; c++) {
            for (int a = 0; a < arms; a++) {
                int i = c * arms + a;
                double den = sums[1][i] + m;
                est[i] = den > 0 ? (sums[0][i] + m * prior[a]) / den : prior[a];
            }
        }
        return est;
    }
}
