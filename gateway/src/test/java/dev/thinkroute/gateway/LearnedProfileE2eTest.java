package dev.thinkroute.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thinkroute.core.Arm;
import dev.thinkroute.core.Outcome;
import dev.thinkroute.core.metric.OutcomeMatrix;
import dev.thinkroute.core.route.Query;
import dev.thinkroute.gateway.config.ConfigException;
import dev.thinkroute.gateway.config.ConfigLoader;
import dev.thinkroute.gateway.config.GatewayConfig;
import dev.thinkroute.learn.artifact.RouterArtifact;
import dev.thinkroute.learn.embed.Encoder;
import dev.thinkroute.learn.router.Encoders;
import dev.thinkroute.learn.router.LearnedRouter;
import dev.thinkroute.learn.train.RouterTrainer;
import dev.thinkroute.learn.train.Target;
import dev.thinkroute.llm.Upstreams;
import dev.thinkroute.llm.replay.DataLocation;
import dev.thinkroute.llm.replay.OutcomeTable;
import dev.thinkroute.llm.replay.RecordedTables;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A gateway profile backed by a trained router artifact ({@code router: FILE}): the artifact's arms, named as in
 * RouteLLM's data, map to the pool's cards by upstream model, and requests are routed by the learned policy.
 */
class LearnedProfileE2eTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GPT4 = "gpt-4-1106-preview";
    private static final String MIXTRAL = "mistralai/Mixtral-8x7B-Instruct-v0.1";

    @TempDir
    static Path dir;
    static Path data;
    static Path artifactFile;
    static List<String> prompts;
    static Gateway gateway;
    static GatewayConfig config;

    @BeforeAll
    static void trainARouterAndStartAGateway() throws Exception {
        data = DataLocation.resolve((Path) null).root();
        OutcomeTable table = RecordedTables.open("routellm-gsm8k", data);
        prompts = table.prompts().subList(0, 120);
        List<Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            String p = prompts.get(i);
            for (String model : List.of(GPT4, MIXTRAL)) {
                double score = table.lookup(model, p).orElseThrow().score();
                double cost = model.equals(GPT4) ? 0.004 : 0.0001;
                outcomes.add(new Outcome("q" + i, "gsm8k", p, model, "off", score, 100, 150, 0, cost, 0, "test"));
            }
        }
        OutcomeMatrix matrix = OutcomeMatrix.of(outcomes);
        Encoder encoder = Encoders.shared();
        float[][] x = matrix.queries().stream().map(encoder::embed).toArray(float[][]::new);
        RouterTrainer.Result trained = RouterTrainer.train(
                new RouterTrainer.Spec("gsm8k-test", "knn", 3, 7, new Target.QualityFloor(0.02), encoder.id(), encoder.dimension()),
                matrix, x, null, line -> { });
        artifactFile = dir.resolve("router.json");
        trained.artifact().write(artifactFile);

        config = ConfigLoader.parse("""
                server: {port: 0}
                models:
                  - {name: gpt-4-1106-preview, dialect: replay, table: routellm-gsm8k, price: {input: 10, output: 30}}
                  - {name: mixtral, dialect: replay, table: routellm-gsm8k, upstream_model: mistralai/Mixtral-8x7B-Instruct-v0.1, price: {input: 0.6, output: 0.6}}
                profiles:
                  auto: {router: router.json}
                  frugal: {router: router.json, alpha: 1000}
                """, dir.resolve("gateway.yaml"));
        gateway = Gateway.start(config, card -> Upstreams.create(card, config.server().upstreamSettings(n -> null), () -> data));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) gateway.close();
    }

    private static JsonNode ask(String model, String prompt) throws Exception {
        return ask(model, prompt, null);
    }

    private static JsonNode ask(String model, String prompt, String routing) throws Exception {
        HttpResponse<String> r = post(model, prompt, routing);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-thinkroute-reason")).hasValue("learned");
        return JSON.readTree(r.body());
    }

    private static HttpResponse<String> post(String model, String prompt, String routing) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", model);
        body.putArray("messages").addObject().put("role", "user").put("content", prompt);
        if (routing != null) body.set("routing", JSON.readTree(routing));
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/chat/completions"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void perRequestLimitsSteerTheLearnedRouter() throws Exception {
        for (String prompt : prompts.subList(0, 6)) {
            assertThat(ask("auto", prompt, "{\"arms\": [\"mixtral\"]}").at("/routing/arm").asText()).isEqualTo("mixtral:off");
            assertThat(ask("auto", prompt, "{\"max_cost\": 0.0000001}").at("/routing/arm").asText()).isEqualTo("mixtral:off");
            assertThat(ask("auto", prompt, "{\"alpha\": 0}").at("/routing/detail").asText()).contains("α=0", "caller limits applied");
        }
        HttpResponse<String> onARule = post("mixtral", prompts.getFirst(), "{\"alpha\": 0.5}");
        assertThat(onARule.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(onARule.body()).at("/error/param").asText()).isEqualTo("routing.alpha");
        HttpResponse<String> noSuchArm = post("auto", prompts.getFirst(), "{\"arms\": [\"claude:off\"]}");
        assertThat(noSuchArm.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(noSuchArm.body()).at("/error/message").asText()).contains("claude:off", "mixtral:off");
    }

    @Test
    void theLearnedProfileRoutesEachRequestAsTheRouterDecidesAndSaysWhy() throws Exception {
        LearnedRouter router = (LearnedRouter) config.profiles().get("auto").router();
        assertThat(router.arms()).extracting(Arm::label).containsExactlyInAnyOrder("mixtral:off", "gpt-4-1106-preview:off");
        for (String prompt : prompts.subList(0, 12)) {
            JsonNode answer = ask("auto", prompt);
            String expected = router.route(Query.of(prompt)).arm().label();
            assertThat(answer.at("/routing/arm").asText()).isEqualTo(expected);
            assertThat(answer.at("/routing/reason").asText()).isEqualTo("learned");
            assertThat(answer.at("/routing/detail").asText()).contains("gsm8k-test", "knn", "predicted quality");
            assertThat(answer.at("/choices/0/message/content").asText()).isNotBlank();
        }
    }

    @Test
    void anAlphaOverrideMakesTheProfileFrugal() throws Exception {
        for (String prompt : prompts.subList(0, 5)) {
            assertThat(ask("frugal", prompt).at("/routing/arm").asText()).isEqualTo("mixtral:off");
        }
    }

    @Test
    void theArtifactSurvivesARoundTripWithIdenticalDecisions() throws Exception {
        RouterArtifact read = RouterArtifact.read(artifactFile);
        LearnedRouter again = read.router(Encoders.shared(), null);
        LearnedRouter served = (LearnedRouter) config.profiles().get("auto").router();
        for (String prompt : prompts.subList(0, 30)) {
            assertThat(again.predict(prompt).quality()).containsExactly(served.predict(prompt).quality());
        }
    }

    @Test
    void aMissingArtifactOrOneWhoseArmsThePoolLacksIsAConfigError() throws Exception {
        ConfigException missing = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse("""
                models: [{name: m, dialect: replay, table: routellm-gsm8k, upstream_model: gpt-4-1106-preview}]
                profiles: {auto: {router: nowhere.json}}
                """, dir.resolve("a.yaml")));
        assertThat(missing.getMessage()).contains("profiles.auto.router", "router artifact not found", "nowhere.json");

        Files.copy(artifactFile, dir.resolve("copy.json"));
        ConfigException unserved = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse("""
                models: [{name: other, dialect: openai, base_url: "http://localhost:1/v1"}]
                profiles: {auto: {router: copy.json}}
                """, dir.resolve("b.yaml")));
        assertThat(unserved.getMessage()).contains("none of the router's arms", "gpt-4-1106-preview:off");
    }
}
