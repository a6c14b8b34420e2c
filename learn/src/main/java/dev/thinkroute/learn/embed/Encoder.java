package dev.thinkroute.learn.embed;

import java.util.List;

/**
 * Turns a text into a fixed-length, L2-normalised vector (a sentence embedding), so that the cosine of two texts is
 * the dot product of their vectors. Implementations are thread-safe: the gateway calls one encoder from many request
 * threads, and training embeds with several threads at once.
 */
public interface Encoder extends AutoCloseable {

    /**
     * Names the model and everything that changes its vectors (e.g. {@code all-minilm-l6-v2-q}). Router artifacts
     * record it, and caches key on it, so two encoders with the same id must give the same vectors.
     */
    String id();

    /** Length of every vector {@link #embed} returns. */
    int dimension();

    /**
     * The embedding of {@code text}: {@link #dimension()} floats with unit L2 norm. A new array on every call; the
     * caller may keep or change it.
     *
     * @throws IllegalStateException if the encoder is closed
     */
    float[] embed(String text);

    /**
     * The embeddings of many texts, in order, as {@link #embed} would give them one by one: each distinct text is
     * embedded once, by as many threads as there are processors. Each position gets its own array. Training embeds
     * tens of thousands of texts this way.
     *
     * @param progress told how many of the distinct texts are done
     */
    default List<float[]> embedAll(List<String> texts, EmbedProgress progress) {
        return ParallelEmbedder.embedAll(texts, text -> null, this::embed, ParallelEmbedder.defaultThreads(), progress);
    }

    /** Releases native resources; {@link #embed} fails afterwards. Does not throw checked exceptions. */
    @Override
    void close();
}
