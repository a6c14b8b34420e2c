package dev.thinkroute.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Exports a batch of {@link Orchestrator} runs as JSON Lines, one trajectory a line, each with its Router-R1
 * {@link Rewards}, for an external RL trainer to consume: the prompt ({@code system_prompt}, {@code question}), the
 * policy's generated text ({@code response}), every call of the loop ({@code rounds}), the totals and the rewards.
 * Fields come in a fixed order, so the same batch always gives the same bytes. Null fields of a round are left out;
 * the top-level fields are always there ({@code answer} is {@code null} when the run ended without one).
 *
 * <p>The cost reward is normalised over the batch written ({@link Rewards#costRewards}), so a trajectory's rewards
 * depend on the others in the same export: write a training batch together.
 */
public final class TrajectoryWriter {

    /**
     * One run to export.
     *
     * @param id         the example's id, unique in the batch
     * @param dataSource the data set it comes from (the trainer's {@code data_source})
     * @param question   the question the policy was asked
     * @param golds      the gold answers (aliases)
     * @param result     the orchestrator's run on {@code question}
     */
    public record Trajectory(String id, String dataSource, String question, List<String> golds, Orchestrator.Result result) {
        public Trajectory {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(dataSource, "dataSource");
            Objects.requireNonNull(question, "question");
            golds = List.copyOf(golds);
            Objects.requireNonNull(result, "result");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Set<String> candidateNames;
    private final double alpha;
    private final Rewards.CostBasis costBasis;
    private final String systemPrompt;

    /**
     * @param candidateNames the names the policy could ask (a search naming another model breaks the format)
     * @param alpha          the cost coefficient in [0, 1]
     * @param costBasis      which cost the cost reward is computed from
     * @param systemPrompt   the prompt the policy ran with ({@link Orchestrator#systemPrompt()})
     */
    public TrajectoryWriter(Set<String> candidateNames, double alpha, Rewards.CostBasis costBasis, String systemPrompt) {
        this.candidateNames = Set.copyOf(candidateNames);
        this.alpha = Rewards.requireAlpha(alpha);
        this.costBasis = Objects.requireNonNull(costBasis, "costBasis");
        this.systemPrompt = Objects.requireNonNull(systemPrompt, "systemPrompt");
    }

    /** The rewards of each trajectory of {@code batch}, in order; the cost reward is normalised over the whole batch. */
    public List<Rewards.Reward> rewards(List<Trajectory> batch) {
        double[] raw = batch.stream().mapToDouble(t -> costBasis.raw(t.result())).toArray();
        double[] cost = Rewards.costRewards(raw);
        List<Rewards.Reward> rewards = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            Trajectory t = batch.get(i);
            double format = Rewards.format(t.result().transcript(), candidateNames);
            // The answer the run delivered; when the transcript holds none, the format is broken and the total is -1 anyway.
            Rewards.Outcome outcome = Rewards.outcome(t.result().answer(), t.golds());
            rewards.add(new Rewards.Reward(format, outcome.exactMatch(), outcome.f1(), raw[i], cost[i], alpha,
                    Rewards.total(format, outcome.exactMatch(), cost[i], alpha), costBasis));
        }
        return rewards;
    }

    /** Writes {@code batch} to {@code out}, one JSON object a line; {@code out} is flushed, not closed. */
    public void write(List<Trajectory> batch, Writer out) throws IOException {
        List<Rewards.Reward> rewards = rewards(batch);
        for (int i = 0; i < batch.size(); i++) {
            out.write(JSON.writeValueAsString(line(batch.get(i), rewards.get(i))));
            out.write('\n');
        }
        out.flush();
    }

    /**
     * Writes {@code batch} to {@code file}, replacing it whole or not at all: the lines go to a temporary file in the
     * same folder, which is then moved over {@code file}, so a reader (or a crash) never sees half an export.
     */
    public void write(List<Trajectory> batch, Path file) throws IOException {
        Path folder = file.toAbsolutePath().getParent();
        Files.createDirectories(folder);
        Path temp = Files.createTempFile(folder, file.getFileName().toString() + ".", ".tmp");
        try {
            try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
                write(batch, out);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private ObjectNode line(Trajectory t, Rewards.Reward reward) {
        Orchestrator.Result r = t.result();
        ObjectNode line = JSON.createObjectNode();
        line.put("id", t.id());
        line.put("data_source", t.dataSource());
        line.put("question", t.question());
        ArrayNode golds = line.putArray("golds");
        t.golds().forEach(golds::add);
        line.put("system_prompt", systemPrompt);
        line.put("response", r.transcript());
        line.put("answer", r.answer());
        line.put("stop", r.stop());
        ArrayNode rounds = line.putArray("rounds");
        r.calls().forEach(call -> rounds.add(round(call)));
        ObjectNode totals = line.putObject("totals");
        totals.put("cost_usd", r.totalCost());
        totals.put("tokens", r.totalTokens());
        totals.put("size_weighted_cost", r.totalSizeWeighted());
        totals.put("sub_questions", r.subQuestions());
        ObjectNode rewards = line.putObject("rewards");
        rewards.put("format", reward.format());
        rewards.put("outcome_em", reward.outcomeEm());
        rewards.put("f1", reward.f1());
        rewards.put("cost_raw", reward.costRaw());
        rewards.put("cost", reward.cost());
        rewards.put("alpha", reward.alpha());
        rewards.put("total", reward.total());
        rewards.put("cost_basis", reward.costBasis().label());
        return line;
    }

    private static ObjectNode round(Orchestrator.Round call) {
        ObjectNode round = JSON.createObjectNode();
        round.put("index", call.index());
        round.put("role", call.role());
        if (call.arm() != null) {
            round.put("model", call.arm().model());
            round.put("arm", call.arm().label());
        }
        if (call.question() != null) round.put("question", call.question());
        if (call.reply() != null) round.put("reply", call.reply());
        round.put("input_tokens", call.usage().inputTokens());
        round.put("output_tokens", call.usage().outputTokens());
        round.put("cost_usd", call.costUsd());
        round.put("size_weighted_cost", call.sizeWeightedCost());
        round.put("latency_ms", call.latencyMs());
        if (call.repairs() != null) {
            ArrayNode repairs = round.putArray("repairs");
            call.repairs().forEach(repairs::add);
        }
        if (call.error() != null) round.put("error", call.error());
        return round;
    }
}
