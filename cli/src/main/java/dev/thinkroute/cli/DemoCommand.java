package dev.thinkroute.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thinkroute.core.ModelCard;
import dev.thinkroute.gateway.Gateway;
import dev.thinkroute.gateway.config.GatewayConfig;
import dev.thinkroute.llm.replay.DataLocation;
import dev.thinkroute.llm.replay.OutcomeTable;
import dev.thinkroute.llm.replay.RecordedTables;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code thinkroute demo}: the gateway on a free loopback port over replay upstreams, GSM8K questions sent through
 * it over HTTP with the OpenAI protocol (blocking and streaming), each answer printed with its arm, reason, tokens
 * and cost, then the same questions priced on each single model for comparison.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start the gateway on embedded defaults (recorded GSM8K answers of GPT-4 and Mixtral; no server, no key) and route a few questions through it.")
final class DemoCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LAST_NUMBER = Pattern.compile("-?\\$?\\d[\\d,]*(\\.\\d+)?");

    @Option(names = "--data", paramLabel = "DIR", description = "Datasets root (default: $THINKROUTE_DATA, then ../shared/datasets).")
    Path data;

    @Option(names = {"-n", "--questions"}, defaultValue = "8", description = "How many GSM8K questions to send (default: ${DEFAULT-VALUE}).")
    int questions;

    @Option(names = "--seed", defaultValue = "7", description = "Which questions: a seeded sample of the table (default: ${DEFAULT-VALUE}).")
    long seed;

    @Spec
    CommandSpec spec;

    private PrintWriter out;

    record Answer(String question, String request, String arm, String reason, String detail, long in, long out,
                  BigDecimal cost, Double score, String content) {
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (questions < 1 || questions > 500) throw new CliException("--questions must be between 1 and 500, got " + questions);
        out = spec.commandLine().getOut();
        Logging.quiet();
        GatewayConfig cfg = Setup.embedded("/dev/thinkroute/cli/demo.yaml");
        DataLocation location = Setup.data(data, cfg);
        OutcomeTable table = RecordedTables.open("routellm-gsm8k", location.root());
        List<String> prompts = sample(table.prompts(), questions, seed);

        try (Gateway gateway = Setup.start(cfg, location::root);
             HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            out.println("thinkroute demo: gateway on " + gateway.baseUrl() + ", replaying RouteLLM's recorded GSM8K answers");
            out.println("data: " + location.describe());
            for (ModelCard card : cfg.pool().cards()) {
                out.printf("  model %-20s $%s in / $%s out per 1M tokens  %s%n", card.name(),
                        card.prices().inputPerMillion(), card.prices().outputPerMillion(), card.description());
            }
            out.println("  profile auto: " + cfg.profiles().get("auto").description());
            out.println();

            Client client = new Client(http, gateway.baseUrl());
            List<Answer> answers = new ArrayList<>();
            for (int i = 0; i < prompts.size(); i++) {
                String q = prompts.get(i);
                // Show each way a caller can choose: the profile, a pinned model, the routing extension, a stream.
                Answer a;
                if (i == prompts.size() - 1 && prompts.size() > 1) {
                    a = client.stream(q, "stream, auto");
                } else if (i == 1) {
                    a = client.complete(q, "model=gpt-4-1106-preview", body(q, "gpt-4-1106-preview"));
                } else if (i == 2) {
                    ObjectNode b = body(q, "auto");
                    b.putObject("routing").put("model", "mixtral-8x7b");
                    a = client.complete(q, "routing.model=mixtral", b);
                } else {
                    a = client.complete(q, "model=auto", body(q, "auto"));
                }
                answers.add(a);
                printRow(i + 1, a);
            }
            out.println();
            out.println("why:");
            for (int i = 0; i < answers.size(); i++) out.printf("  %d. [%s] %s%n", i + 1, answers.get(i).reason(), answers.get(i).detail());

            out.println();
            out.println("the same " + prompts.size() + " questions on each single model (profiles 'cheap' and 'strong'):");
            summary("as routed above", answers);
            for (String profile : List.of("cheap", "strong")) {
                List<Answer> fixed = new ArrayList<>();
                for (String q : prompts) fixed.add(client.complete(q, "model=" + profile, body(q, profile)));
                summary("always " + fixed.getFirst().arm(), fixed);
            }

            out.println();
            out.println("a bad request gets an OpenAI error object naming the field:");
            ObjectNode bad = body(prompts.getFirst(), "mixtral-8x7b");
            bad.put("reasoning_effort", "high");
            HttpResponse<String> r = client.post(bad);
            out.println("  model=mixtral-8x7b, reasoning_effort=high -> HTTP " + r.statusCode() + " " + r.body());
            out.println();
            out.println("Point any OpenAI SDK at a gateway of your own: thinkroute serve --config FILE  (see README.md)");
            out.flush();
        }
        return 0;
    }

    private void printRow(int n, Answer a) {
        if (n == 1) {
            out.printf("%-3s %-46s %-24s %-25s %-13s %6s %6s %11s  %-7s %s%n",
                    "#", "question", "request", "arm", "reason", "in", "out", "cost USD", "correct", "final answer");
        }
        out.printf("%-3d %-46s %-24s %-25s %-13s %6d %6d %11s  %-7s %s%n", n, clip(a.question(), 46), a.request(), a.arm(),
                a.reason(), a.in(), a.out(), a.cost().toPlainString(), a.score() == null ? "?" : a.score() >= 1 ? "yes" : "no",
                finalAnswer(a.content()));
    }

    private void summary(String label, List<Answer> answers) {
        BigDecimal cost = answers.stream().map(Answer::cost).reduce(BigDecimal.ZERO, BigDecimal::add);
        long correct = answers.stream().filter(a -> a.score() != null && a.score() >= 1).count();
        out.printf("  %-32s cost $%-12s correct %d/%d%n", label, cost.toPlainString(), correct, answers.size());
    }

    private static ObjectNode body(String question, String model) {
        ObjectNode b = JSON.createObjectNode();
        b.put("model", model);
        b.putArray("messages").addObject().put("role", "user").put("content", question);
        return b;
    }

    static List<String> sample(List<String> prompts, int n, long seed) {
        List<String> copy = new ArrayList<>(prompts);
        java.util.Collections.shuffle(copy, new Random(seed));
        return copy.subList(0, Math.min(n, copy.size()));
    }

    static String finalAnswer(String content) {
        if (content == null) return "";
        Matcher m = LAST_NUMBER.matcher(content);
        String last = "";
        while (m.find()) last = m.group();
        return last.isEmpty() ? clip(content.strip(), 30) : last;
    }

    private static String clip(String s, int width) {
        String one = s.replaceAll("\\s+", " ").strip();
        return one.length() <= width ? one : one.substring(0, width - 1) + "…";
    }

    /** A minimal OpenAI Chat Completions client over the JDK's HttpClient, as any SDK would call the gateway. */
    private record Client(HttpClient http, String baseUrl) {

        HttpResponse<String> post(ObjectNode body) throws IOException, InterruptedException {
            HttpRequest req = HttpRequest.newBuilder(URI.create(baseUrl + "/chat/completions"))
                    .header("Content-Type", "application/json")
                    .header("Authorization", "Bearer demo")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                    .build();
            return http.send(req, HttpResponse.BodyHandlers.ofString());
        }

        Answer complete(String question, String label, ObjectNode body) throws IOException, InterruptedException {
            HttpResponse<String> r = post(body);
            JsonNode json = JSON.readTree(r.body());
            if (r.statusCode() != 200) throw new CliException("gateway answered " + r.statusCode() + ": " + json.path("error").path("message").asText(r.body()), 1);
            JsonNode routing = json.path("routing");
            JsonNode usage = json.path("usage");
            return new Answer(question, label, routing.path("arm").asText(), routing.path("reason").asText(), routing.path("detail").asText(),
                    usage.path("prompt_tokens").asLong(), usage.path("completion_tokens").asLong(),
                    routing.path("cost_usd").decimalValue(), routing.hasNonNull("recorded_score") ? routing.get("recorded_score").asDouble() : null,
                    json.path("choices").path(0).path("message").path("content").asText());
        }

        Answer stream(String question, String label) throws IOException, InterruptedException {
            ObjectNode body = body(question, "auto");
            body.put("stream", true);
            body.putObject("stream_options").put("include_usage", true);
            HttpRequest req = HttpRequest.newBuilder(URI.create(baseUrl + "/chat/completions"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                    .build();
            HttpResponse<Stream<String>> r = http.send(req, HttpResponse.BodyHandlers.ofLines());
            if (r.statusCode() != 200) throw new CliException("gateway answered " + r.statusCode() + " to a stream request", 1);
            StringBuilder content = new StringBuilder();
            JsonNode[] tail = new JsonNode[1];
            try (Stream<String> lines = r.body()) {
                for (String line : (Iterable<String>) lines::iterator) {
                    if (!line.startsWith("data: ") || line.equals("data: [DONE]")) continue;
                    JsonNode chunk = JSON.readTree(line.substring(6));
                    if (chunk.has("error")) throw new CliException("stream failed: " + chunk.path("error").path("message").asText(), 1);
                    JsonNode delta = chunk.path("choices").path(0).path("delta");
                    if (delta.hasNonNull("content")) content.append(delta.get("content").asText());
                    if (chunk.has("routing")) tail[0] = chunk;
                }
            }
            if (tail[0] == null) throw new CliException("stream ended without its routing chunk", 1);
            JsonNode routing = tail[0].path("routing");
            JsonNode usage = tail[0].path("usage");
            return new Answer(question, label, routing.path("arm").asText(), routing.path("reason").asText(), routing.path("detail").asText(),
                    usage.path("prompt_tokens").asLong(), usage.path("completion_tokens").asLong(),
                    routing.path("cost_usd").decimalValue(), routing.hasNonNull("recorded_score") ? routing.get("recorded_score").asDouble() : null,
                    content.toString());
        }
    }
}
