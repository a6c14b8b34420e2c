package dev.thinkroute.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.thinkroute.cli.CliTest.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.thinkroute.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code thinkroute eval} of a multi-round profile: a scripted Router-R1 policy served over HTTP (the OpenAI protocol
 * as vLLM speaks it, stop strings honoured) asks replay candidates that answer from LLMRouter's recorded Natural
 * Questions answers of six real models; the report puts its EM, F1, cost and rounds beside each single model and the
 * oracle, and the trajectories come out with their rewards.
 */
class MultiRoundEvalTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /**
     * The policy's script, a fixed strategy read from the transcript it is asked to continue: ask the small model
     * the question; unless its reply hedges, answer with a short phrase of it; else ask the large model and answer
     * from its reply.
     */
    static final class ScriptedPolicy implements AutoCloseable {
        static final Pattern INFO = Pattern.compile("<information>(.*?)</information>", Pattern.DOTALL);
        final HttpServer server;
        final ConcurrentLinkedQueue<JsonNode> requests = new ConcurrentLinkedQueue<>();

        ScriptedPolicy() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.createContext("/", this::handle);
            server.start();
        }

        String baseUrl() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
        }

        static String turn(String question, String transcript) {
            List<String> info = new ArrayList<>();
            Matcher m = INFO.matcher(transcript);
            while (m.find()) info.add(m.group(1).strip());
            if (info.isEmpty()) return "<think>A small model may know this.</think>\n<search> llama-3.1-8b: " + question + " </search>";
            String last = info.getLast();
            if (info.size() == 1 && HEDGE.matcher(last).find()) {
                return "<think>The small model is unsure; ask the large one.</think>\n<search> mixtral-8x22b: " + question + " </search>";
            }
            return "<think>I have it.</think>\n<answer>" + shortAnswer(last) + "</answer>";
        }

        static final Pattern HEDGE = Pattern.compile("(?i)not aware|need to know|to determine|to answer|sorry|i'm not|i don't|unable|cannot");
        static final Pattern IS = Pattern.compile("\\b(?:is|was|are|were|by)\\s+([^.\\n]+)");

        /** The last line when it is short (many replies end with their answer), else what follows "is"/"was" in the first sentence. */
        static String shortAnswer(String reply) {
            String[] lines = reply.strip().split("\\n");
            String lastLine = lines[lines.length - 1].strip();
            if (lastLine.split("\\s+").length <= 8) return lastLine;
            Matcher m = IS.matcher(reply);
            String phrase = m.find() ? m.group(1) : reply;
            String[] words = phrase.strip().split("\\s+");
            return String.join(" ", List.of(words).subList(0, Math.min(words.length, 8)));
        }

        private void handle(HttpExchange ex) throws IOException {
            try (ex) {
                JsonNode body = JSON.readTree(ex.getRequestBody());
                requests.add(body);
                JsonNode messages = body.path("messages");
                String question = messages.path(1).path("content").asText();
                String transcript = messages.size() > 2 ? messages.path(2).path("content").asText() : "";
                String text = turn(question, transcript);
                // vLLM stops before the stop string and leaves it out of the text.
                String stop = body.path("stop").path(0).asText("");
                int cut = stop.isEmpty() ? -1 : text.indexOf(stop);
                String content = cut < 0 ? text : text.substring(0, cut);
                ObjectNode reply = JSON.createObjectNode();
                reply.put("id", "chatcmpl-policy").put("object", "chat.completion").put("created", 1_750_000_000L).put("model", "router-r1");
                ObjectNode choice = reply.putArray("choices").addObject();
                choice.put("index", 0);
                choice.putObject("message").put("role", "assistant").put("content", content);
                choice.put("finish_reason", "stop");
                if (cut >= 0) choice.put("stop_reason", stop); else choice.putNull("stop_reason");
                reply.putObject("usage").put("prompt_tokens", 200).put("completion_tokens", content.length() / 4 + 1)
                        .put("total_tokens", 200 + content.length() / 4 + 1);
                byte[] bytes = JSON.writeValueAsBytes(reply);
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(200, bytes.length);
                ex.getResponseBody().write(bytes);
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    private static Path config(Path dir, String policyUrl) throws IOException {
        Path config = dir.resolve("r1.yaml");
        Files.writeString(config, """
                models:
                  - name: router-r1
                    dialect: openai
                    base_url: "%s"
                    upstream_model: router-r1
                    price: {input: 0.0, output: 0.0}
                    params_b: 3
                    description: the policy
                  - name: llama-3.1-8b
                    dialect: replay
                    table: llmrouter-nq
                    upstream_model: meta/llama-3.1-8b-instruct
                    price: {input: 0.0, output: 0.18}
                    params_b: 8
                    description: "Small general instruct model; fast and cheap, thin world knowledge"
                  - name: mixtral-8x22b
                    dialect: replay
                    table: llmrouter-nq
                    upstream_model: mistralai/mixtral-8x22b-instruct-v0.1
                    price: {input: 0.0, output: 1.20}
                    params_b: 141
                    description: "Large mixture-of-experts model; broad knowledge, the dearest here"
                profiles:
                  r1:
                    description: a scripted Router-R1 policy over two recorded models
                    multi_round:
                      policy: router-r1:off
                      candidates: [llama-3.1-8b:off, mixtral-8x22b:off]
                      max_rounds: 3
                """.formatted(policyUrl));
        return config;
    }

    @Test
    @Timeout(120)
    void aScriptedPolicyOverReplayCandidatesIsReportedBesideEachSingleModelAndTheOracle() throws IOException {
        try (ScriptedPolicy policy = new ScriptedPolicy()) {
            Path out = dir.resolve("reports");
            Run r = run("eval", "--config", config(dir, policy.baseUrl()).toString(), "--dataset", "llmrouter-nq", "--limit", "40",
                    "--arms", "llama-3.1-8b:off,mixtral-8x22b:off", "--profiles", "r1", "--run-dir", dir.resolve("run").toString(), "--out", out.toString(),
                    "--reward-alpha", "0.3");
            assertThat(r.code()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("llmrouter-nq (live): 40 questions", "always llama-3.1-8b:off", "always mixtral-8x22b:off",
                    "profile r1 (multi-round)", "oracle", "sub-questions per question", "trajectories of r1");

            List<Map<String, String>> rows = csv(out.resolve("eval-llmrouter-nq.csv"));
            Map<String, String> loop = rows.stream().filter(m -> m.get("kind").equals("multi_round")).findFirst().orElseThrow();
            Map<String, String> small = rows.stream().filter(m -> m.get("contestant").equals("always llama-3.1-8b:off")).findFirst().orElseThrow();
            Map<String, String> large = rows.stream().filter(m -> m.get("contestant").equals("always mixtral-8x22b:off")).findFirst().orElseThrow();
            assertThat(loop.get("questions")).isEqualTo("40");
            assertThat(loop.get("failed")).isEqualTo("0");
            // EM and F1 for every contestant (the dataset's own scorer, F1 here, is the quality column).
            for (Map<String, String> row : List.of(loop, small, large)) {
                double em = Double.parseDouble(row.get("em")), f1 = Double.parseDouble(row.get("f1"));
                assertThat(em).as(row.get("contestant")).isBetween(0.0, 1.0).isLessThanOrEqualTo(f1);
                assertThat(f1).as(row.get("contestant")).isBetween(0.01, 1.0).isEqualTo(Double.parseDouble(row.get("quality")));
            }

            // Every loop asked the small model first, with the question itself; the candidates' replies are the recorded ones.
            List<Map<String, String>> answers = csv(out.resolve("eval-llmrouter-nq-answers.csv"));
            List<Map<String, String>> loops = answers.stream().filter(m -> m.get("arm").equals("multi-round")).toList();
            assertThat(loops).hasSize(40).allSatisfy(m -> assertThat(m.get("reason")).startsWith("stop=answer; asked: candidate llama-3.1-8b:off"));
            long escalated = loops.stream().filter(m -> m.get("reason").contains("mixtral-8x22b:off")).count();
            assertThat(escalated).as("loops that asked the large model too").isBetween(1L, 39L);

            // The loop's cost is its candidates' recorded costs (the policy is free here): between the small model's and both.
            double loopCost = Double.parseDouble(loop.get("mean_cost_usd"));
            double smallCost = Double.parseDouble(small.get("mean_cost_usd")), largeCost = Double.parseDouble(large.get("mean_cost_usd"));
            assertThat(loopCost).isGreaterThanOrEqualTo(smallCost * 0.999).isLessThanOrEqualTo((smallCost + largeCost) * 1.001);
            assertThat(Double.parseDouble(loop.get("share:mixtral-8x22b:off")))
                    .isCloseTo(escalated / (40.0 + escalated), org.assertj.core.data.Offset.offset(1e-9));

            // The JSON report has the loop on the frontier plane and its own figures.
            JsonNode report = JSON.readTree(out.resolve("eval-llmrouter-nq.json").toFile());
            assertThat(report.at("/multiRound/0/meanSubQuestions").asDouble()).isCloseTo((40.0 + escalated) / 40, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(report.at("/multiRound/0/stops/answer").asInt()).isEqualTo(40);
            assertThat(report.at("/comparison/routers").findValuesAsText("kind")).contains("r1");
            assertThat(out.resolve("eval-llmrouter-nq.html")).content().contains("Multi-round", "profile r1 (multi-round)");

            // Trajectories: one per question, each with the paper's rewards at the α asked for.
            List<JsonNode> lines = new ArrayList<>();
            for (String line : Files.readAllLines(out.resolve("eval-llmrouter-nq-trajectories-r1.jsonl"))) lines.add(JSON.readTree(line));
            assertThat(lines).hasSize(40);
            for (JsonNode t : lines) {
                assertThat(t.path("rewards").path("format").asDouble()).as(t.toString()).isZero();
                assertThat(t.path("rewards").path("alpha").asDouble()).isEqualTo(0.3);
                double em = t.path("rewards").path("outcome_em").asDouble();
                double expected = em == 0 ? 0 : 0.7 * em + 0.3 * t.path("rewards").path("cost").asDouble();
                assertThat(t.path("rewards").path("total").asDouble()).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-12));
                assertThat(t.path("response").asText()).startsWith("<think>").endsWith("</answer>\n");
                assertThat(t.path("rounds").get(1).path("model").asText()).isEqualTo("llama-3.1-8b");
            }
            // A rerun in the same run directory replays every loop from the cache, call by call: nothing is asked again.
            int asked = policy.requests.size();
            Path again = dir.resolve("again");
            Run rerun = run("eval", "--config", config(dir, policy.baseUrl()).toString(), "--dataset", "llmrouter-nq", "--limit", "40",
                    "--arms", "llama-3.1-8b:off,mixtral-8x22b:off", "--profiles", "r1", "--run-dir", dir.resolve("run").toString(),
                    "--out", again.toString(), "--reward-alpha", "0.3", "--no-html");
            assertThat(rerun.code()).as(rerun.out() + rerun.err()).isZero();
            assertThat(policy.requests).hasSize(asked);
            assertThat(Files.readString(again.resolve("eval-llmrouter-nq-trajectories-r1.jsonl")))
                    .isEqualTo(Files.readString(out.resolve("eval-llmrouter-nq-trajectories-r1.jsonl")));

            // The policy continued its own transcript each turn, stopped at </search>.
            assertThat(policy.requests).allSatisfy(b -> assertThat(b.path("stop").get(0).asText()).isEqualTo("</search>"));
            assertThat(policy.requests).filteredOn(b -> b.path("messages").size() == 3)
                    .allSatisfy(b -> assertThat(b.path("continue_final_message").asBoolean()).isTrue());
        }
    }

    /** A candidate served over HTTP that answers every sub-question the same way. */
    private static HttpServer constantCandidate(String reply) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", ex -> {
            try (ex) {
                ex.getRequestBody().readAllBytes();
                ObjectNode body = JSON.createObjectNode();
                body.put("id", "chatcmpl-c").put("object", "chat.completion").put("created", 1_750_000_000L).put("model", "candidate");
                ObjectNode choice = body.putArray("choices").addObject();
                choice.put("index", 0).put("finish_reason", "stop");
                choice.putObject("message").put("role", "assistant").put("content", reply);
                body.putObject("usage").put("prompt_tokens", 30).put("completion_tokens", 12).put("total_tokens", 42);
                byte[] bytes = JSON.writeValueAsBytes(body);
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(200, bytes.length);
                ex.getResponseBody().write(bytes);
            }
        });
        server.start();
        return server;
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"nq", "triviaqa", "hotpotqa", "2wiki", "musique", "bamboogle"})
    @Timeout(60)
    void runsOnEveryQaSetWithExactMatchAndF1(String dataset) throws IOException {
        HttpServer candidate = constantCandidate("Paris");
        try (ScriptedPolicy policy = new ScriptedPolicy()) {
            String url = "http://127.0.0.1:" + candidate.getAddress().getPort() + "/v1";
            Path config = dir.resolve("qa.yaml");
            Files.writeString(config, """
                    models:
                      - {name: router-r1, dialect: openai, base_url: "%s", price: {input: 0, output: 0}, params_b: 3}
                      - {name: llama-3.1-8b, dialect: openai, base_url: "%s", price: {input: 0.1, output: 0.2}, params_b: 8}
                    profiles:
                      r1:
                        multi_round: {policy: "router-r1:off", candidates: ["llama-3.1-8b:off"]}
                    """.formatted(policy.baseUrl(), url));
            Path out = dir.resolve("reports-" + dataset);
            // No --arms: every arm of the pool but the policy's, which only routes.
            Run r = run("eval", "--config", config.toString(), "--dataset", dataset, "--limit", "3",
                    "--profiles", "r1", "--run-dir", dir.resolve("run-" + dataset).toString(), "--out", out.toString(), "--no-html");
            assertThat(r.code()).as(r.out() + r.err()).isZero();
            List<Map<String, String>> rows = csv(out.resolve("eval-" + dataset + ".csv"));
            Map<String, String> loop = rows.stream().filter(m -> m.get("kind").equals("multi_round")).findFirst().orElseThrow();
            // The policy answered with the candidate's "Paris" every time: EM and F1 are Paris against each set's golds.
            assertThat(loop.get("questions")).isEqualTo("3");
            assertThat(loop.get("em")).isNotEmpty();
            assertThat(loop.get("f1")).isNotEmpty();
            assertThat(rows).extracting(m -> m.get("contestant")).containsExactly("always llama-3.1-8b:off", "profile r1 (multi-round)");
            Map<String, String> single = rows.getFirst();
            assertThat(loop.get("em")).as("the loop answers what its one candidate says").isEqualTo(single.get("em"));
            assertThat(out.resolve("eval-" + dataset + "-trajectories-r1.jsonl")).content().hasLineCount(3);
        } finally {
            candidate.stop(0);
        }
    }

    @Test
    void aMultiRoundProfileNeedsSingleArmsBesideItAndARewardAlphaInRange() throws IOException {
        Path config = config(dir, "http://127.0.0.1:9/v1");
        Run none = run("eval", "--config", config.toString(), "--dataset", "llmrouter-nq", "--limit", "2", "--arms", "none",
                "--profiles", "r1", "--out", dir.resolve("o").toString());
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("multi-round profile is measured beside single arms");
        Run alpha = run("eval", "--config", config.toString(), "--dataset", "llmrouter-nq", "--limit", "2", "--reward-alpha", "1.5",
                "--out", dir.resolve("o").toString());
        assertThat(alpha.code()).isEqualTo(2);
        assertThat(alpha.err()).contains("--reward-alpha must be in [0, 1], got 1.5");
    }

    private static List<Map<String, String>> csv(Path file) throws IOException {
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
             MappingIterator<Map<String, String>> it = new CsvMapper().readerForMapOf(String.class)
                     .with(CsvSchema.emptySchema().withHeader()).readValues(in)) {
            return it.readAll();
        }
    }
}
