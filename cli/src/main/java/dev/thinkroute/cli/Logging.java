package dev.thinkroute.cli;

import java.util.logging.Level;
import java.util.logging.Logger;

/** One-line log records on stderr (java.util.logging, which Helidon uses too). */
final class Logging {

    private Logging() {
    }

    static void configure() {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT %4$-7s %3$s: %5$s%6$s%n");
        }
    }

    /** Quiet everything but warnings (the demo prints its own progress). */
    static void quiet() {
        Logger.getLogger("").setLevel(Level.WARNING);
        for (var handler : Logger.getLogger("").getHandlers()) handler.setLevel(Level.WARNING);
    }
}
