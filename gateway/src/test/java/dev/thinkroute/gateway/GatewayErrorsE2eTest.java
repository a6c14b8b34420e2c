package dev.thinkroute.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thinkroute.gateway.E2e.Reply;
import dev.thinkroute.llm.replay.RecordedTables;
import dev.thinkroute.llm.replay.RouteLlmGsm8kTable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static dev.thinkroute.gateway.E2e.chat;
import static dev.thinkroute.gateway.E2e.chatBody;
import static dev.thinkroute.gateway.E2e.post;
import static dev.thinkroute.gateway.E2e.streamBody;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every way a request can go wrong, over HTTP: the caller gets the right status and OpenAI's error object
 * ({@code {"error": {"message", "type", "param", "code"}}}) saying what was wrong, upstream failures name the model
 * but never its key, broken streams end with an error frame and {@code [DONE]} instead of hanging, and after each
 * bad request the gateway still serves good ones.
 */
class GatewayErrorsE2eTest {

    /** Short, so the stalled upstream costs a second; the other fake upstreams answer at once. */
    private static final int FIRST_BYTE_MS = 1_000;

    private static FakeVllm fake;
    private static Gateway gateway;
    private static String recordedQuestion;

    @BeforeAll
    static void start() {
        fake = new FakeVllm();
        gateway = E2e.start(E2e.fakePoolYaml(fake, FIRST_BYTE_MS));
        recordedQuestion = RecordedTables.open(RouteLlmGsm8kTable.NAME, E2e.dataRoot()).prompts().getFirst();
    }

    @AfterAll
    static void stop() {
        E2e.closeAll(gateway, fake);
    }

    @BeforeEach
    void forgetEarlierRequests() {
        fake.clear();
    }

    @AfterEach
    void theGatewayStillServesGoodRequests() {
        Reply replayed = chat(gateway, chatBody("gpt-4-1106-preview", recordedQuestion));
        assertThat(replayed.status()).as(replayed.toString()).isEqualTo(200);
        assertThat(replayed.json().path("choices").path(0).path("message").path("content").asText()).isNotBlank();

        Reply live = chat(gateway, streamBody("qwen3-8b", "What is 17 times 3?", true));
        assertThat(live.status()).as(live.toString()).isEqualTo(200);
        assertThat(live.joined("content")).isEqualTo(FakeVllm.ANSWER);
        assertThat(live.sseData().getLast()).isEqualTo("[DONE]");
    }

    /** Asserts the status and the whole OpenAI error object, and returns its message. */
    private static String assertError(Reply reply, int status, String type, String param, String code) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(status);
        assertThat(reply.contentType()).startsWith("application/json");
        JsonNode error = reply.json().path("error");
        assertThat(error.isObject()).as(reply.body()).isTrue();
        assertThat(error.path("type").asText()).isEqualTo(type);
        assertThat(error.has("param")).as("param is always present, null when no field is to blame").isTrue();
        if (param == null) assertThat(error.get("param").isNull()).as(reply.body()).isTrue();
        else assertThat(error.path("param").asText()).isEqualTo(param);
        assertThat(error.path("code").asText()).isEqualTo(code);
        assertThat(error.path("message").asText()).isNotBlank();
        return error.path("message").asText();
    }

    // ---- the caller's mistakes ----

    @Test
    void malformedJsonIs400WithWhereTheParserStopped() {
        String message = assertError(post(gateway, "/chat/completions", "{\"model\": \"qwen3-8b\", \"messages\": [{\"role\": "),
                400, "invalid_request_error", null, "invalid_json");

        assertThat(message).contains("not valid JSON", "line 1");
        assertThat(fake.received()).isEmpty();
    }

    @Test
    void aBodyThatIsNotAnObjectIs400() {
        String message = assertError(post(gateway, "/chat/completions", "[1, 2]"), 400, "invalid_request_error", null, "invalid_json");

        assertThat(message).contains("JSON object");
    }

    @Test
    void missingMessagesIs400NamingTheField() {
        ObjectNode body = E2e.JSON.createObjectNode().put("model", "qwen3-8b");

        String message = assertError(chat(gateway, body), 400, "invalid_request_error", "messages", "missing_required_parameter");

        assertThat(message).contains("'messages' is required");
    }

    @Test
    void emptyMessagesIs400() {
        ObjectNode body = E2e.JSON.createObjectNode().put("model", "qwen3-8b");
        body.putArray("messages");

        String message = assertError(chat(gateway, body), 400, "invalid_request_error", "messages", "invalid_value");

        assertThat(message).contains("must not be empty");
    }

    @Test
    void anUnknownModelIs404ListingTheKnownProfilesAndModels() {
        String message = assertError(chat(gateway, chatBody("gpt-5-turbo-max", "hi")), 404, "invalid_request_error", "model", "model_not_found");

        assertThat(message).contains("gpt-5-turbo-max", "auto", "strong", "qwen3-8b", "gpt-4-1106-preview");
    }

    @Test
    void anUnknownThinkingValueIs400ListingTheAcceptedOnes() {
        ObjectNode body = chatBody("qwen3-8b", "hi");
        body.putObject("routing").put("thinking", "sometimes");

        String message = assertError(chat(gateway, body), 400, "invalid_request_error", "routing.thinking", "invalid_value");

        assertThat(message).contains("sometimes", "off", "on", "low", "medium", "high");
    }

    @Test
    void aNonBooleanEnableThinkingIs400() {
        ObjectNode body = chatBody("qwen3-8b", "hi");
        body.putObject("chat_template_kwargs").put("enable_thinking", "yes");

        assertError(chat(gateway, body), 400, "invalid_request_error", "chat_template_kwargs.enable_thinking", "invalid_value");
    }

    @Test
    void anUnknownReasoningEffortIs400() {
        ObjectNode body = chatBody("qwen3-8b", "hi");
        body.put("reasoning_effort", "extreme");

        String message = assertError(chat(gateway, body), 400, "invalid_request_error", "reasoning_effort", "invalid_value");

        assertThat(message).contains("extreme");
    }

    @Test
    void askingAModelWithoutThinkingToThinkIs400() {
        String message = assertError(chat(gateway, chatBody("gpt-4-1106-preview", recordedQuestion + " /think")),
                400, "invalid_request_error", "messages", "unsupported_thinking");

        assertThat(message).contains("gpt-4-1106-preview", "no thinking mode");
    }

    @Test
    void anImageContentPartIs400NamingThePart() {
        ObjectNode body = E2e.JSON.createObjectNode().put("model", "qwen3-8b");
        ArrayNode content = body.putArray("messages").addObject().put("role", "user").putArray("content");
        content.addObject().put("type", "text").put("text", "What is in this picture?");
        content.addObject().put("type", "image_url").putObject("image_url").put("url", "https://example.com/cat.png");

        String message = assertError(chat(gateway, body), 400, "invalid_request_error", "messages[0].content[1].type",
                "unsupported_content_part");

        assertThat(message).contains("image_url");
        assertThat(fake.received()).isEmpty();
    }

    @Test
    void aBodyOverMaxBodyBytesIs413() {
        String big = chatBody("qwen3-8b", "x".repeat(70_000)).toString();

        String message = assertError(post(gateway, "/chat/completions", big), 413, "invalid_request_error", null, "request_too_large");

        assertThat(message).contains("65536", "server.max_body_bytes");
    }

    @Test
    void aChunkedBodyOverMaxBodyBytesIs413Too() {
        byte[] big = chatBody("qwen3-8b", "x".repeat(70_000)).toString().getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))) // no Content-Length
                .build();

        assertError(E2e.send(request), 413, "invalid_request_error", null, "request_too_large");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/completions", "/v1/embeddings", "/v2/chat/completions"})
    void anUnknownUrlIs404NamingWhatIsServed(String path) {
        Reply reply = E2e.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build());

        String message = assertError(reply, 404, "invalid_request_error", null, "unknown_url");

        assertThat(message).contains(path, "/v1/chat/completions");
    }

    @Test
    void aWrongMethodOnAKnownUrlIs405WithAllow() {
        Reply get = E2e.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/v1/chat/completions")).GET().build());
        assertThat(assertError(get, 405, "invalid_request_error", null, "method_not_allowed")).contains("GET", "use POST");
        assertThat(get.headers().firstValue("allow")).hasValue("POST");

        Reply post = E2e.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/v1/models"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertError(post, 405, "invalid_request_error", null, "method_not_allowed");
    }

    // ---- upstream failures ----

    @Test
    void anUpstream429IsRelayedAs429SoClientsBackOffNamingTheModelButNeverTheKey() {
        Reply reply = chat(gateway, chatBody("rate-limited", "hi"));

        String message = assertError(reply, 429, "rate_limit_error", null, "upstream_rate_limited");
        assertThat(message).contains("rate-limited", "429", "Rate limit exceeded");
        assertThat(fake.last(FakeVllm.Scenario.RATE_LIMITED).authorization()).as("the fake did get the key")
                .isEqualTo("Bearer " + E2e.KEY);
        assertThat(reply.toString()).doesNotContain(E2e.KEY);
    }

    @Test
    void anUpstream500WithVllmsOlderErrorShapeIs502NamingTheModelButNeverTheKey() {
        Reply reply = chat(gateway, chatBody("crashing", "hi"));

        String message = assertError(reply, 502, "api_error", null, "upstream_error");
        assertThat(message).contains("crashing", "500", "EngineCore died");
        assertThat(reply.toString()).doesNotContain(E2e.KEY);
    }

    @Test
    void anUpstreamThatRejectsTheRequestIsA400SoClientsDoNotRetryIt() {
        Reply reply = chat(gateway, chatBody("too-long", "hi"));

        String message = assertError(reply, 400, "invalid_request_error", null, "upstream_rejected");
        assertThat(message).contains("too-long", "maximum context length is 32768 tokens");
        assertThat(reply.toString()).doesNotContain(E2e.KEY);
    }

    @Test
    void aStreamThatFailsBeforeItsFirstByteGetsAPlainJsonError() {
        Reply reply = chat(gateway, streamBody("crashing", "hi", true));

        String message = assertError(reply, 502, "api_error", null, "upstream_error");
        assertThat(message).contains("crashing");
        assertThat(reply.toString()).doesNotContain(E2e.KEY);
    }

    @Test
    void anUnreachableUpstreamIs502() {
        String message = assertError(chat(gateway, chatBody("unreachable", "hi")), 502, "api_error", null, "upstream_error");

        assertThat(message).contains("unreachable", "127.0.0.1");
    }

    @Test
    void anUpstreamWhoseKeyVariableIsUnsetIs502NamingTheVariable() {
        String message = assertError(chat(gateway, chatBody("keyless", "hi")), 502, "api_error", null, "upstream_key_missing");

        assertThat(message).contains("keyless", "THINKROUTE_E2E_UNSET_KEY");
        assertThat(fake.received()).as("nothing is sent without the key").isEmpty();
    }

    @Test
    void anUpstreamThatSendsNothingWithinTheFirstByteTimeoutIs504() {
        String message = assertError(chat(gateway, chatBody("stalled", "hi")), 504, "api_error", null, "upstream_timeout");

        assertThat(message).contains("stalled", String.valueOf(FIRST_BYTE_MS), "first-byte");
    }

    @Test
    void aStreamWhoseUpstreamSendsNothingWithinTheFirstByteTimeoutIsAPlainJson504() {
        Reply reply = chat(gateway, streamBody("stalled", "hi", true));

        String message = assertError(reply, 504, "api_error", null, "upstream_timeout");
        assertThat(message).contains("stalled");
    }

    @Test
    void aPromptTheReplayTableDoesNotHoldIsAClear404() {
        String message = assertError(chat(gateway, chatBody("gpt-4-1106-preview", "What is the capital of France?")),
                404, "invalid_request_error", "messages", "prompt_not_recorded");

        assertThat(message).contains("gpt-4-1106-preview", "no recorded answer", "What is the capital of France?", "routellm-gsm8k");
    }

    @Test
    void aStreamedPromptTheReplayTableDoesNotHoldIsTheSame404() {
        Reply reply = chat(gateway, streamBody("gpt-4-1106-preview", "What is the capital of France?", true));

        assertError(reply, 404, "invalid_request_error", "messages", "prompt_not_recorded");
    }

    // ---- streams that break after they started ----

    @ParameterizedTest(name = "upstream {0}")
    @ValueSource(strings = {"truncated", "abrupt", "error-frame"})
    void aStreamWhoseUpstreamDiesMidwayEndsWithAnErrorFrameAndDone(String model) {
        ObjectNode body = streamBody(model, "What is 17 times 3?", true);
        // The abrupt upstream drops its connection once the first answer piece has reached the client.
        Reply reply = model.equals("abrupt")
                ? E2e.chatReadingUntil(gateway, body, FakeVllm.ANSWER_PIECES.getFirst(), fake::breakOffNow)
                : chat(gateway, body);

        assertThat(reply.status()).as("the 200 was sent with the first chunk").isEqualTo(200);
        assertThat(reply.contentType()).startsWith("text/event-stream");
        List<String> data = reply.sseData();
        assertThat(data.getLast()).isEqualTo("[DONE]");
        assertThat(reply.joined("content")).as("what arrived before the failure was relayed").startsWith(FakeVllm.ANSWER_PIECES.getFirst());

        List<JsonNode> frames = reply.frames();
        JsonNode last = frames.getLast();
        assertThat(last.has("error")).as("the last frame before [DONE] is an error: %s", data).isTrue();
        JsonNode error = last.path("error");
        assertThat(error.path("message").asText()).contains(model);
        assertThat(error.path("type").asText()).isEqualTo("api_error");
        assertThat(error.path("code").asText()).isEqualTo("upstream_error");
        assertThat(frames.stream().filter(f -> f.has("error"))).hasSize(1);
        assertThat(frames.stream().filter(f -> f.has("routing"))).as("no success tail after a failure").isEmpty();
        assertThat(reply.body()).doesNotContain(E2e.KEY);
    }

    @Test
    void anUpstreamErrorFrameKeepsItsMessage() {
        Reply reply = chat(gateway, streamBody("error-frame", "What is 17 times 3?", false));

        assertThat(reply.frames().getLast().path("error").path("message").asText()).contains("CUDA error");
    }
}
