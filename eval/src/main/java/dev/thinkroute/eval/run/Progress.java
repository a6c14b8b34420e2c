package dev.thinkroute.eval.run;

import java.time.Duration;
import java.util.Locale;

/**
 * Where a run stands, sent after every finished pair (cached pairs count as done at once).
 *
 * @param done      pairs finished, cached ones included
 * @param total     pairs in the run
 * @param failed    pairs whose call failed after retries
 * @param cached    pairs answered from the cache
 * @param elapsed   since the run started
 */
public record Progress(int done, int total, int failed, int cached, Duration elapsed) {

    /** Receives progress; calls are serialised by the runner, so an implementation need not be thread-safe. */
    @FunctionalInterface
    public interface Listener {
        Listener NONE = p -> { };

        void update(Progress progress);
    }

    /** Pairs called (not cached) per second so far; 0 before the first. */
    public double rate() {
        double s = elapsed.toNanos() / 1e9;
        return s <= 0 ? 0 : (done - cached) / s;
    }

    /** Time left at the current rate, or {@code null} when no call has finished yet. */
    public Duration eta() {
        double r = rate();
        if (r <= 0) return done >= total ? Duration.ZERO : null;
        return Duration.ofMillis((long) ((total - done) / r * 1000));
    }

    /** One line for a terminal, e.g. {@code [########------------]  24/60  failed 1  3.2/s  ETA 11s}. */
    public String render(int width) {
        int filled = total == 0 ? width : (int) ((long) done * width / total);
        Duration eta = eta();
        return "[" + "#".repeat(filled) + "-".repeat(width - filled) + "] "
                + String.format(Locale.ROOT, "%d/%d  failed %d  %.1f/s  ETA %s", done, total, failed, rate(),
                eta == null ? "?" : eta.toSeconds() + "s");
    }
}
