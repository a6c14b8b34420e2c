package dev.thinkroute.bench;

import dev.thinkroute.core.Decision;
import dev.thinkroute.core.route.EscalationRule;
import dev.thinkroute.core.route.Query;
import dev.thinkroute.learn.embed.MiniLmEncoder;
import dev.thinkroute.learn.router.LearnedRouter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The latency of one routing decision on the request path, with a warm encoder, and of its parts:
 * <ul>
 *   <li>{@code decideShort}, {@code decideLong}: {@link LearnedRouter#route} end to end (embed, predict quality and
 *       cost, choose), for a 16-word query and a ~300-word one (embedded as its last 254 word pieces);</li>
 *   <li>{@code embedShort}, {@code embedLong}: the sentence encoder alone (all-MiniLM-L6-v2, int8, ONNX Runtime,
 *       one intra-op thread, one text per call);</li>
 *   <li>{@code predictAndPolicy}: the same {@code route} over an embedding computed beforehand, per predictor kind;</li>
 *   <li>{@code baselineEscalationRule}: the placeholder rule deciding the short query, so the others read as ratios.</li>
 * </ul>
 * Sample-time mode: the table gives each benchmark's p50 and p99 (rows {@code :p0.50}, {@code :p0.99}). Run with
 * {@code scripts/bench}; the defaults below suit a quiet machine, the script's shorter ones a 2-core shared one.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class RoutingBenchmark {

    /** Queries live in state fields, not constants, so the JIT cannot fold any of their handling away. */
    @State(Scope.Benchmark)
    public static class Queries {
        Query shortQuery;
        Query longQuery;

        @Setup(Level.Trial)
        public void make() {
            shortQuery = Query.of(Workload.SHORT_TEXT);
            longQuery = Query.of(Workload.LONG_TEXT);
        }
    }

    @State(Scope.Benchmark)
    public static class Encoding {
        MiniLmEncoder encoder;

        @Setup(Level.Trial)
        public void load() {
            encoder = new MiniLmEncoder();
        }

        @TearDown(Level.Trial)
        public void close() {
            encoder.close();
        }
    }

    /** A router per predictor kind whose encoder answers with the short query's embedding, computed once here. */
    @State(Scope.Benchmark)
    public static class Predicting {
        @Param({"knn", "mlp", "mf"})
        public String kind;
        LearnedRouter router;

        @Setup(Level.Trial)
        public void train() {
            float[] embedding;
            try (MiniLmEncoder encoder = new MiniLmEncoder()) {
                embedding = encoder.embed(Workload.SHORT_TEXT);
            }
            router = Workload.router(kind, new PrecomputedEncoder(MiniLmEncoder.ID, embedding));
        }
    }

    /** The whole router; mlp is what {@code thinkroute train} builds by default ({@code -p predictor=knn,mlp,mf} for all). */
    @State(Scope.Benchmark)
    public static class Deciding {
        @Param({"mlp"})
        public String predictor;
        MiniLmEncoder encoder;
        LearnedRouter router;

        @Setup(Level.Trial)
        public void train() {
            encoder = new MiniLmEncoder();
            router = Workload.router(predictor, encoder);
        }

        @TearDown(Level.Trial)
        public void close() {
            encoder.close();
        }
    }

    @State(Scope.Benchmark)
    public static class Baseline {
        EscalationRule rule;

        @Setup(Level.Trial)
        public void make() {
            rule = Workload.escalationRule();
        }
    }

    @Benchmark
    public Decision baselineEscalationRule(Baseline baseline, Queries queries) {
        return baseline.rule.route(queries.shortQuery);
    }

    @Benchmark
    public float[] embedShort(Encoding encoding, Queries queries) {
        return encoding.encoder.embed(queries.shortQuery.text());
    }

    @Benchmark
    public float[] embedLong(Encoding encoding, Queries queries) {
        return encoding.encoder.embed(queries.longQuery.text());
    }

    @Benchmark
    public Decision predictAndPolicy(Predicting predicting, Queries queries) {
        return predicting.router.route(queries.shortQuery);
    }

    @Benchmark
    public Decision decideShort(Deciding deciding, Queries queries) {
        return deciding.router.route(queries.shortQuery);
    }

    @Benchmark
    public Decision decideLong(Deciding deciding, Queries queries) {
        return deciding.router.route(queries.longQuery);
    }
}
