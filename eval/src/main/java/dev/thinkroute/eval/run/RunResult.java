package dev.thinkroute.eval.run;

import dev.thinkroute.core.Arm;
import dev.thinkroute.core.Outcome;
import dev.thinkroute.core.Usage;
import dev.thinkroute.core.score.Score;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a live run produced, one {@link Entry} per (example, arm) in example-major order (the order of the inputs, not
 * of completion, so two runs over the same cache compare equal).
 *
 * @param dataset the dataset name the entries are keyed under
 * @param entries every pair asked for
 */
public record RunResult(String dataset, List<Entry> entries) {

    /** The {@code source} {@link #toOutcomes(String)} writes. */
    public static final String SOURCE = "live";

    public RunResult {
        Objects.requireNonNull(dataset, "dataset");
        entries = List.copyOf(entries);
    }

    /** How a pair ended. */
    public enum Status {
        /** Answered, and an answer was read from it. */
        SCORED,
        /** Answered, but no answer could be read ({@link Score#parsed()} false): judged 0, counted apart. */
        UNPARSED,
        /** The call failed after its retries: no answer, never scored. */
        FAILED
    }

    /**
     * One (example, arm).
     *
     * @param exampleId  the example's id
     * @param question   the text sent
     * @param arm        the arm asked
     * @param status     how it ended
     * @param score      the scorer's verdict, or {@code null} when {@link Status#FAILED}
     * @param usage      tokens ({@link Usage#ZERO} when failed)
     * @param costUsd    at the card's current prices
     * @param latencyMs  of the answering call, backoff excluded
     * @param attempts   calls made (1 = no retry)
     * @param error      {@code KIND[ status]: message} when failed, else {@code null}
     * @param fromCache  whether the response came from the cache rather than a call in this run
     * @param content    the answer text as the model gave it, or {@code null} when {@link Status#FAILED}
     */
    public record Entry(String exampleId, String question, Arm arm, Status status, Score score, Usage usage,
                        double costUsd, long latencyMs, int attempts, String error, boolean fromCache,
                        String content) {
        public boolean failed() {
            return status == Status.FAILED;
        }
    }

    /**
     * Sums over a set of entries.
     *
     * @param pairs     entries counted
     * @param scored    {@link Status#SCORED}
     * @param unparsed  {@link Status#UNPARSED}
     * @param failed    {@link Status#FAILED}
     * @param fromCache answered from the cache
     * @param meanScore over scored and unparsed entries (failed ones left out), or NaN when there are none
     * @param usage     total tokens
     * @param costUsd   total cost
     * @param latencyMs total latency of the answering calls
     */
    public record Totals(int pairs, int scored, int unparsed, int failed, int fromCache, double meanScore, Usage usage,
                         double costUsd, long latencyMs) {
    }

    /** Totals over every entry. */
    public Totals totals() {
        return sum(entries);
    }

    /** Totals per arm label, in the order arms first appear. */
    public Map<String, Totals> totalsByArm() {
        Map<String, List<Entry>> byArm = new LinkedHashMap<>();
        for (Entry e : entries) byArm.computeIfAbsent(e.arm().label(), k -> new java.util.ArrayList<>()).add(e);
        Map<String, Totals> out = new LinkedHashMap<>();
        byArm.forEach((arm, list) -> out.put(arm, sum(list)));
        return out;
    }

    private static Totals sum(List<Entry> list) {
        int scored = 0, unparsed = 0, failed = 0, cached = 0;
        double scoreSum = 0, cost = 0;
        long latency = 0;
        Usage usage = Usage.ZERO;
        for (Entry e : list) {
            switch (e.status()) {
                case SCORED -> scored++;
                case UNPARSED -> unparsed++;
                case FAILED -> failed++;
            }
            if (e.fromCache()) cached++;
            if (e.score() != null) scoreSum += e.score().value();
            usage = usage.plus(e.usage());
            cost += e.costUsd();
            latency += e.latencyMs();
        }
        int judged = scored + unparsed;
        return new Totals(list.size(), scored, unparsed, failed, cached, judged == 0 ? Double.NaN : scoreSum / judged,
                usage, cost, latency);
    }

    /** {@link #toOutcomes(String, String)} with source {@value #SOURCE}. */
    public List<Outcome> toOutcomes(String datasetName) {
        return toOutcomes(datasetName, SOURCE);
    }

    /**
     * The answered pairs as outcome-log lines, for {@code OutcomeLog.write}. Failed calls are left out (they say nothing
     * about the arm's quality; {@link Totals#failed()} counts them); an unparsed answer is logged with score 0, since
     * for routing a response with no readable answer is a wrong one. Each outcome carries its answer text as
     * {@link Outcome#response()}.
     */
    public List<Outcome> toOutcomes(String datasetName, String source) {
        return toOutcomes(datasetName, source, true);
    }

    /**
     * {@link #toOutcomes(String, String)}, with the answer texts left out ({@link Outcome#response()} {@code null})
     * unless {@code withResponses}: a smaller log, and none of the answers in it.
     */
    public List<Outcome> toOutcomes(String datasetName, String source, boolean withResponses) {
        Objects.requireNonNull(datasetName, "datasetName");
        return entries.stream()
                .filter(e -> !e.failed())
                .map(e -> new Outcome(e.exampleId(), datasetName, e.question(), e.arm().model(),
                        e.arm().thinking().label(), e.score().value(), e.usage().inputTokens(),
                        e.usage().outputTokens(), e.usage().reasoningTokens(), e.costUsd(), e.latencyMs(), source,
                        withResponses ? e.content() : null))
                .toList();
    }
}
