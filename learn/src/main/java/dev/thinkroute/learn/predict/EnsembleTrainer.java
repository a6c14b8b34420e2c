package dev.thinkroute.learn.predict;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Trains {@link EnsembleModel}s: each member kind is trained with its own default settings on the same rows and seed
 * (so every member holds out the same validation rows), and the weights of their mean are chosen on those rows from
 * a grid on the simplex ({@code weightStep}), by {@link RoutingScore}'s criterion and rule. Candidates are listed with
 * the first member's weight highest first, so under the one-standard-error rule the ensemble leans on the first
 * member (the smoothest: the cluster model) unless the others are measurably better on validation.
 *
 * <p>To measure the members on the validation rows, each is first trained without them; a member whose final model
 * keeps every training row (kNN, cluster) is then trained again on all of train, while one that never trains on the
 * held-out rows (MLP, MF: they stop early on them) is the same model both times and is trained once.
 */
public final class EnsembleTrainer implements QualityTrainer {

    /**
     * @param members    the member kinds, smoothest first (not {@code ensemble})
     * @param weightStep the spacing of the weight grid on the simplex, 1/n for a whole n; 0 for equal weights only
     * @param criterion  what weightings are compared by on validation: {@code routing} or {@code brier}
     * @param rule       how one is picked: {@code best} or {@code one-standard-error}
     */
    public record Config(List<String> members, double weightStep, String criterion, String rule) {
        public Config {
            members = List.copyOf(members);
            if (members.isEmpty()) throw new IllegalArgumentException("an ensemble needs a member");
            if (members.stream().distinct().count() != members.size()) throw new IllegalArgumentException("ensemble members repeat: " + members);
            for (String m : members) {
                if (EnsembleModel.KIND.equals(m)) throw new IllegalArgumentException("an ensemble cannot hold an ensemble");
                QualityModels.trainer(m);
            }
            if (!(weightStep >= 0 && weightStep <= 1)) throw new IllegalArgumentException("weightStep must be in [0, 1], got " + weightStep);
            if (weightStep > 0 && Math.abs(1 / weightStep - Math.rint(1 / weightStep)) > 1e-9) {
                throw new IllegalArgumentException("weightStep must be 1/n for a whole n, got " + weightStep);
            }
            RoutingScore.Criterion.of(criterion);
            RoutingScore.Rule.of(rule);
        }

        /**
         * The equal mean of cluster, kNN and MLP. Weights chosen on the held-out rows (a grid of quarters, by the
         * squared error or the routing criterion, with or without the one-standard-error rule) did worse than equal
         * weights on each of the RouteLLM GSM8K, LLMRouter NQ and OpenAI GSM8K tables and the LLMRouter split: 15% of
         * train is too few rows to weigh members that differ by so little. Adding MF as a fourth member was no better.
         */
        public static Config defaults() {
            return new Config(List.of(ClusterModel.KIND, KnnModel.KIND, MlpModel.KIND), 0, "brier", "best");
        }
    }

    private final Config config;

    public EnsembleTrainer() {
        this(Config.defaults());
    }

    public EnsembleTrainer(Config config) {
        this.config = config;
    }

    public Config config() {
        return config;
    }

    @Override
    public String kind() {
        return EnsembleModel.KIND;
    }

    @Override
    public EnsembleModel fit(TrainingSet train, TrainingSet validation, long seed) {
        TrainingData.check(train, validation);
        List<String> kinds = config.members();
        int n = kinds.size();
        List<double[]> grid = grid(n, config.weightStep());
        List<QualityModel> finals = new ArrayList<>();
        ObjectNode hp = JsonNodeFactory.instance.objectNode();
        RoutingScore.Choice choice = null;
        TrainingData.Split split = TrainingData.split(train, validation, seed);
        hp.put("validation", split.source());
        hp.put("validation_rows", split.monitor().size());
        if (grid.size() == 1) {
            for (String k : kinds) finals.add(QualityModels.trainer(k).fit(train, validation, seed));
        } else {
            TrainingSet monitor = split.monitor();
            List<double[][]> predictions = new ArrayList<>();
            for (String k : kinds) {
                QualityTrainer trainer = QualityModels.trainer(k);
                boolean heldOut = split.fit() != train;
                QualityModel measured = heldOut ? trainer.fit(split.fit(), monitor, seed) : trainer.fit(train, validation, seed);
                double[][] p = new double[monitor.size()][];
                for (int r = 0; r < monitor.size(); r++) p[r] = measured.predict(monitor.x()[r]);
                predictions.add(p);
                boolean trainsOnEveryRow = !(trainer instanceof MlpTrainer || trainer instanceof MfTrainer);
                finals.add(heldOut && trainsOnEveryRow ? trainer.fit(train, null, seed) : measured);
            }
            RoutingScore.Criterion criterion = RoutingScore.Criterion.of(config.criterion());
            RoutingScore.Rule rule = RoutingScore.Rule.of(config.rule());
            List<double[]> losses = new ArrayList<>();
            int arms = train.armCount();
            for (double[] w : grid) {
                double[][] mixed = new double[monitor.size()][arms];
                for (int r = 0; r < monitor.size(); r++) {
                    for (int i = 0; i < n; i++) for (int a = 0; a < arms; a++) mixed[r][a] += w[i] * predictions.get(i)[r][a];
                }
                losses.add(criterion.rowLosses(mixed, monitor.y()));
            }
            choice = RoutingScore.choose(losses, rule);
            hp.put("selection", criterion.describe() + " on validation; rule: " + rule.label());
            ArrayNode tried = hp.putArray("candidates");
            for (int c = 0; c < grid.size(); c++) {
                ObjectNode t = tried.addObject();
                ArrayNode ws = t.putArray("weights");
                for (double v : grid.get(c)) ws.add(v);
                t.put("validation_loss", choice.losses()[c]);
            }
        }
        double[] chosen = grid.get(choice == null ? 0 : choice.index());
        List<QualityModel> kept = new ArrayList<>();
        List<Double> keptWeights = new ArrayList<>();
        ArrayNode memberNode = JsonNodeFactory.instance.arrayNode();
        for (int i = 0; i < n; i++) {
            if (chosen[i] <= 0) continue;
            kept.add(finals.get(i));
            keptWeights.add(chosen[i]);
            memberNode.addObject().put("kind", kinds.get(i)).put("weight", chosen[i]);
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.set("members", memberNode);
        out.put("weight_step", config.weightStep());
        out.setAll(hp);
        return new EnsembleModel(kept, keptWeights.stream().mapToDouble(Double::doubleValue).toArray(), out);
    }

    /**
     * Weightings of {@code n} members with every weight a multiple of {@code step} and the sum 1, the first member's
     * weight highest first (then the second's, and so on); only equal weights when {@code step} is 0.
     */
    static List<double[]> grid(int n, double step) {
        List<double[]> out = new ArrayList<>();
        if (step == 0 || n == 1) {
            double[] equal = new double[n];
            java.util.Arrays.fill(equal, 1.0 / n);
            out.add(equal);
            return out;
        }
        int units = (int) Math.rint(1 / step);
        fill(new int[n], 0, units, units, out);
        return out;
    }

    private static void fill(int[] parts, int i, int left, int units, List<double[]> out) {
        if (i == parts.length - 1) {
            parts[i] = left;
            double[] w = new double[parts.length];
            for (int j = 0; j < parts.length; j++) w[j] = (double) parts[j] / units;
            out.add(w);
            return;
        }
        for (int p = left; p >= 0; p--) {
            parts[i] = p;
            fill(parts, i + 1, left - p, units, out);
        }
    }
}
