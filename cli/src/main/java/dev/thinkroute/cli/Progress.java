package dev.thinkroute.cli;

import java.io.PrintWriter;
import java.util.Locale;

/** A one-line progress bar on stderr with rate and time left, redrawn at most a few times a second. */
final class Progress {

    private final PrintWriter err;
    private final String label;
    // Without a terminal (CI logs, pipes) a redrawn bar would pile up as one long line: print a line per 25% instead.
    private final boolean terminal = System.console() != null;
    private int lastQuarter = -1;
    private final long started = System.nanoTime();
    private long lastDraw;
    private boolean drawn;

    Progress(PrintWriter err, String label) {
        this.err = err;
        this.label = label;
    }

    synchronized void update(int done, int total) {
        long now = System.nanoTime();
        if (!terminal) {
            // Nothing to do (e.g. every text already cached) prints nothing; otherwise one line at 25, 50, 75 and 100%.
            if (total == 0) return;
            int quarter = (int) (4L * done / total);
            if (quarter == 0 || quarter == lastQuarter) return;
            lastQuarter = quarter;
            double secs = Math.max(1e-9, (now - started) / 1e9);
            err.printf(Locale.ROOT, "%s: %d/%d (%.0f/s)%n", label, done, total, done / secs);
            err.flush();
            return;
        }
        if (done < total && now - lastDraw < 200_000_000L) return;
        lastDraw = now;
        double seconds = Math.max(1e-9, (now - started) / 1e9);
        double rate = done / seconds;
        String eta = done == 0 || rate == 0 ? "?" : String.format(Locale.ROOT, "%.0fs", (total - done) / rate);
        int width = 24;
        int filled = total == 0 ? width : (int) ((long) width * done / total);
        err.printf(Locale.ROOT, "\r%s [%s%s] %d/%d  %.0f/s  ETA %s   ", label, "#".repeat(filled), ".".repeat(width - filled),
                done, total, rate, eta);
        drawn = true;
        if (done >= total) {
            err.printf(Locale.ROOT, "\r%s: %d in %.1fs%s%n", label, total, seconds, " ".repeat(40));
            drawn = false;
        }
        err.flush();
    }

    /** Ends the line if a bar is still drawn. */
    synchronized void finish() {
        if (drawn) {
            err.println();
            err.flush();
            drawn = false;
        }
    }
}
