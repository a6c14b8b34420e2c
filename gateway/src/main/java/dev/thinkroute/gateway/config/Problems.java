package dev.thinkroute.gateway.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Collects what is wrong with a config while the whole file is checked, so that one run reports every problem
 * instead of the first. Problems are reported in file order even though cross-checks (a profile naming a model)
 * run after the sections they refer to.
 */
final class Problems {

    private record Entry(Pos pos, String text) {
    }

    private final List<Entry> entries = new ArrayList<>();

    /**
     * @param path    where in the file, e.g. {@code models[2].price.input}; empty for the document itself
     * @param pos     where, or {@link Pos#NONE}
     * @param message what is wrong, starting in lower case ("must be ...")
     */
    void add(String path, Pos pos, String message) {
        String text = (path.isEmpty() ? message : path + ": " + message) + (pos.known() ? " (line " + pos.line() + ")" : "");
        entries.add(new Entry(pos, text));
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    /** How many problems so far; a reader compares counts to tell whether the part it read was clean. */
    int count() {
        return entries.size();
    }

    /** By position; problems at one position keep the order they were found in; those without one come last. */
    List<String> inFileOrder() {
        return entries.stream()
                .sorted(Comparator.comparingInt((Entry e) -> e.pos().known() ? e.pos().line() : Integer.MAX_VALUE)
                        .thenComparingInt(e -> e.pos().column())) // a stable sort
                .map(Entry::text)
                .toList();
    }
}
