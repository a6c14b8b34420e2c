package dev.thinkroute.learn.outcome.importer;

import java.nio.file.Path;

/**
 * Turns one public outcome table (see {@code datasets/<folder>/SOURCE.md}) into outcome-log lines. An importer
 * reads only the local copies under the datasets root it is given (callers resolve it with
 * {@link dev.thinkroute.llm.replay.DataLocation}); it never downloads. Every source row it cannot use is reported in
 * {@link ImportResult#skipped()} as {@code file:line: why}, never dropped silently.
 */
public interface Importer {

    /** The registry name, e.g. {@code routellm-gsm8k}. */
    String name();

    /** One line for listings: what is imported, how many queries and arms, where from. */
    String description();

    /**
     * Imports from {@code dataRoot}.
     *
     * @throws dev.thinkroute.llm.replay.MissingDataException when a source file is not where it is expected
     * @throws java.io.UncheckedIOException                    when a source file cannot be read or parsed at all
     */
    ImportResult run(Path dataRoot);
}
