package dev.thinkroute.learn.embed;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Embeds many texts with a few threads, one text per call (see {@link MiniLmEncoder} for why not batches). Workers
 * take the next index from a shared counter, so a slow long text does not hold up a fixed share of the work.
 */
final class ParallelEmbedder {

    private ParallelEmbedder() {}

    static int defaultThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /**
     * The vectors of {@code texts}, in order: each distinct text is looked up with {@code known} (which answers
     * {@code null} when it does not know it) and otherwise embedded once with {@code embed}, in parallel. Each position
     * gets its own array, duplicates included.
     */
    static List<float[]> embedAll(List<String> texts, Function<String, float[]> known, Function<String, float[]> embed,
                                  int threads, EmbedProgress progress) {
        Map<String, float[]> vectors = new HashMap<>();
        List<String> todo = new ArrayList<>();
        for (String text : texts) {
            Objects.requireNonNull(text, "texts holds a null");
            if (vectors.containsKey(text)) continue;
            float[] v = known.apply(text);
            vectors.put(text, v);
            if (v == null) todo.add(text);
        }
        float[][] computed = run(todo, embed, threads, progress);
        for (int i = 0; i < computed.length; i++) vectors.put(todo.get(i), computed[i]);
        List<float[]> out = new ArrayList<>(texts.size());
        Set<String> handedOut = new HashSet<>();
        for (String text : texts) {
            float[] v = vectors.get(text);
            out.add(handedOut.add(text) ? v : v.clone());
        }
        return out;
    }

    /**
     * {@code embed} applied to every text, in order. The first failure stops the other workers and is rethrown.
     *
     * @throws IllegalStateException if interrupted while waiting (the interrupt flag is restored)
     */
    static float[][] run(List<String> texts, Function<String, float[]> embed, int threads, EmbedProgress progress) {
        int total = texts.size();
        float[][] out = new float[total][];
        Object progressLock = new Object();
        progress.update(0, total);
        if (total == 0) return out;
        int workers = Math.min(Math.max(1, threads), total);
        AtomicInteger next = new AtomicInteger();
        AtomicBoolean failed = new AtomicBoolean();
        int[] done = {0};
        Runnable worker = () -> {
            try {
                int i;
                while (!failed.get() && (i = next.getAndIncrement()) < total) {
                    if (Thread.currentThread().isInterrupted()) { // the flag stays set for the caller to see
                        throw new IllegalStateException("interrupted while embedding " + total + " texts");
                    }
                    out[i] = embed.apply(texts.get(i));
                    synchronized (progressLock) {
                        progress.update(++done[0], total);
                    }
                }
            } catch (RuntimeException | Error e) {
                failed.set(true); // the other workers stop after their current text
                throw e;
            }
        };
        if (workers == 1) { // no thread hop for small jobs or a caller that asked for one thread
            worker.run();
            return out;
        }
        ThreadFactory daemons = Thread.ofPlatform().name("embed-", 0).daemon(true).factory();
        ExecutorService pool = Executors.newFixedThreadPool(workers, daemons);
        try {
            List<Future<?>> futures = new ArrayList<>(workers);
            for (int w = 0; w < workers; w++) futures.add(pool.submit(worker));
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    failed.set(true);
                    if (e.getCause() instanceof RuntimeException re) throw re;
                    if (e.getCause() instanceof Error err) throw err;
                    throw new IllegalStateException(e.getCause());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while embedding " + total + " texts", e);
        } finally {
            failed.set(true); // stops workers still running after an early exit
            pool.shutdownNow();
        }
        return out;
    }
}
