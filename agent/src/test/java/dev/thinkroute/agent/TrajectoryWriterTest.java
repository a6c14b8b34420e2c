package dev.thinkroute.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.thinkroute.agent.OrchestratorTest.Scripted;
import dev.thinkroute.core.route.MultiRound;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSON Lines export of real (scripted) orchestrator runs, read back field by field. */
class TrajectoryWriterTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Set<String> NAMES = Set.of("small", "big");

    private Orchestrator orchestrator;

    /**
     * Two runs: a right two-hop answer (asks big then small: 10 output tokens × (70 + 7) = 770), and a cheaper wrong
     * one whose first candidate fails (only big's reply counts: 10 × 70 = 700).
     */
    private List<TrajectoryWriter.Trajectory> batch() throws Exception {
        Scripted policy = new Scripted("policy", 7.0,
                "<think>I need the director of Jaws first.</think>\n<search> big: Who directed Jaws?",
                "<think>Now his birth year.</think>\n<search> small: In what year was Steven Spielberg born?",
                "<think>Done.</think>\n<answer>1946</answer>");
        orchestrator = OrchestratorTest.orchestrator(policy, List.of(new Scripted("small", 7.0, "1946"), new Scripted("big", 70.0, "Steven Spielberg")),
                MultiRound.Settings.DEFAULTS);
        Orchestrator.Result twoHop = orchestrator.run("In what year was the director of Jaws born?");

        Scripted policy2 = new Scripted("policy", 7.0,
                "<think>Ask the small one.</think>\n<search> small: Who directed Jaws?",
                "<think>It failed; ask the big one.</think>\n<search> big: Who directed Jaws?",
                "<think>Got it.</think>\n<answer>Spielberg</answer>");
        Orchestrator.Result failedFirst = OrchestratorTest.orchestrator(policy2,
                List.of(new Scripted("small", 7.0, (String) null), new Scripted("big", 70.0, "Steven Spielberg")), MultiRound.Settings.DEFAULTS)
                .run("Who directed Jaws?");

        return List.of(new TrajectoryWriter.Trajectory("q1", "hotpotqa", "In what year was the director of Jaws born?", List.of("1946"), twoHop),
                new TrajectoryWriter.Trajectory("q2", "nq", "Who directed Jaws?", List.of("Steven Spielberg", "Spielberg, Steven"), failedFirst));
    }

    private static List<String> fields(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void eachTrajectoryIsOneLineWithItsRoundsTotalsAndRewards(@TempDir Path dir) throws Exception {
        List<TrajectoryWriter.Trajectory> batch = batch();
        TrajectoryWriter writer = new TrajectoryWriter(NAMES, 0.2, Rewards.CostBasis.SIZE_WEIGHTED, orchestrator.systemPrompt());
        Path file = dir.resolve("out/trajectories.jsonl");
        writer.write(batch, file);

        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(2);
        JsonNode first = JSON.readTree(lines.get(0)), second = JSON.readTree(lines.get(1));
        assertThat(fields(first)).containsExactly("id", "data_source", "question", "golds", "system_prompt", "response", "answer", "stop",
                "rounds", "totals", "rewards");

        assertThat(first.path("id").asText()).isEqualTo("q1");
        assertThat(first.path("data_source").asText()).isEqualTo("hotpotqa");
        assertThat(first.path("question").asText()).isEqualTo("In what year was the director of Jaws born?");
        assertThat(first.path("golds")).extracting(JsonNode::asText).containsExactly("1946");
        assertThat(first.path("system_prompt").asText()).isEqualTo(orchestrator.systemPrompt()).contains("- big: big knows things");
        assertThat(first.path("response").asText()).isEqualTo(batch.get(0).result().transcript())
                .startsWith("<think>I need the director of Jaws first.</think>\n<search> big: Who directed Jaws? </search>\n")
                .endsWith("<answer>1946</answer>\n");
        assertThat(first.path("answer").asText()).isEqualTo("1946");
        assertThat(first.path("stop").asText()).isEqualTo("answer");

        JsonNode rounds = first.path("rounds");
        assertThat(rounds).extracting(r -> r.path("role").asText()).containsExactly("policy", "candidate", "policy", "candidate", "policy");
        JsonNode policyTurn = rounds.get(0);
        assertThat(fields(policyTurn)).as("a policy turn has no question nor error").containsExactly("index", "role", "model", "arm", "reply",
                "input_tokens", "output_tokens", "cost_usd", "size_weighted_cost", "latency_ms", "repairs");
        assertThat(policyTurn.path("model").asText()).isEqualTo("policy");
        assertThat(policyTurn.path("arm").asText()).isEqualTo("policy:off");
        assertThat(policyTurn.path("reply").asText()).startsWith("<think>I need the director");
        assertThat(policyTurn.path("size_weighted_cost").asDouble()).as("the policy is not in the paper's cost").isEqualTo(0);
        JsonNode asked = rounds.get(1);
        assertThat(asked.path("index").asInt()).isEqualTo(1);
        assertThat(asked.path("model").asText()).isEqualTo("big");
        assertThat(asked.path("arm").asText()).isEqualTo("big:off");
        assertThat(asked.path("question").asText()).isEqualTo("Who directed Jaws?");
        assertThat(asked.path("reply").asText()).isEqualTo("Steven Spielberg");
        assertThat(asked.path("input_tokens").asLong()).isEqualTo(100);
        assertThat(asked.path("output_tokens").asLong()).isEqualTo(10);
        assertThat(asked.path("cost_usd").asDouble()).isCloseTo((100 * 1.0 + 10 * 2.0) / 1e6, within(1e-15));
        assertThat(asked.path("size_weighted_cost").asDouble()).isEqualTo(700);
        assertThat(asked.path("latency_ms").asLong()).isEqualTo(5);
        assertThat(asked.path("repairs")).isEmpty();
        assertThat(asked.has("error")).isFalse();

        JsonNode totals = first.path("totals");
        assertThat(fields(totals)).containsExactly("cost_usd", "tokens", "size_weighted_cost", "sub_questions");
        assertThat(totals.path("cost_usd").asDouble()).isEqualTo(batch.get(0).result().totalCost()).isCloseTo(5 * 120 / 1e6, within(1e-15));
        assertThat(totals.path("tokens").asLong()).isEqualTo(550);
        assertThat(totals.path("size_weighted_cost").asDouble()).isEqualTo(770);
        assertThat(totals.path("sub_questions").asLong()).isEqualTo(2);

        // With two trajectories the 5th/95th percentiles sit just inside the two costs, so the dearer (sqrt 770) is
        // clipped to cost reward 0 and the cheaper (sqrt 700) to 1. The first is right: total = 0.8·1 + 0.2·0.
        JsonNode rewards = first.path("rewards");
        assertThat(fields(rewards)).containsExactly("format", "outcome_em", "f1", "cost_raw", "cost", "alpha", "total", "cost_basis");
        assertThat(rewards.path("format").asDouble()).isEqualTo(0);
        assertThat(rewards.path("outcome_em").asDouble()).isEqualTo(1);
        assertThat(rewards.path("f1").asDouble()).isEqualTo(1);
        assertThat(rewards.path("cost_raw").asDouble()).isEqualTo(770);
        assertThat(rewards.path("cost").asDouble()).isEqualTo(0);
        assertThat(rewards.path("alpha").asDouble()).isEqualTo(0.2);
        assertThat(rewards.path("total").asDouble()).isCloseTo(0.8, within(1e-12));
        assertThat(rewards.path("cost_basis").asText()).isEqualTo("size_weighted");

        // The second: the failed candidate is recorded with its error and no reply; the answer is cheap but not an
        // exact match ("spielberg" against "steven spielberg": F1 2/3), so it earns nothing.
        assertThat(second.path("id").asText()).isEqualTo("q2");
        assertThat(second.path("data_source").asText()).isEqualTo("nq");
        assertThat(second.path("golds")).extracting(JsonNode::asText).containsExactly("Steven Spielberg", "Spielberg, Steven");
        assertThat(second.path("answer").asText()).isEqualTo("Spielberg");
        assertThat(second.path("response").asText()).contains("<information>(small gave no answer)</information>");
        JsonNode failed = second.path("rounds").get(1);
        assertThat(fields(failed)).containsExactly("index", "role", "model", "arm", "question", "input_tokens", "output_tokens", "cost_usd",
                "size_weighted_cost", "latency_ms", "repairs", "error");
        assertThat(failed.path("model").asText()).isEqualTo("small");
        assertThat(failed.path("error").asText()).isEqualTo("small answered 500");
        assertThat(failed.path("output_tokens").asLong()).isEqualTo(0);
        assertThat(second.at("/totals/tokens").asLong()).isEqualTo(440);
        assertThat(second.at("/totals/size_weighted_cost").asDouble()).isEqualTo(700);
        assertThat(second.at("/totals/sub_questions").asLong()).isEqualTo(2);
        JsonNode rewards2 = second.path("rewards");
        assertThat(rewards2.path("format").asDouble()).isEqualTo(0);
        assertThat(rewards2.path("outcome_em").asDouble()).isEqualTo(0);
        assertThat(rewards2.path("f1").asDouble()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(rewards2.path("cost_raw").asDouble()).isEqualTo(700);
        assertThat(rewards2.path("cost").asDouble()).isEqualTo(1);
        assertThat(rewards2.path("total").asDouble()).isEqualTo(0);
    }

    @Test
    void theFileIsReplacedWholeAndMatchesTheWriterOutput(@TempDir Path dir) throws Exception {
        List<TrajectoryWriter.Trajectory> batch = batch();
        TrajectoryWriter writer = new TrajectoryWriter(NAMES, 0.5, Rewards.CostBasis.USD, orchestrator.systemPrompt());
        Path file = dir.resolve("trajectories.jsonl");
        Files.writeString(file, "an older export\n");
        writer.write(batch, file);

        StringWriter out = new StringWriter();
        writer.write(batch, out);
        assertThat(Files.readString(file)).isEqualTo(out.toString()).doesNotContain("an older export");
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).as("no temporary file is left behind").containsExactly(file);
        }
        // USD: the first run is 5 calls at $0.00012, the second 4 (the failed call costs nothing).
        JsonNode second = JSON.readTree(out.toString().lines().toList().get(1));
        assertThat(second.at("/rewards/cost_basis").asText()).isEqualTo("usd");
        assertThat(second.at("/rewards/cost_raw").asDouble()).isCloseTo(4 * 120 / 1e6, within(1e-15));
        assertThat(second.at("/rewards/cost").asDouble()).isEqualTo(1);
        assertThat(writer.rewards(batch)).extracting(Rewards.Reward::total).containsExactly(0.5, 0.0);
    }
}
