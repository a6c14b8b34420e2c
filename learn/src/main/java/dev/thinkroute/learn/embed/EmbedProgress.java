package dev.thinkroute.learn.embed;

/**
 * Told how far a bulk embedding has got. Called from worker threads, but never two calls at once, and {@code done}
 * only grows; the first call has {@code done == 0}, the last {@code done == total}. Keep it cheap: it runs once per
 * text.
 */
@FunctionalInterface
public interface EmbedProgress {

    /**
     * @param done  texts embedded so far
     * @param total texts that needed embedding (distinct, and not already cached)
     */
    void update(int done, int total);

    static EmbedProgress none() {
        return (done, total) -> {};
    }
}
