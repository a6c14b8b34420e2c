package dev.thinkroute.learn.outcome;

import dev.thinkroute.core.Outcome;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link OutcomeLog#read(Path)} found in one log file.
 *
 * @param file         the log that was read
 * @param outcomes     the usable lines, in file order
 * @param skippedLines how many non-blank lines were bad and left out
 * @param problems     one entry per bad line ({@code file:line: why}), then, if the provenance sidecar was present but
 *                     unreadable, one entry for it ({@code file: why})
 * @param provenance   the sidecar's contents, when the log has a readable one
 */
public record LoadedLog(Path file, List<Outcome> outcomes, int skippedLines, List<String> problems,
                        Optional<Provenance> provenance) {

    public LoadedLog {
        Objects.requireNonNull(file, "file");
        outcomes = List.copyOf(outcomes);
        problems = List.copyOf(problems);
        Objects.requireNonNull(provenance, "provenance");
    }
}
