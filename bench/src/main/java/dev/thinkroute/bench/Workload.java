package dev.thinkroute.bench;

import dev.thinkroute.core.Arm;
import dev.thinkroute.core.route.CostAwarePolicy;
import dev.thinkroute.core.route.EscalationRule;
import dev.thinkroute.learn.embed.Encoder;
import dev.thinkroute.learn.embed.MiniLmEncoder;
import dev.thinkroute.learn.predict.GradientSettings;
import dev.thinkroute.learn.predict.KnnTrainer;
import dev.thinkroute.learn.predict.MfTrainer;
import dev.thinkroute.learn.predict.MlpTrainer;
import dev.thinkroute.learn.predict.QualityModel;
import dev.thinkroute.learn.predict.QualityModels;
import dev.thinkroute.learn.predict.QualityTrainer;
import dev.thinkroute.learn.predict.TrainingSet;
import dev.thinkroute.learn.router.CostModel;
import dev.thinkroute.learn.router.LearnedRouter;

import java.util.List;
import java.util.Random;

/**
 * What the benchmarks route: two queries, nine arms, and routers trained on a seeded synthetic outcome table of the
 * LLMRouter table's size (5,608 queries × 9 arms, 384-dimensional unit embeddings).
 *
 * <p>Latency depends on the model's shape, not on what it learned, so the data are random and the gradient-trained
 * models get the shape a real table gives them (the MLP's 128 hidden units, MF's larger rank of 64) after a single
 * epoch, which keeps each fork's set-up to a second or two. kNN is trained as shipped: it keeps every training row, and
 * scanning them is its cost. Any other registered kind ({@code -p kind=...}) is trained with its default settings.
 */
final class Workload {

    static final int ROWS = 5_608;
    static final long SEED = 42;

    /** 16 words, none of the escalation rule's keywords: the rule reads the whole text. */
    static final String SHORT_TEXT =
            "What is the capital of Australia, and why was Canberra chosen instead of Sydney or Melbourne?";

    /**
     * About 300 words (~1,900 characters, well over 254 word pieces): the encoder keeps only the last 254 pieces, and
     * the escalation rule escalates it on length alone.
     */
    static final String LONG_TEXT = """
            I maintain a small Java service that receives webhook events from a payment provider, validates their \
            signatures, stores them in PostgreSQL and then publishes a summary message to a queue that three other \
            teams consume. Over the last two weeks we have seen a strange pattern: roughly once a day, a burst of \
            events arrives within a few hundred milliseconds, and some of them are stored twice while others seem to \
            disappear entirely, even though the provider's dashboard shows that every delivery was acknowledged with \
            a 200 response. Our handler runs on virtual threads, opens a transaction, inserts the event with a unique \
            constraint on the provider's event identifier, commits, and only then publishes to the queue. When the \
            insert fails on the unique constraint we log a warning and return 200 so the provider stops retrying. The \
            queue client is shared between requests and is documented as thread-safe, but it batches messages \
            internally and flushes them every fifty milliseconds or when a batch reaches one hundred messages. We also \
            run two replicas behind a load balancer with sticky sessions disabled. I have checked the database logs \
            and the duplicates really are two rows with different primary keys but the same event identifier, which \
            should be impossible with the constraint in place, unless the constraint was created after some rows \
            already existed. The missing events never reach the database at all, yet the access log shows the \
            requests and their 200 responses. Could you walk me through the most likely causes, explain how the \
            unique constraint could be bypassed, and suggest a concrete sequence of changes to make the handler \
            idempotent and the publishing reliable, for example with an outbox table, including how to test the fix \
            under a realistic burst without waiting for the provider to send one?""";

    private Workload() {
    }

    /** Three model sizes, each without thinking, thinking, and thinking hard: the hybrid-reasoning pool. */
    static List<Arm> arms() {
        return List.of("small:off", "small:on", "small:high", "medium:off", "medium:on", "medium:high",
                "large:off", "large:on", "large:high").stream().map(Arm::parse).toList();
    }

    /** List prices per token and mean answer lengths in the range of real small/medium/large models. */
    static CostModel costModel() {
        double[] in = new double[9], out = new double[9], expected = new double[9], mean = new double[9];
        double[][] usdPerMillion = {{0.10, 0.40}, {0.50, 2.00}, {3.00, 15.00}};
        double[] answerTokens = {300, 1_500, 4_000};
        boolean[] tokenBased = new boolean[9];
        for (int size = 0; size < 3; size++) {
            for (int mode = 0; mode < 3; mode++) {
                int a = size * 3 + mode;
                in[a] = usdPerMillion[size][0] / 1e6;
                out[a] = usdPerMillion[size][1] / 1e6;
                expected[a] = answerTokens[mode];
                mean[a] = in[a] * 200 + out[a] * expected[a];
                tokenBased[a] = true;
            }
        }
        return new CostModel(in, out, expected, mean, tokenBased);
    }

    /** The placeholder rule of profile {@code auto}, between the cheapest and the strongest arm: the baseline. */
    static EscalationRule escalationRule() {
        List<Arm> arms = arms();
        return new EscalationRule("auto", arms.getFirst(), arms.getLast(), EscalationRule.DEFAULT_LONG_PROMPT_CHARS,
                EscalationRule.DEFAULT_KEYWORDS);
    }

    /** A learned router with a quality model of the given kind, trained on {@link #syntheticOutcomes()}. */
    static LearnedRouter router(String kind, Encoder encoder) {
        QualityModel quality = trainer(kind).fit(syntheticOutcomes(), null, SEED);
        CostModel cost = costModel();
        return new LearnedRouter("bench-" + kind, arms(), encoder, quality, cost,
                new CostAwarePolicy(0.3, cost.costScale()), null);
    }

    private static QualityTrainer trainer(String kind) {
        return switch (kind) {
            case "knn" -> new KnnTrainer();
            case "mlp" -> new MlpTrainer(new MlpTrainer.Config(List.of(128), 0.3, oneEpoch(1e-3, 0.1)));
            case "mf" -> new MfTrainer(new MfTrainer.Config(List.of(64), oneEpoch(3e-4, 1.0)));
            default -> QualityModels.trainer(kind); // any other registered kind, with its default settings
        };
    }

    private static GradientSettings oneEpoch(double learningRate, double weightDecay) {
        return new GradientSettings(learningRate, weightDecay, 64, 1, 1);
    }

    /**
     * {@link #ROWS} random unit vectors; each arm's 0/1 score is drawn from a logistic function of the vector, so the
     * table has learnable structure, with arm accuracies from about 0.45 (small, no thinking) to 0.8 (large, thinking).
     */
    static TrainingSet syntheticOutcomes() {
        Random rng = new Random(SEED);
        int dim = MiniLmEncoder.DIMENSION;
        int arms = 9;
        float[][] direction = new float[arms][];
        for (int a = 0; a < arms; a++) direction[a] = unitGaussian(rng, dim);
        float[][] x = new float[ROWS][];
        double[][] y = new double[ROWS][arms];
        for (int r = 0; r < ROWS; r++) {
            x[r] = unitGaussian(rng, dim);
            for (int a = 0; a < arms; a++) {
                double dot = 0;
                for (int i = 0; i < dim; i++) dot += x[r][i] * direction[a][i];
                double logit = -0.2 + 0.15 * a + 10 * dot;
                y[r][a] = rng.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
            }
        }
        return new TrainingSet(x, y);
    }

    private static float[] unitGaussian(Random rng, int dim) {
        float[] v = new float[dim];
        double norm = 0;
        for (int i = 0; i < dim; i++) {
            v[i] = (float) rng.nextGaussian();
            norm += v[i] * v[i];
        }
        float inv = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < dim; i++) v[i] *= inv;
        return v;
    }
}
