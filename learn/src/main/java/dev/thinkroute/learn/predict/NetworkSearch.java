package dev.thinkroute.learn.predict;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Random;
import java.util.function.BiConsumer;
import java.util.function.IntToDoubleFunction;

/**
 * The fit shared by the gradient trainers ({@link MlpTrainer}, {@link MfTrainer}): standardise, hold out a monitor
 * split, train one {@link FlatNetwork} per width in a grid with {@link GradientFit} and keep the one with the lowest
 * validation loss, reporting every candidate in the hyper-parameters.
 */
final class NetworkSearch {

    private NetworkSearch() {
    }

    /** Initialises a network of the given width. */
    interface Init<N extends FlatNetwork> {
        N init(int inputs, int width, int arms, double[] armMeans, Random rng);
    }

    /** The best network, the standardiser it was trained on, and the hyper-parameters to report. */
    record Result<N extends FlatNetwork>(Standardizer standardizer, N best, ObjectNode hyperParameters) {
    }

    /**
     * @param widthField the hyper-parameter that names a width
     * @param widths     the widths to try, in order
     * @param dropout    the dropout rate to train a width with
     * @param describe   adds the chosen network's own hyper-parameters, after its width
     */
    static <N extends FlatNetwork> Result<N> fit(TrainingSet train, TrainingSet validation, long seed, GradientSettings s,
                                                 String widthField, List<Integer> widths, Init<N> init,
                                                 IntToDoubleFunction dropout, BiConsumer<ObjectNode, N> describe) {
        TrainingData.check(train, validation);
        TrainingData.Split split = TrainingData.split(train, validation, seed);
        Standardizer standardizer = Standardizer.fit(split.fit());
        GradientFit.Rows fit = GradientFit.Rows.of(split.fit(), standardizer);
        GradientFit.Rows monitor = GradientFit.Rows.of(split.monitor(), standardizer);
        double[] means = TrainingData.armMeans(split.fit());

        ArrayNode tried = JsonNodeFactory.instance.arrayNode();
        N best = null;
        GradientFit.Outcome bestOutcome = null;
        for (int width : widths) {
            N net = init.init(train.dimension(), width, train.armCount(), means, new Random(TrainingData.derive(seed, 2)));
            GradientFit.Outcome outcome = GradientFit.run(net, fit, monitor, s, dropout.applyAsDouble(width), TrainingData.derive(seed, 3));
            tried.addObject().put(widthField, width).put("validation_loss", outcome.bestLoss()).put("best_epoch", outcome.bestEpoch());
            // Strictly lower: on a tie the earlier (grid-order) candidate stays.
            if (best == null || outcome.bestLoss() < bestOutcome.bestLoss()) {
                best = net;
                bestOutcome = outcome;
            }
        }

        ObjectNode hp = JsonNodeFactory.instance.objectNode();
        hp.put(widthField, best.width());
        describe.accept(hp, best);
        hp.put("loss", "masked binary cross-entropy");
        hp.put("optimiser", "adamw");
        hp.put("learning_rate", s.learningRate());
        hp.put("weight_decay", s.weightDecay());
        hp.put("batch_size", s.batchSize());
        hp.put("max_epochs", s.maxEpochs());
        hp.put("patience", s.patience());
        GradientFit.report(hp, bestOutcome, split);
        hp.set("candidates", tried);
        return new Result<>(standardizer, best, hp);
    }
}
