package dev.thinkroute.learn.outcome.importer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The importers of public outcome tables, by name. */
public final class Importers {

    /** Name → factory, in listing order. Importers hold no state, but a fresh one per call costs nothing. */
    private static final Map<String, Supplier<Importer>> ALL = new LinkedHashMap<>();

    static {
        ALL.put(RouteLlmGsm8kImporter.NAME, RouteLlmGsm8kImporter::new);
        ALL.put(RouteLlmMmluImporter.NAME, RouteLlmMmluImporter::new);
        ALL.put(LlmRouterDcImporter.NAME, LlmRouterDcImporter::new);
        ALL.put(LlmRouterNqImporter.NAME, LlmRouterNqImporter::new);
        ALL.put(OpenAiGsm8kImporter.NAME, OpenAiGsm8kImporter::new);
    }

    private Importers() {
    }

    /** The known importer names, in listing order. */
    public static List<String> names() {
        return List.copyOf(ALL.keySet());
    }

    /** Every importer, in listing order. */
    public static List<Importer> all() {
        return ALL.values().stream().map(Supplier::get).toList();
    }

    /**
     * The importer called {@code name} (surrounding spaces and case ignored).
     *
     * @throws IllegalArgumentException when there is none; the message lists the known names
     */
    public static Importer get(String name) {
        String key = name == null ? "" : name.strip().toLowerCase(java.util.Locale.ROOT);
        Supplier<Importer> factory = ALL.get(key);
        if (factory == null) {
            throw new IllegalArgumentException((key.isEmpty() ? "no importer named" : "unknown importer '" + name + "'")
                    + "; known importers: " + String.join(", ", ALL.keySet()));
        }
        return factory.get();
    }
}
