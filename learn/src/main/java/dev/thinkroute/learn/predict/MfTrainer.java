package dev.thinkroute.learn.predict;

import java.util.List;
import java.util.Random;

/**
 * Trains {@link MfModel}s, RouteLLM's matrix-factorisation router generalised from a model pair to per-arm logits:
 * a learned projection P (d × dimension) of the query embedding against a learned vector and bias per arm, fitted by
 * masked binary cross-entropy with AdamW and early stopping ({@link GradientSettings}); d is chosen from a grid on the
 * validation loss.
 *
 * <p>Pure Java, no ML library: the model is small, training must be seeded and bit-for-bit deterministic (fixed
 * summation order, StrictMath, {@link Random}), and the weights must serialise into the router's JSON artifact.
 */
public final class MfTrainer implements QualityTrainer {

    /**
     * @param rankGrid     latent dimensions d to try
     * @param optimisation how each candidate is optimised and stopped
     */
    public record Config(List<Integer> rankGrid, GradientSettings optimisation) {
        public Config {
            rankGrid = List.copyOf(rankGrid);
            if (rankGrid.isEmpty()) throw new IllegalArgumentException("rankGrid is empty");
            for (int d : rankGrid) if (d < 1) throw new IllegalArgumentException("rank must be >= 1, got " + d);
        }

        /**
         * d ∈ {16, 64}; Adam 3e-4, decoupled decay 1, batches of 64, at most 60 epochs, patience 8. A linear model of
         * the embedding overfits within a few epochs at higher rates; on the LLMRouter table (5.6k × 9) this slower,
         * more decayed setting was the best of rates 3e-4–3e-3, decays 0.01–10 and d 8–128.
         */
        public static Config defaults() {
            return new Config(List.of(16, 64), new GradientSettings(3e-4, 1.0, 64, 60, 8));
        }
    }

    private final Config config;

    public MfTrainer() {
        this(Config.defaults());
    }

    public MfTrainer(Config config) {
        this.config = config;
    }

    public Config config() {
        return config;
    }

    @Override
    public String kind() {
        return MfModel.KIND;
    }

    @Override
    public MfModel fit(TrainingSet train, TrainingSet validation, long seed) {
        NetworkSearch.Result<Mf> r = NetworkSearch.fit(train, validation, seed, config.optimisation(), "rank", config.rankGrid(),
                Mf::init, rank -> 0, (hp, best) -> {
                });
        return new MfModel(r.standardizer(), r.best(), r.hyperParameters());
    }
}
