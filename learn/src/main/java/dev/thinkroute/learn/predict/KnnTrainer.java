package dev.thinkroute.learn.predict;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Trains {@link KnnModel}s: chooses k and the weighting on validation, then keeps every training row.
 *
 * <p>The choice minimises the mean squared error of the per-arm predictions over the validation cells that have a
 * score (the Brier score when scores are 0/1). The policy ranks arms by q̂ − α·ĉ, so what matters is that each arm's
 * estimate is right on its own scale, which a proper scoring rule per cell measures directly. When no validation set is
 * given, a seeded 15% of train is held out for the choice, and the model then uses all of train.
 *
 * <p>Pure Java, no ML library: the model is a table, the choice is seeded and bit-for-bit deterministic, and the
 * table serialises into the router's JSON artifact.
 */
public final class KnnTrainer implements QualityTrainer {

    /**
     * @param kGrid      neighbour counts to try (values above the number of training rows are capped to it)
     * @param weightings averaging schemes to try
     */
    public record Config(List<Integer> kGrid, List<KnnModel.Weighting> weightings) {
        public Config {
            kGrid = List.copyOf(kGrid);
            weightings = List.copyOf(weightings);
            if (kGrid.isEmpty()) throw new IllegalArgumentException("kGrid is empty");
            if (weightings.isEmpty()) throw new IllegalArgumentException("weightings is empty");
            for (int k : kGrid) if (k < 1) throw new IllegalArgumentException("k must be >= 1, got " + k);
        }

        /** k ∈ {5, 10, 20, 40, 80, 160}, uniform and similarity-weighted means. */
        public static Config defaults() {
            return new Config(List.of(5, 10, 20, 40, 80, 160), List.of(KnnModel.Weighting.UNIFORM, KnnModel.Weighting.SIMILARITY));
        }
    }

    /** Validation rows per parallel block. */
    private static final int BLOCK = 32;

    private final Config config;

    public KnnTrainer() {
        this(Config.defaults());
    }

    public KnnTrainer(Config config) {
        this.config = config;
    }

    public Config config() {
        return config;
    }

    @Override
    public String kind() {
        return KnnModel.KIND;
    }

    @Override
    public KnnModel fit(TrainingSet train, TrainingSet validation, long seed) {
        TrainingData.check(train, validation);
        TrainingData.Split split = TrainingData.split(train, validation, seed);
        KnnModel searcher = table(split.fit(), 1, KnnModel.Weighting.UNIFORM, JsonNodeFactory.instance.objectNode());

        // Candidates in grid order; on equal error the earlier one (smaller k, first weighting) is kept.
        List<Integer> ks = new ArrayList<>(new TreeSet<>(config.kGrid().stream().map(k -> Math.min(k, searcher.rows())).toList()));
        int maxK = ks.getLast();
        int candidates = ks.size() * config.weightings().size();
        TrainingSet monitor = split.monitor();
        int arms = train.armCount();
        int blocks = (monitor.size() + BLOCK - 1) / BLOCK;
        double[][] sse = new double[blocks][candidates];
        long[] cells = new long[blocks];
        GradientFit.parallel(blocks, blk -> {
            float[] q = new float[train.dimension()];
            int[] idx = new int[maxK];
            float[] sim = new float[maxK];
            double[] pred = new double[arms];
            for (int r = blk * BLOCK; r < Math.min(monitor.size(), (blk + 1) * BLOCK); r++) {
                double[] y = monitor.y()[r];
                KnnModel.unit(monitor.x()[r], q);
                searcher.neighbours(q, idx, sim);
                int c = 0;
                for (KnnModel.Weighting w : config.weightings()) {
                    for (int k : ks) {
                        searcher.aggregate(idx, sim, k, w, pred);
                        for (int a = 0; a < arms; a++) {
                            if (!Double.isNaN(y[a])) {
                                double e = pred[a] - y[a];
                                sse[blk][c] += e * e;
                            }
                        }
                        c++;
                    }
                }
                for (int a = 0; a < arms; a++) if (!Double.isNaN(y[a])) cells[blk]++;
            }
        });

        long totalCells = 0;
        for (long c : cells) totalCells += c;
        ArrayNode tried = JsonNodeFactory.instance.arrayNode();
        int bestK = ks.getFirst();
        KnnModel.Weighting bestW = config.weightings().getFirst();
        double bestMse = Double.POSITIVE_INFINITY;
        int c = 0;
        for (KnnModel.Weighting w : config.weightings()) {
            for (int k : ks) {
                double sum = 0;
                for (int b = 0; b < blocks; b++) sum += sse[b][c];
                double mse = sum / totalCells;
                tried.addObject().put("k", k).put("weighting", w.label()).put("validation_mse", mse);
                if (mse < bestMse) {
                    bestMse = mse;
                    bestK = k;
                    bestW = w;
                }
                c++;
            }
        }

        ObjectNode hp = JsonNodeFactory.instance.objectNode();
        hp.put("k", bestK);
        hp.put("weighting", bestW.label());
        hp.put("similarity", "cosine");
        hp.put("selection", "mean squared error of per-arm predictions on validation");
        hp.put("validation_mse", bestMse);
        hp.put("validation", split.source());
        hp.put("validation_rows", monitor.size());
        hp.put("rows", train.size());
        hp.set("candidates", tried);
        // The choice was made with split.fit() as the table; the model keeps every training row.
        return table(train, bestK, bestW, hp);
    }

    private static KnnModel table(TrainingSet set, int k, KnnModel.Weighting weighting, ObjectNode hp) {
        int d = set.dimension();
        int arms = set.armCount();
        float[] x = new float[set.size() * d];
        float[] row = new float[d];
        for (int r = 0; r < set.size(); r++) {
            KnnModel.unit(set.x()[r], row);
            System.arraycopy(row, 0, x, r * d, d);
        }
        return new KnnModel(d, arms, x, TrainingData.flatY(set), TrainingData.armMeans(set), k, weighting, hp);
    }
}
