package dev.thinkroute.eval.run;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thinkroute.core.Arm;
import dev.thinkroute.core.ModelCard;
import dev.thinkroute.core.Usage;
import dev.thinkroute.core.score.Score;
import dev.thinkroute.core.score.Scorer;
import dev.thinkroute.eval.dataset.Example;
import dev.thinkroute.eval.dataset.Loaded;
import dev.thinkroute.llm.ChatCall;
import dev.thinkroute.llm.ChatResult;
import dev.thinkroute.llm.StreamSink;
import dev.thinkroute.llm.Upstream;
import dev.thinkroute.llm.UpstreamException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs examples × arms against live upstreams: the engine of {@code thinkroute collect} and live {@code eval}.
 *
 * <p>Each pair sends {@code {"messages":[{"role":"user","content":question}], "max_tokens":N}} (no max_tokens when
 * unset) with the arm's thinking to the arm's model's {@link Upstream}, at most {@link Options#concurrency()} at a time
 * (a semaphore; one virtual thread per call). Overload and server trouble (HTTP 429 and 5xx, timeouts, unreachable) are
 * retried with exponential backoff and jitter drawn from a seeded generator per pair, so the delays do not depend on
 * scheduling; other failures (4xx, protocol, no key) are not, since asking again would get the same answer.
 *
 * <p><b>Resume.</b> Every response, answer or failure, goes to the {@link ResponseCache} as soon as it arrives. A pair
 * with a cached answer is never asked again; a pair with a cached failure is asked again when
 * {@link Options#retryFailed()} (the default: a failure is usually transient, and a resumed run should fill the
 * gaps), else reported failed as cached. Answers are scored when the result is built, cached ones too, so a fixed
 * scorer applies to old responses without calling anything.
 */
public final class LiveRunner {

    /**
     * @param concurrency  calls in flight at most
     * @param maxAttempts  calls per pair, first one included (1 = no retry)
     * @param baseBackoff  the wait before the first retry; doubled each retry
     * @param maxBackoff   the cap on one wait
     * @param seed         for the jitter
     * @param maxTokens    sent as {@code max_tokens}, or {@code null} to leave the upstream's default
     * @param retryFailed  whether a failure cached by an earlier run is asked again
     */
    public record Options(int concurrency, int maxAttempts, Duration baseBackoff, Duration maxBackoff, long seed,
                          Integer maxTokens, boolean retryFailed) {

        public static final Options DEFAULTS =
                new Options(8, 5, Duration.ofSeconds(1), Duration.ofSeconds(60), 0, null, true);

        public Options {
            if (concurrency < 1) throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
            if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
            Objects.requireNonNull(baseBackoff, "baseBackoff");
            Objects.requireNonNull(maxBackoff, "maxBackoff");
            if (maxTokens != null && maxTokens < 1) throw new IllegalArgumentException("max_tokens must be positive");
        }

        public Options withConcurrency(int n) {
            return new Options(n, maxAttempts, baseBackoff, maxBackoff, seed, maxTokens, retryFailed);
        }

        public Options withRetryFailed(boolean retry) {
            return new Options(concurrency, maxAttempts, baseBackoff, maxBackoff, seed, maxTokens, retry);
        }
    }

    private final Map<String, Upstream> upstreams;
    private final ResponseCache cache;
    private final Options options;
    private final Progress.Listener listener;

    /**
     * @param upstreams by model card name (one per card, from {@code Upstreams.create}); the caller closes them
     * @param cache     the run directory's cache; the caller closes it
     */
    public LiveRunner(Map<String, Upstream> upstreams, ResponseCache cache, Options options, Progress.Listener listener) {
        this.upstreams = Map.copyOf(upstreams);
        this.cache = Objects.requireNonNull(cache, "cache");
        this.options = Objects.requireNonNull(options, "options");
        this.listener = listener == null ? Progress.Listener.NONE : listener;
    }

    /**
     * {@code model}'s upstream for a multi-round loop: each call with this runner's retries (429, 5xx, timeouts), and
     * answered from the run's cache when the very same request (model, thinking and body) was answered before, so a
     * rerun replays the loops that finished, call by call, and asks only what is new. The last failure is thrown, as
     * the loop expects; failures are not cached, so a rerun asks again.
     *
     * @param scope what the cached calls are filed under (e.g. {@code multi-round r1 on nq}), apart from single-arm answers
     * @throws IllegalArgumentException when the model has no upstream
     */
    public Upstream forLoops(String model, String scope) {
        Upstream delegate = upstreams.get(model);
        if (delegate == null) {
            throw new IllegalArgumentException("no upstream for model '" + model + "'; known: "
                    + String.join(", ", upstreams.keySet().stream().sorted().toList()));
        }
        return new LoopUpstream(delegate, scope);
    }

    /** See {@link #forLoops}. Streaming is not used by the loop and goes straight through. */
    private final class LoopUpstream implements Upstream {
        private final Upstream delegate;
        private final String scope;

        LoopUpstream(Upstream delegate, String scope) {
            this.delegate = delegate;
            this.scope = scope;
        }

        @Override
        public ModelCard card() {
            return delegate.card();
        }

        @Override
        public ChatResult complete(ChatCall call) throws UpstreamException {
            String arm = card().name() + ":" + call.thinking().label();
            ResponseCache.Key key = new ResponseCache.Key(scope, sha256(arm + "\n" + call.body()), arm);
            ResponseCache.Record r = cache.get(key).filter(c -> !c.failed()).orElse(null);
            if (r == null) {
                r = attempts(delegate, call, key);
                if (r == null) {
                    Thread.currentThread().interrupt();
                    throw new UpstreamException(UpstreamException.Kind.UNREACHABLE, card().name(), "interrupted");
                }
                if (r.failed()) {
                    ResponseCache.Failure f = r.failure();
                    // attempts() names the failure by its Kind, or ERROR for an unexpected exception (a bad answer shape)
                    UpstreamException.Kind kind = f.kind().equals("ERROR") ? UpstreamException.Kind.PROTOCOL : UpstreamException.Kind.valueOf(f.kind());
                    throw new UpstreamException(kind, card().name(), f.status(), f.message(), null);
                }
                cache.put(key, r);
            }
            return new ChatResult(r.content(), r.reasoning(), null, r.finishReason(),
                    new Usage(r.inputTokens(), r.outputTokens(), r.reasoningTokens(), r.usageEstimated()), r.latencyMs(), null);
        }

        @Override
        public ChatResult stream(ChatCall call, StreamSink sink) throws UpstreamException, IOException {
            return delegate.stream(call, sink);
        }

        @Override
        public void close() {
            // the runner's caller closes the upstreams it made
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The card of a model this runner can ask, or {@code null}. */
    public ModelCard card(String model) {
        Upstream u = upstreams.get(model);
        return u == null ? null : u.card();
    }

    /** Runs every example of {@code loaded} on every arm. */
    public RunResult run(Loaded loaded, Scorer scorer, List<Arm> arms) throws InterruptedException {
        return run(loaded.dataset(), loaded.examples(), scorer, arms);
    }

    /**
     * Runs {@code examples} × {@code arms}, filed in the cache under {@code dataset}.
     *
     * @throws IllegalArgumentException when an arm's model has no upstream
     * @throws InterruptedException     when interrupted; what was answered so far is in the cache
     */
    public RunResult run(String dataset, List<Example> examples, Scorer scorer, List<Arm> arms)
            throws InterruptedException {
        List<Pair> pairs = new ArrayList<>(examples.size() * arms.size());
        for (Example ex : examples) for (Arm arm : arms) pairs.add(new Pair(ex, arm));
        return run(dataset, scorer, pairs);
    }

    /** One question for one arm. */
    public record Pair(Example example, Arm arm) {
        public Pair {
            Objects.requireNonNull(example, "example");
            Objects.requireNonNull(arm, "arm");
        }
    }

    /**
     * Runs the given pairs only (an evaluation asks each question of the arms its routers chose, not of every arm),
     * filed in the cache under {@code dataset}; the result's entries follow the pairs' order. A pair listed twice is
     * asked once.
     *
     * @throws IllegalArgumentException when an arm's model has no upstream
     * @throws InterruptedException     when interrupted; what was answered so far is in the cache
     */
    public RunResult run(String dataset, Scorer scorer, List<Pair> requested) throws InterruptedException {
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(scorer, "scorer");
        List<Pair> pairs = new ArrayList<>(new LinkedHashSet<>(requested));
        Set<Arm> arms = new LinkedHashSet<>();
        for (Pair p : pairs) arms.add(p.arm());
        for (Arm arm : arms) {
            if (!upstreams.containsKey(arm.model())) {
                throw new IllegalArgumentException("arm " + arm + ": no upstream for model '" + arm.model()
                        + "'; known: " + String.join(", ", upstreams.keySet().stream().sorted().toList()));
            }
        }
        long started = System.nanoTime();
        int total = pairs.size();
        AtomicInteger done = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger cached = new AtomicInteger();
        Object progressLock = new Object();
        Runnable report = () -> {
            synchronized (progressLock) {
                listener.update(new Progress(done.get(), total, failed.get(), cached.get(),
                        Duration.ofNanos(System.nanoTime() - started)));
            }
        };

        // Pass 1: the cached pairs, so progress shows them as done before any call is made.
        List<Runnable> calls = new ArrayList<>();
        Set<ResponseCache.Key> called = new HashSet<>();
        for (Pair pair : pairs) {
            Example ex = pair.example();
            Arm arm = pair.arm();
            ResponseCache.Key key = new ResponseCache.Key(dataset, ex.id(), arm.label());
            var hit = cache.get(key);
            if (hit.isPresent() && !(hit.get().failed() && options.retryFailed())) {
                cached.incrementAndGet();
                if (hit.get().failed()) failed.incrementAndGet();
                done.incrementAndGet();
            } else {
                called.add(key);
                calls.add(() -> {
                    ResponseCache.Record r = call(upstreams.get(arm.model()), arm, ex, key);
                    if (r == null) return; // interrupted: nothing learnt, nothing cached
                    cache.put(key, r);
                    if (r.failed()) failed.incrementAndGet();
                    done.incrementAndGet();
                    report.run();
                });
            }
        }
        report.run();

        // A task that throws (the cache's disk failing) must fail the run, not vanish into a thread's handler.
        AtomicReference<RuntimeException> fatal = new AtomicReference<>();
        Semaphore slots = new Semaphore(options.concurrency());
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            try {
                for (Runnable c : calls) {
                    slots.acquire(); // bounds the threads too, not only the calls
                    pool.execute(() -> {
                        try {
                            if (fatal.get() == null) c.run();
                        } catch (RuntimeException e) {
                            fatal.compareAndSet(null, e);
                        } finally {
                            slots.release();
                        }
                    });
                }
            } catch (InterruptedException e) {
                pool.shutdownNow(); // the calls see the interrupt and end; close() then waits for them
                throw e;
            }
        }
        if (Thread.currentThread().isInterrupted()) throw new InterruptedException();
        if (fatal.get() != null) throw fatal.get();

        // Pass 2: build the result from the cache, in input order.
        List<RunResult.Entry> entries = new ArrayList<>(total);
        for (Pair pair : pairs) {
            Example ex = pair.example();
            Arm arm = pair.arm();
            ResponseCache.Key key = new ResponseCache.Key(dataset, ex.id(), arm.label());
            ResponseCache.Record r = cache.get(key).orElseThrow(() ->
                    new IllegalStateException("no response for " + key + " after the run (a call was cut off)"));
            entries.add(entry(ex, arm, r, upstreams.get(arm.model()).card(), scorer, !called.contains(key)));
        }
        return new RunResult(dataset, entries);
    }

    /** Scores an answer, or reports the failure; costs are recomputed at the card's current prices. */
    private static RunResult.Entry entry(Example ex, Arm arm, ResponseCache.Record r, ModelCard card, Scorer scorer,
                                         boolean fromCache) {
        if (r.failed()) {
            ResponseCache.Failure f = r.failure();
            String error = f.kind() + (f.status() > 0 ? " " + f.status() : "") + ": " + f.message();
            return new RunResult.Entry(ex.id(), ex.question(), arm, RunResult.Status.FAILED, null, Usage.ZERO, 0,
                    r.latencyMs(), r.attempts(), error, fromCache, null);
        }
        Usage usage = new Usage(r.inputTokens(), r.outputTokens(), r.reasoningTokens(), r.usageEstimated());
        Score score = scorer.score(r.content() == null ? "" : r.content(), ex.gold());
        RunResult.Status status = score.parsed() ? RunResult.Status.SCORED : RunResult.Status.UNPARSED;
        return new RunResult.Entry(ex.id(), ex.question(), arm, status, score, usage, card.cost(usage), r.latencyMs(),
                r.attempts(), null, fromCache, r.content() == null ? "" : r.content());
    }

    /**
     * One pair: the call with its retries, as a cache record; {@code null} when interrupted. Never throws for an
     * upstream failure.
     */
    private ResponseCache.Record call(Upstream upstream, Arm arm, Example ex, ResponseCache.Key key) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ObjectNode message = body.putArray("messages").addObject();
        message.put("role", "user");
        message.put("content", ex.question());
        if (options.maxTokens() != null) body.put("max_tokens", options.maxTokens());
        return attempts(upstream, new ChatCall(upstream.card(), arm.thinking(), body), key);
    }

    /**
     * One call with its retries, as a cache record (an answer, or the last failure); {@code null} when interrupted.
     * Never throws for an upstream failure.
     */
    private ResponseCache.Record attempts(Upstream upstream, ChatCall chatCall, ResponseCache.Key key) {
        // Seeded per key, so the waits are the same whatever order the calls run in.
        SplittableRandom jitter = new SplittableRandom(options.seed() * 31 + key.hashCode());
        for (int attempt = 1; ; attempt++) {
            long t0 = System.nanoTime();
            try {
                ChatResult res = upstream.complete(chatCall);
                Usage u = res.usage() == null ? Usage.ZERO : res.usage();
                return new ResponseCache.Record(res.content(), res.reasoning(), u.inputTokens(), u.outputTokens(),
                        u.reasoningTokens(), u.estimated(), upstream.card().cost(u), res.latencyMs(),
                        res.finishReason(), attempt, null);
            } catch (UpstreamException e) {
                // A call cut off by our own interrupt says nothing about the upstream.
                if (Thread.currentThread().isInterrupted()) return null;
                long latency = (System.nanoTime() - t0) / 1_000_000;
                if (attempt >= options.maxAttempts() || !retryable(e)) {
                    return ResponseCache.Record.failed(
                            new ResponseCache.Failure(e.kind().name(), e.status(), e.getMessage()), latency, attempt);
                }
                try {
                    Thread.sleep(backoff(attempt, jitter));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            } catch (RuntimeException e) {
                // A bug or an unexpected answer shape must not sink the whole run; it is recorded and counted.
                long latency = (System.nanoTime() - t0) / 1_000_000;
                return ResponseCache.Record.failed(new ResponseCache.Failure("ERROR", 0, String.valueOf(e)),
                        latency, attempt);
            }
        }
    }

    /** Worth asking again: overload, server errors, timeouts and lost connections. */
    static boolean retryable(UpstreamException e) {
        return switch (e.kind()) {
            case TIMEOUT, UNREACHABLE -> true;
            case HTTP_ERROR -> e.status() == 429 || e.status() >= 500;
            default -> false;
        };
    }

    /** Exponential backoff capped at {@code maxBackoff}, times a jitter factor in [0.5, 1). */
    long backoff(int attempt, SplittableRandom jitter) {
        double base = options.baseBackoff().toMillis() * Math.pow(2, attempt - 1);
        double capped = Math.min(base, options.maxBackoff().toMillis());
        return (long) (capped * (0.5 + 0.5 * jitter.nextDouble()));
    }
}
