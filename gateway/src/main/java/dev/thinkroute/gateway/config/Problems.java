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

    /** @param line 1-based, or 0 when the problem has no place in the file (a missing top-level key) */
    private record Entry(int line, String text) {
    }

    private final List<Entry> entries = new ArrayList<>();

    /**
     * @param path    where in the file, e.g. {@code models[2].price.input}; empty for the document itself
     * @param line    1-based line, or 0 when unknown
     * @param message what is wrong, starting in lower case ("must be ...")
     */
    void add(String path, int line, String message) {
        String text = (path.isEmpty() ? message : path + ": " + message) + (line > 0 ? " (line " + line + ")" : "");
        entries.add(new Entry(line, text));
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    /** By line; problems on one line keep the order they were found in; those without a line come last. */
    List<String> inFileOrder() {
        return entries.stream()
                .sorted(Comparator.comparingInt(e -> e.line() > 0 ? e.line() : Integer.MAX_VALUE)) // stable sort
                .map(Entry::text)
                .toList();
    }
}
