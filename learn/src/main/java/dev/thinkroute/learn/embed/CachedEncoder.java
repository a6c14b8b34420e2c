package dev.thinkroute.learn.embed;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * An {@link Encoder} that remembers what it embedded in an {@link EmbeddingCache} on disk and asks the encoder it wraps
 * only for texts it has not seen. Same id, dimension and vectors as the wrapped encoder. Thread-safe if the wrapped
 * encoder is. Closing it closes the cache and the wrapped encoder.
 */
public final class CachedEncoder implements Encoder {

    private final Encoder inner;
    private final EmbeddingCache cache;
    private final int threads;

    /** Caches {@code inner} in {@link EmbeddingCache#defaultDirectory()}. */
    public CachedEncoder(Encoder inner) {
        this(inner, EmbeddingCache.defaultDirectory());
    }

    /** Caches {@code inner} in {@code directory} (the file {@code <directory>/<id>.emb}). */
    public CachedEncoder(Encoder inner, Path directory) {
        this(inner, EmbeddingCache.open(directory, inner.id(), inner.dimension()), ParallelEmbedder.defaultThreads());
    }

    /**
     * Caches {@code inner} in {@code cache}, which must be the cache of {@code inner}'s id and dimension;
     * {@link #embedAll} uses {@code threads} threads.
     */
    public CachedEncoder(Encoder inner, EmbeddingCache cache, int threads) {
        this.inner = Objects.requireNonNull(inner, "inner");
        this.cache = Objects.requireNonNull(cache, "cache");
        if (!cache.encoderId().equals(inner.id()) || cache.dimension() != inner.dimension()) {
            throw new IllegalArgumentException("cache " + cache.file() + " is for " + cache.encoderId() + "/" + cache.dimension()
                    + ", not for " + inner.id() + "/" + inner.dimension());
        }
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        this.threads = threads;
    }

    @Override
    public String id() {
        return inner.id();
    }

    @Override
    public int dimension() {
        return inner.dimension();
    }

    public EmbeddingCache cache() {
        return cache;
    }

    @Override
    public float[] embed(String text) {
        float[] cached = cache.get(text);
        if (cached != null) return cached;
        float[] v = inner.embed(text);
        cache.put(text, v);
        return v; // put() stored its own copy, so the caller may change this one
    }

    /**
     * The embeddings of {@code texts}, in order; only distinct texts not in the cache are embedded (in parallel) and
     * then cached, so an interrupted run keeps what it had done. {@code progress} counts those texts only.
     */
    @Override
    public List<float[]> embedAll(List<String> texts, EmbedProgress progress) {
        return ParallelEmbedder.embedAll(texts, cache::get, text -> {
            float[] v = inner.embed(text);
            cache.put(text, v);
            return v;
        }, threads, progress);
    }

    @Override
    public void close() {
        try {
            cache.close();
        } finally {
            inner.close();
        }
    }

    @Override
    public String toString() {
        return "CachedEncoder[" + inner.id() + " in " + cache.file() + ", " + cache.size() + " cached]";
    }
}
