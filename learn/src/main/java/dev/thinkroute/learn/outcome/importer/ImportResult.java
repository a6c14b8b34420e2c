package dev.thinkroute.learn.outcome.importer;

import dev.thinkroute.core.Arm;
import dev.thinkroute.core.Outcome;
import dev.thinkroute.learn.outcome.OutcomeLog;
import dev.thinkroute.learn.outcome.Provenance;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * What an {@link Importer} produced.
 *
 * @param dataset    the dataset name the outcomes carry
 * @param outcomes   one per (query, arm), grouped by query in source order
 * @param provenance the sources (with hashes), the cost method, prices and counts
 * @param skipped    one entry per source row left out, {@code file:line: why}; empty on a clean source
 */
public record ImportResult(String dataset, List<Outcome> outcomes, Provenance provenance, List<String> skipped) {

    public ImportResult {
        Objects.requireNonNull(dataset, "dataset");
        outcomes = List.copyOf(outcomes);
        Objects.requireNonNull(provenance, "provenance");
        skipped = List.copyOf(skipped);
    }

    /** The arms present, in order of first appearance. */
    public List<Arm> arms() {
        LinkedHashSet<Arm> arms = new LinkedHashSet<>();
        for (Outcome o : outcomes) arms.add(o.arm());
        return List.copyOf(arms);
    }

    /** The number of distinct queries. */
    public int queryCount() {
        return (int) outcomes.stream().map(Outcome::queryId).distinct().count();
    }

    /** Writes the outcomes to {@code log} and the provenance to its sidecar (see {@link OutcomeLog#write}). */
    public void writeTo(Path log) {
        OutcomeLog.write(log, outcomes, provenance);
    }
}
