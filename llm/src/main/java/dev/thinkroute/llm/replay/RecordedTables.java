package dev.thinkroute.llm.replay;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The recorded outcome tables replay model cards can name (their {@code table}), by name. Loaded tables are cached
 * for the life of the process, one load per (name, datasets root), because several model cards share one table
 * (one card per recorded model) and a load parses the whole file. Thread-safe: concurrent first opens of the same
 * table load it once. A load that fails is not cached, so fixing the data and opening again works.
 */
public final class RecordedTables {

    /** Name → loader, in the order {@link #names()} lists them. */
    private static final Map<String, Function<Path, OutcomeTable>> LOADERS =
            Map.of(RouteLlmGsm8kTable.NAME, RouteLlmGsm8kTable::load, LlmRouterNqTable.NAME, LlmRouterNqTable::load);
    private static final List<String> NAMES = List.of(RouteLlmGsm8kTable.NAME, LlmRouterNqTable.NAME);

    private record Key(String name, Path root) {
    }

    /** One per key; loads under its own lock, so a slow load blocks only callers of the same table. */
    private static final class Slot {
        private OutcomeTable table;

        synchronized OutcomeTable get(Function<Path, OutcomeTable> loader, Path root) {
            if (table == null) table = loader.apply(root); // a failed load leaves it null: the next open retries
            return table;
        }
    }

    private static final Map<Key, Slot> CACHE = new ConcurrentHashMap<>();

    private RecordedTables() {
    }

    /** The known table names. */
    public static List<String> names() {
        return NAMES;
    }

    /**
     * The table called {@code name}, read from under {@code dataRoot} (see {@link DataLocation}), loaded on first
     * use.
     *
     * @throws IllegalArgumentException when no table has that name (the message lists the known names)
     * @throws MissingDataException     when the table's file is not under {@code dataRoot}
     */
    public static OutcomeTable open(String name, Path dataRoot) {
        Objects.requireNonNull(dataRoot, "dataRoot");
        String key = name == null ? "" : name.strip();
        if (key.isEmpty()) {
            throw new IllegalArgumentException("no recorded table named; a replay model needs one of: " + String.join(", ", NAMES));
        }
        Function<Path, OutcomeTable> loader = LOADERS.get(key);
        if (loader == null) {
            throw new IllegalArgumentException("unknown recorded table '" + name + "'; known tables: " + String.join(", ", NAMES));
        }
        Path root = dataRoot.toAbsolutePath().normalize();
        return CACHE.computeIfAbsent(new Key(key, root), k -> new Slot()).get(loader, root);
    }
}
