package dev.thinkroute.learn.predict;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
        TrainingData.check(train, validation);
        TrainingData.Split split = TrainingData.split(train, validation, seed);
        Standardizer standardizer = Standardizer.fit(split.fit());
        GradientFit.Rows fit = GradientFit.Rows.of(split.fit(), standardizer);
        GradientFit.Rows monitor = GradientFit.Rows.of(split.monitor(), standardizer);
        double[] means = TrainingData.armMeans(split.fit());
        GradientSettings s = config.optimisation();

        ArrayNode tried = JsonNodeFactory.instance.arrayNode();
        Mf best = null;
        GradientFit.Outcome bestOutcome = null;
        for (int rank : config.rankGrid()) {
            Mf net = Mf.init(train.dimension(), rank, train.armCount(), means, new Random(TrainingData.derive(seed, 2)));
            GradientFit.Outcome outcome = GradientFit.run(net, fit, monitor, s, 0, TrainingData.derive(seed, 3));
            tried.addObject().put("rank", rank).put("validation_loss", outcome.bestLoss()).put("best_epoch", outcome.bestEpoch());
            if (best == null || outcome.bestLoss() < bestOutcome.bestLoss()) {
                best = net;
                bestOutcome = outcome;
            }
        }

        ObjectNode hp = JsonNodeFactory.instance.objectNode();
        hp.put("rank", best.rank());
        hp.put("loss", "masked binary cross-entropy");
        hp.put("optimiser", "adamw");
        hp.put("learning_rate", s.learningRate());
        hp.put("weight_decay", s.weightDecay());
        hp.put("batch_size", s.batchSize());
        hp.put("max_epochs", s.maxEpochs());
        hp.put("patience", s.patience());
        GradientFit.report(hp, bestOutcome, split);
        hp.set("candidates", tried);
        return new MfModel(standardizer, best, hp);
    }
}
