package dev.thinkroute.learn.outcome.importer;

import dev.thinkroute.core.Outcome;
import dev.thinkroute.llm.replay.DataLocation;

import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;

import static org.assertj.core.api.Assertions.assertThat;

/** Shared helpers for the importer tests: the real datasets root and per-arm figures. */
final class ImportChecks {

    private ImportChecks() {
    }

    /** The shared datasets folder, found the way the CLI finds it (surefire sets thinkroute.home). */
    static Path dataRoot() {
        return DataLocation.resolve((Path) null).root();
    }

    static List<Outcome> of(List<Outcome> outcomes, String armLabel) {
        return outcomes.stream().filter(o -> o.arm().label().equals(armLabel)).toList();
    }

    static double mean(List<Outcome> outcomes, String armLabel, ToDoubleFunction<Outcome> f) {
        List<Outcome> arm = of(outcomes, armLabel);
        assertThat(arm).as("outcomes of arm %s", armLabel).isNotEmpty();
        return arm.stream().mapToDouble(f).average().orElseThrow();
    }

    static double meanScore(List<Outcome> outcomes, String armLabel) {
        return mean(outcomes, armLabel, Outcome::score);
    }

    static double meanCost(List<Outcome> outcomes, String armLabel) {
        return mean(outcomes, armLabel, Outcome::costUsd);
    }

    /** Every recorded source hash matches the file under the root, and the counts add up. */
    static void assertProvenanceHolds(ImportResult r, Path root) {
        assertThat(r.provenance().sources()).isNotEmpty();
        assertThat(r.provenance().checkSources(root)).isEmpty();
        assertThat(r.provenance().outcomes()).isEqualTo(r.outcomes().size());
        assertThat(r.provenance().rowsSkipped()).isEqualTo(r.skipped().size());
        assertThat(r.provenance().costMethod()).isNotBlank();
        assertThat(r.provenance().prices()).isNotEmpty();
        assertThat(r.provenance().dataset()).isEqualTo(r.dataset());
    }

    /** Costs are finite and positive, tokens non-negative, scores in [0, 1]. */
    static void assertWellFormed(ImportResult r) {
        assertThat(r.outcomes()).allSatisfy(o -> {
            assertThat(o.costUsd()).isPositive().isFinite();
            assertThat(o.score()).isBetween(0.0, 1.0);
            assertThat(o.inputTokens()).isPositive();
            assertThat(o.outputTokens()).isPositive();
            assertThat(o.reasoningTokens()).isBetween(0L, o.outputTokens());
            assertThat(o.dataset()).isEqualTo(r.dataset());
        });
    }
}
