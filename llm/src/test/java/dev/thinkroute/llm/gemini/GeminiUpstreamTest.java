package dev.thinkroute.llm.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.thinkroute.core.Dialect;
import dev.thinkroute.core.ModelCard;
import dev.thinkroute.core.Prices;
import dev.thinkroute.core.Thinking;
import dev.thinkroute.core.ThinkingSupport;
import dev.thinkroute.core.Usage;
import dev.thinkroute.llm.ChatCall;
import dev.thinkroute.llm.ChatResult;
import dev.thinkroute.llm.StreamEvent;
import dev.thinkroute.llm.StreamEvent.Delta;
import dev.thinkroute.llm.StreamEvent.Finish;
import dev.thinkroute.llm.StreamEvent.UsageReport;
import dev.thinkroute.llm.Upstream;
import dev.thinkroute.llm.UpstreamException;
import dev.thinkroute.llm.UpstreamException.Kind;
import dev.thinkroute.llm.UpstreamSettings;
import dev.thinkroute.llm.Upstreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * {@link GeminiUpstream} against a loopback fake of the Gemini API that checks each request as Google documents it
 * and answers in the documented shapes.
 *
 * <p>What the fake holds to, from Google's Gemini API documentation (ai.google.dev/gemini-api/docs and the REST
 * reference; looked up through the docs search):
 * <ul>
 *   <li>Endpoints: {@code POST /v1beta/models/{model}:generateContent} and
 *       {@code POST /v1beta/models/{model}:streamGenerateContent?alt=sse}; the key in the {@code x-goog-api-key}
 *       header (the REST examples of the "Gemini thinking" guide).</li>
 *   <li>Request: {@code contents[{role: user|model, parts[{text}]}]}, {@code systemInstruction{parts}},
 *       {@code generationConfig{maxOutputTokens, temperature, topP, stopSequences, thinkingConfig}}.</li>
 *   <li>Thinking ("Gemini thinking" guide, thinkingConfig reference): {@code thinkingBudget} 0 = off, -1 = dynamic;
 *       ranges 2.5 Pro 128..32768 (cannot be turned off), 2.5 Flash 0..24576, 2.5 Flash-Lite 512..24576;
 *       Gemini 3 uses {@code thinkingLevel} (Gemini 3 Pro: low, high; cannot turn thinking off); budget and level
 *       cannot both be sent (400); {@code includeThoughts: true} returns thought summaries as parts with
 *       {@code thought: true}.</li>
 *   <li>Response: {@code candidates[0].content{parts, role: model}}, {@code finishReason} (STOP, MAX_TOKENS, SAFETY,
 *       RECITATION, BLOCKLIST, PROHIBITED_CONTENT, SPII, OTHER…), {@code usageMetadata{promptTokenCount,
 *       candidatesTokenCount, thoughtsTokenCount, totalTokenCount}}, {@code promptFeedback.blockReason} with no
 *       candidates for a blocked prompt; a stream sends one such response per SSE {@code data:} event and then
 *       closes, without a {@code [DONE]} marker.</li>
 *   <li>Errors: {@code {"error":{"code":400,"message":"…","status":"INVALID_ARGUMENT"}}}, 429
 *       {@code RESOURCE_EXHAUSTED}, 503 {@code UNAVAILABLE}.</li>
 * </ul>
 */
@Timeout(20)
class GeminiUpstreamTest {

    static final String KEY_ENV = "THINKROUTE_TEST_GEMINI_KEY";
    static final String KEY = "AIzaSyTEST-0123456789abcdefghijklmnop";
    static final ObjectMapper JSON = new ObjectMapper();

    /** What the fake saw of one request. */
    record Seen(String method, String path, String query, Map<String, List<String>> headers, JsonNode body) {
        String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) return e.getValue().get(0);
            }
            return null;
        }
    }

    /** One answer of the fake: a status, a content type and body chunks (written and flushed one by one). */
    record Reply(int status, String contentType, List<String> chunks) {
        static Reply json(int status, String body) {
            return new Reply(status, "application/json; charset=UTF-8", List.of(body));
        }

        /** Google frames each SSE event as {@code data: {...}} followed by CRLF CRLF. */
        static Reply sse(String... events) {
            List<String> chunks = new ArrayList<>();
            for (String e : events) chunks.add("data: " + e.replace("\n", "") + "\r\n\r\n");
            return new Reply(200, "text/event-stream", chunks);
        }
    }

    HttpServer server;
    final List<Seen> seen = new CopyOnWriteArrayList<>();
    volatile Function<Seen, Reply> answer = s -> Reply.json(500, "{}");
    final List<Upstream> upstreams = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        upstreams.forEach(Upstream::close);
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] raw = ex.getRequestBody().readAllBytes();
            JsonNode body = raw.length == 0 ? null : JSON.readTree(raw);
            Seen s = new Seen(ex.getRequestMethod(), ex.getRequestURI().getRawPath(), ex.getRequestURI().getRawQuery(),
                    Map.copyOf(ex.getRequestHeaders()), body);
            seen.add(s);
            Reply reply = answer.apply(s);
            ex.getResponseHeaders().add("Content-Type", reply.contentType());
            ex.sendResponseHeaders(reply.status(), 0);
            OutputStream out = ex.getResponseBody();
            for (String chunk : reply.chunks()) {
                out.write(chunk.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        }
    }

    // ---- fixtures ----

    ModelCard card(String upstreamModel, ThinkingSupport thinking, String keyEnv) {
        return new ModelCard("gem", Dialect.GEMINI, URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1beta"),
                keyEnv, upstreamModel, new Prices(0.30, 2.50), null, 1_048_576, thinking, "Gemini", null);
    }

    GeminiUpstream upstream(String upstreamModel, ThinkingSupport thinking) {
        return upstream(card(upstreamModel, thinking, KEY_ENV));
    }

    GeminiUpstream upstream(ModelCard card) {
        GeminiUpstream u = new GeminiUpstream(card, settings());
        upstreams.add(u);
        return u;
    }

    static UpstreamSettings settings() {
        return new UpstreamSettings(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10), Map.of(KEY_ENV, KEY)::get);
    }

    static ObjectNode request() {
        return (ObjectNode) json("""
                {"model":"auto","messages":[{"role":"system","content":"Be brief."},
                 {"role":"user","content":"What is 2+2?"}],
                 "temperature":0.6,"top_p":0.95,"max_tokens":512,"stop":"END",
                 "stream_options":{"include_usage":true},"user":"u-1"}""");
    }

    static ChatCall call(Thinking thinking) {
        return call(thinking, request());
    }

    static ChatCall call(Thinking thinking, ObjectNode body) {
        return new ChatCall(new ModelCard("x", Dialect.GEMINI, null, null, null, Prices.FREE, null, 0,
                ThinkingSupport.BUDGET, null, null), thinking, body);
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** A documented generateContent answer with a thought summary part and an answer part. */
    static final String ANSWER = """
            {"candidates":[{"content":{"parts":[
                {"text":"**Adding numbers**\\nTwo plus two is four.","thought":true},
                {"text":"4"}],"role":"model"},
              "finishReason":"STOP","index":0}],
             "usageMetadata":{"promptTokenCount":12,"candidatesTokenCount":1,"totalTokenCount":113,
               "promptTokensDetails":[{"modality":"TEXT","tokenCount":12}],"thoughtsTokenCount":100},
             "modelVersion":"gemini-2.5-flash","responseId":"abc123"}""";

    static Reply ok(Seen s) {
        return Reply.json(200, ANSWER);
    }

    static void assertNeverBoth(JsonNode body) {
        JsonNode config = body.path("generationConfig").path("thinkingConfig");
        assertThat(config.has("thinkingBudget") && config.has("thinkingLevel"))
                .as("thinkingBudget and thinkingLevel together in %s", config).isFalse();
    }

    // ---- blocking ----

    @Test
    void blockingCallIsSentAsDocumentedAndThoughtsComeBackAsReasoning() throws Exception {
        answer = GeminiUpstreamTest::ok;
        ChatResult result = upstream("gemini-2.5-flash", ThinkingSupport.BUDGET).complete(call(new Thinking.Budget(1024)));

        assertThat(seen).hasSize(1);
        Seen s = seen.get(0);
        assertThat(s.method()).isEqualTo("POST");
        assertThat(s.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
        assertThat(s.query()).isNull();
        assertThat(s.header("x-goog-api-key")).isEqualTo(KEY);
        assertThat(s.header("Authorization")).isNull();
        assertThat(s.header("Content-Type")).startsWith("application/json");
        assertThat(s.body()).isEqualTo(json("""
                {"contents":[{"role":"user","parts":[{"text":"What is 2+2?"}]}],
                 "systemInstruction":{"parts":[{"text":"Be brief."}]},
                 "generationConfig":{"maxOutputTokens":512,"temperature":0.6,"topP":0.95,"stopSequences":["END"],
                   "thinkingConfig":{"thinkingBudget":1024,"includeThoughts":true}}}"""));

        assertThat(result.content()).isEqualTo("4");
        assertThat(result.reasoning()).isEqualTo("**Adding numbers**\nTwo plus two is four.");
        assertThat(result.toolCalls()).isNull();
        assertThat(result.finishReason()).isEqualTo("stop");
        assertThat(result.usage()).isEqualTo(new Usage(12, 101, 100, false));
        assertThat(result.recordedScore()).isNull();
        assertThat(result.latencyMs()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void conversationTurnsMapToUserAndModelRoles() throws Exception {
        answer = GeminiUpstreamTest::ok;
        ObjectNode body = (ObjectNode) json("""
                {"messages":[{"role":"developer","content":"Rule one."},{"role":"system","content":[{"type":"text","text":"Rule two."}]},
                  {"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"},
                  {"role":"user","content":[{"type":"text","text":"Look:"},
                     {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]},
                  {"role":"user","content":"Well?"}],
                 "max_completion_tokens":64,"stop":["a","b"],"seed":7,"n":1,"response_format":{"type":"json_object"}}""");
        upstream("gemini-2.5-flash", ThinkingSupport.BUDGET).complete(call(Thinking.ON, body));

        assertThat(seen.get(0).body()).isEqualTo(json("""
                {"contents":[
                   {"role":"user","parts":[{"text":"Hi"}]},
                   {"role":"model","parts":[{"text":"Hello!"}]},
                   {"role":"user","parts":[{"text":"Look:"},{"inlineData":{"mimeType":"image/png","data":"iVBORw0KGgo="}},{"text":"Well?"}]}],
                 "systemInstruction":{"parts":[{"text":"Rule one."},{"text":"Rule two."}]},
                 "generationConfig":{"maxOutputTokens":64,"seed":7,"stopSequences":["a","b"],
                   "responseMimeType":"application/json",
                   "thinkingConfig":{"thinkingBudget":-1,"includeThoughts":true}}}"""));
    }

    @Test
    void finishReasonsUseOpenAiWords() throws Exception {
        answer = s -> Reply.json(200, """
                {"candidates":[{"content":{"parts":[{"text":"Once upon a"}],"role":"model"},"finishReason":"MAX_TOKENS","index":0}],
                 "usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":3,"totalTokenCount":8}}""");
        ChatResult result = upstream("gemini-2.5-flash", ThinkingSupport.BUDGET).complete(call(Thinking.OFF));
        assertThat(result.finishReason()).isEqualTo("length");
        assertThat(result.reasoning()).isNull();
        assertThat(result.usage()).isEqualTo(new Usage(5, 3, 0, false));

        assertThat(GeminiUpstream.finishReason("STOP")).isEqualTo("stop");
        assertThat(GeminiUpstream.finishReason("SAFETY")).isEqualTo("content_filter");
        assertThat(GeminiUpstream.finishReason("RECITATION")).isEqualTo("content_filter");
        assertThat(GeminiUpstream.finishReason("PROHIBITED_CONTENT")).isEqualTo("content_filter");
        assertThat(GeminiUpstream.finishReason("OTHER")).isEqualTo("stop");
    }

    @Test
    void usageIsEstimatedWhenNoneIsReported() throws Exception {
        answer = s -> Reply.json(200, """
                {"candidates":[{"content":{"parts":[{"text":"Four."}],"role":"model"},"finishReason":"STOP","index":0}]}""");
        ChatResult result = upstream("gemini-2.5-flash", ThinkingSupport.BUDGET).complete(call(Thinking.OFF));
        assertThat(result.usage().estimated()).isTrue();
        assertThat(result.usage().inputTokens()).isPositive();
    }

    // ---- streaming ----

    @Test
    void streamIsSentWithAltSseAndRelaysThoughtsThenAnswerThenFinishThenUsage() throws Exception {
        answer = s -> Reply.sse(
                """
                {"candidates":[{"content":{"parts":[{"text":"**Adding**\\nTwo and two.","thought":true}],"role":"model"},"index":0}],
                 "usageMetadata":{"promptTokenCount":12,"totalTokenCount":40,"thoughtsTokenCount":28},"modelVersion":"gemini-2.5-flash"}""",
                """
                {"candidates":[{"content":{"parts":[{"text":"The answer"}],"role":"model"},"index":0}],
                 "usageMetadata":{"promptTokenCount":12,"candidatesTokenCount":2,"totalTokenCount":42,"thoughtsTokenCount":28}}""",
                """
                {"candidates":[{"content":{"parts":[{"text":" is 4."}],"role":"model"},"finishReason":"STOP","index":0}],
                 "usageMetadata":{"promptTokenCount":12,"candidatesTokenCount":6,"totalTokenCount":46,"thoughtsTokenCount":28}}""");
        List<StreamEvent> events = new ArrayList<>();
        ChatResult result = upstream("gemini-2.5-flash", ThinkingSupport.BUDGET).stream(call(Thinking.ON), events::add);

        Seen s = seen.get(0);
        assertThat(s.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:streamGenerateContent");
        assertThat(s.query()).isEqualTo("alt=sse");
        assertThat(s.header("x-goog-api-key")).isEqualTo(KEY);
        assertThat(s.body().path("generationConfig").path("thinkingConfig"))
                .isEqualTo(json("{\"thinkingBudget\":-1,\"includeThoughts\":true}"));
        assertThat(s.body().has("stream")).isFalse();

        Usage usage = new Usage(12, 34, 28, false);
        assertThat(events).containsExactly(
                new Delta(null, "**Adding**\nTwo and two.", null),
                new Delta("The answer", null, null),
                new Delta(" is 4.", null, null),
                new Finish("stop"),
                new UsageReport(usage));
        assertThat(result.content()).isEqualTo("The answer is 4.");
        assertThat(result.reasoning()).isEqualTo("**Adding**\nTwo and two.");
        assertThat(result.finishReason()).isEqualTo("stop");
        assertThat(result.usage()).isEqualTo(usage);
    }

    @Test
    void streamThatEndsWithoutFinishReasonIsAProtocolError() {
        answer = s -> Reply.sse("""
                {"candidates":[{"content":{"parts":[{"text":"The ans"}],"role":"model"},"index":0}]}""");
        UpstreamException e = catchThrowableOfType(UpstreamException.class,
                () -> upstream("gemini-2.5-flash", ThinkingSupport.BUDGET).stream(call(Thinking.ON), ev -> { }));
        assertThat(e.kind()).isEqualTo(Kind.PROTOCOL);
        assertThat(e.getMessage()).contains("finishReason");
    }

    @Test
    void sinkFailureCancelsAndIsRethrown() {
        answer = s -> Reply.sse("""
                {"candidates":[{"content":{"parts":[{"text":"4"}],"role":"model"},"finishReason":"STOP","index":0}]}""");
        IOException e = catchThrowableOfType(IOException.class,
                () -> upstream("gemini-2.5-flash", ThinkingSupport.BUDGET).stream(call(Thinking.ON), ev -> {
                    throw new IOException("client went away");
                }));
        assertThat(e).hasMessage("client went away");
    }

    // ---- thinking mapping ----

    @ParameterizedTest(name = "{0} {1} {2} -> {3}")
    @CsvSource(delimiter = '|', value = {
            "gemini-2.5-flash      | BUDGET   | off     | {\"thinkingBudget\":0}",
            "gemini-2.5-flash      | BUDGET   | on      | {\"thinkingBudget\":-1,\"includeThoughts\":true}",
            "gemini-2.5-flash      | BUDGET   | on@1024 | {\"thinkingBudget\":1024,\"includeThoughts\":true}",
            "gemini-2.5-flash      | BUDGET   | on@24576| {\"thinkingBudget\":24576,\"includeThoughts\":true}",
            "gemini-2.5-pro        | BUDGET   | on      | {\"thinkingBudget\":-1,\"includeThoughts\":true}",
            "gemini-2.5-pro        | BUDGET   | on@128  | {\"thinkingBudget\":128,\"includeThoughts\":true}",
            "gemini-2.5-pro        | BUDGET   | on@32768| {\"thinkingBudget\":32768,\"includeThoughts\":true}",
            "gemini-2.5-flash-lite | BUDGET   | off     | {\"thinkingBudget\":0}",
            "gemini-2.5-flash-lite | BUDGET   | on@512  | {\"thinkingBudget\":512,\"includeThoughts\":true}",
            "gemini-3-pro-preview  | ADAPTIVE | low     | {\"thinkingLevel\":\"low\",\"includeThoughts\":true}",
            "gemini-3-pro-preview  | ADAPTIVE | high    | {\"thinkingLevel\":\"high\",\"includeThoughts\":true}",
            "gemini-3-pro-preview  | ADAPTIVE | on      | {\"includeThoughts\":true}",
            "gemini-3-flash-preview| ADAPTIVE | medium  | {\"thinkingLevel\":\"medium\",\"includeThoughts\":true}",
            "gemini-3-pro-preview  | BUDGET   | on      | {\"includeThoughts\":true}",
            "gemini-exp-1206       | ADAPTIVE | medium  | {\"thinkingLevel\":\"medium\",\"includeThoughts\":true}",
    })
    void thinkingMapsOntoThinkingConfig(String model, String support, String thinking, String expected) throws Exception {
        answer = GeminiUpstreamTest::ok;
        upstream(model, ThinkingSupport.valueOf(support)).complete(call(Thinking.parse(thinking)));
        JsonNode body = seen.get(0).body();
        assertThat(body.path("generationConfig").path("thinkingConfig")).isEqualTo(json(expected));
        assertNeverBoth(body);
    }

    @Test
    void aModelWithoutThinkingGetsNoThinkingConfig() throws Exception {
        answer = GeminiUpstreamTest::ok;
        upstream("gemini-2.0-flash", ThinkingSupport.NONE).complete(call(Thinking.OFF));
        assertThat(seen.get(0).body().path("generationConfig").has("thinkingConfig")).isFalse();
    }

    @Test
    void budgetAndLevelAreNeverSentTogether() throws Exception {
        answer = GeminiUpstreamTest::ok;
        String[][] cases = {
                {"gemini-2.5-flash", "BUDGET"}, {"gemini-2.5-pro", "BUDGET"}, {"gemini-3-pro-preview", "ADAPTIVE"},
                {"gemini-3-flash-preview", "ADAPTIVE"}, {"gemini-3-pro-preview", "BUDGET"}, {"gemini-exp", "ADAPTIVE"}};
        int sent = 0;
        for (String[] c : cases) {
            GeminiUpstream u = upstream(c[0], ThinkingSupport.valueOf(c[1]));
            for (String t : List.of("off", "on", "on@1024", "low", "medium", "high")) {
                try {
                    u.complete(call(Thinking.parse(t)));
                    sent++;
                } catch (UpstreamException e) {
                    assertThat(e.kind()).isEqualTo(Kind.REFUSED);
                }
            }
        }
        assertThat(seen).hasSize(sent).isNotEmpty();
        for (Seen s : seen) assertNeverBoth(s.body());
    }

    @ParameterizedTest(name = "{0} {1} {2} refused")
    @CsvSource(delimiter = '|', value = {
            "gemini-2.5-pro        | BUDGET   | off      | cannot turn thinking off",
            "gemini-2.5-pro        | BUDGET   | on@64    | 128 to 32768",
            "gemini-2.5-pro        | BUDGET   | on@40000 | 128 to 32768",
            "gemini-2.5-flash      | BUDGET   | on@30000 | 1 to 24576",
            "gemini-2.5-flash-lite | BUDGET   | on@100   | 512 to 24576",
            "gemini-2.5-flash      | BUDGET   | high     | no effort levels",
            "gemini-3-pro-preview  | ADAPTIVE | medium   | low, high",
            "gemini-3-pro-preview  | ADAPTIVE | off      | cannot turn thinking off",
            "gemini-3-flash-preview| ADAPTIVE | on@2048  | not by a token budget",
            "gemini-2.0-flash      | NONE     | on       | no thinking mode",
            "gemini-3-pro-preview  | BUDGET   | on@1024  | controlled by thinkingLevel",
            "gemini-2.5-flash      | ADAPTIVE | low      | rejects thinkingLevel",
    })
    void settingsTheProviderWouldRejectAreRefusedBeforeAnyRequest(String model, String support, String thinking, String says) {
        answer = GeminiUpstreamTest::ok;
        UpstreamException e = catchThrowableOfType(UpstreamException.class,
                () -> upstream(model, ThinkingSupport.valueOf(support)).complete(call(Thinking.parse(thinking))));
        assertThat(e.kind()).isEqualTo(Kind.REFUSED);
        assertThat(e.model()).isEqualTo("gem");
        assertThat(e.getMessage()).contains(says).contains("gem");
        assertThat(seen).as("requests the server saw").isEmpty();
    }

    @Test
    void refusedStreamsAlsoSendNothing() {
        UpstreamException e = catchThrowableOfType(UpstreamException.class,
                () -> upstream("gemini-2.5-pro", ThinkingSupport.BUDGET).stream(call(new Thinking.Budget(100_000)), ev -> { }));
        assertThat(e.kind()).isEqualTo(Kind.REFUSED);
        assertThat(e.getMessage()).contains("128 to 32768").contains("100000");
        assertThat(seen).isEmpty();
    }

    @Test
    void fieldsGeminiCannotCarryAreRefusedNamingTheField() {
        ObjectNode tools = request();
        tools.putArray("tools").addObject().put("type", "function").putObject("function").put("name", "f");
        ObjectNode n = request().put("n", 2);
        ObjectNode toolMessage = (ObjectNode) json("""
                {"messages":[{"role":"user","content":"hi"},{"role":"tool","tool_call_id":"1","content":"x"}]}""");
        ObjectNode remoteImage = (ObjectNode) json("""
                {"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://example.com/a.png"}}]}]}""");
        GeminiUpstream u = upstream("gemini-2.5-flash", ThinkingSupport.BUDGET);
        for (var c : List.of(Map.entry(tools, "'tools'"), Map.entry(n, "'n'"), Map.entry(toolMessage, "messages[1]"),
                Map.entry(remoteImage, "data: URL"))) {
            UpstreamException e = catchThrowableOfType(UpstreamException.class, () -> u.complete(call(Thinking.ON, c.getKey())));
            assertThat(e.kind()).isEqualTo(Kind.REFUSED);
            assertThat(e.getMessage()).contains(c.getValue());
        }
        assertThat(seen).isEmpty();
    }

    // ---- errors ----

    @Test
    void providersOwn400ForABadBudgetSurfacesWithStatusAndMessage() {
        // A model the table does not know passes the local check; Google's answer is relayed.
        answer = s -> Reply.json(400, """
                {"error":{"code":400,"message":"The thinking budget 99999 is invalid. Please choose a value between 0 and 24576.",
                  "status":"INVALID_ARGUMENT"}}""");
        UpstreamException e = catchThrowableOfType(UpstreamException.class,
                () -> upstream("gemini-flash-latest", ThinkingSupport.BUDGET).complete(call(new Thinking.Budget(99_999))));
        assertThat(seen).hasSize(1);
        assertThat(seen.get(0).body().path("generationConfig").path("thinkingConfig").path("thinkingBudget").asInt()).isEqualTo(99_999);
        assertThat(e.kind()).isEqualTo(Kind.HTTP_ERROR);
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).contains("400").contains("INVALID_ARGUMENT")
                .contains("The thinking budget 99999 is invalid. Please choose a value between 0 and 24576.");
    }

    @Test
    void rateLimitIs429ResourceExhaustedWithTheKeyRedacted() {
        answer = s -> Reply.json(429, """
                {"error":{"code":429,"message":"You exceeded your current quota for key %s, please check your plan and billing details.",
                  "status":"RESOURCE_EXHAUSTED"}}""".formatted(KEY));
        UpstreamException e = catchThrowableOfType(UpstreamException.class,
                () -> upstream("gemini-2.5-flash", ThinkingSupport.BUDGET).complete(call(Thinking.ON)));
        assertThat(e.kind()).isEqualTo(Kind.HTTP_ERROR);
        assertThat(e.status()).isEqualTo(429);
        assertThat(e.getMessage()).contains("RESOURCE_EXHAUSTED").contains("exceeded your current quota").doesNotContain(KEY);
    }

    @Test
    void overloadedStreamIs503() {
        answer = s -> Reply.json(503, """
                {"error":{"code":503,"message":"The model is overloaded. Please try again later.","status":"UNAVAILABLE"}}""");
        UpstreamException e = catchThrowableOfType(UpstreamException.class,
                () -> upstream("gemini-2.5-flash", ThinkingSupport.BUDGET).stream(call(Thinking.ON), ev -> { }));
        assertThat(e.kind()).isEqualTo(Kind.HTTP_ERROR);
        assertThat(e.status()).isEqualTo(503);
        assertThat(e.getMessage()).contains("UNAVAILABLE").contains("overloaded");
    }

    @Test
    void errorInsideAStreamIsReported() {
        answer = s -> Reply.sse(
                """
                {"candidates":[{"content":{"parts":[{"text":"Par"}],"role":"model"},"index":0}]}""",
                """
                {"error":{"code":500,"message":"An internal error has occurred.","status":"INTERNAL"}}""");
        UpstreamException e = catchThrowableOfType(UpstreamException.class,
                () -> upstream("gemini-2.5-flash", ThinkingSupport.BUDGET).stream(call(Thinking.ON), ev -> { }));
        assertThat(e.kind()).isEqualTo(Kind.HTTP_ERROR);
        assertThat(e.status()).isEqualTo(500);
        assertThat(e.getMessage()).contains("INTERNAL").contains("internal error");
    }

    @Test
    void missingKeyIsNoKeyAndSendsNothing() {
        ModelCard card = card("gemini-2.5-flash", ThinkingSupport.BUDGET, "THINKROUTE_TEST_GEMINI_UNSET");
        UpstreamException e = catchThrowableOfType(UpstreamException.class, () -> upstream(card).complete(call(Thinking.ON)));
        assertThat(e.kind()).isEqualTo(Kind.NO_KEY);
        assertThat(e.getMessage()).contains("THINKROUTE_TEST_GEMINI_UNSET");
        assertThat(seen).isEmpty();
    }

    @Test
    void blockedPromptIsAClearError() {
        String blocked = """
                {"promptFeedback":{"blockReason":"SAFETY","safetyRatings":[
                   {"category":"HARM_CATEGORY_DANGEROUS_CONTENT","probability":"HIGH","blocked":true}]},
                 "usageMetadata":{"promptTokenCount":9,"totalTokenCount":9},"modelVersion":"gemini-2.5-flash"}""";
        answer = s -> s.path().endsWith(":generateContent") ? Reply.json(200, blocked) : Reply.sse(blocked);
        GeminiUpstream u = upstream("gemini-2.5-flash", ThinkingSupport.BUDGET);

        UpstreamException e = catchThrowableOfType(UpstreamException.class, () -> u.complete(call(Thinking.ON)));
        assertThat(e.kind()).isEqualTo(Kind.HTTP_ERROR);
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).contains("blocked the prompt").contains("SAFETY");

        List<StreamEvent> events = new ArrayList<>();
        UpstreamException s = catchThrowableOfType(UpstreamException.class, () -> u.stream(call(Thinking.ON), events::add));
        assertThat(s.kind()).isEqualTo(Kind.HTTP_ERROR);
        assertThat(s.getMessage()).contains("blocked the prompt").contains("SAFETY");
        assertThat(events).isEmpty();
    }

    @Test
    void unreachableServerIsUnreachable() throws Exception {
        ModelCard card = card("gemini-2.5-flash", ThinkingSupport.BUDGET, KEY_ENV);
        server.stop(0);
        UpstreamException e = catchThrowableOfType(UpstreamException.class, () -> upstream(card).complete(call(Thinking.ON)));
        assertThat(e.kind()).isIn(Kind.UNREACHABLE, Kind.PROTOCOL);
        assertThat(e.getMessage()).doesNotContain(KEY);
    }

    // ---- registration ----

    @Test
    void upstreamsCreatesTheGeminiDialect() throws Exception {
        answer = GeminiUpstreamTest::ok;
        ModelCard card = card("models/gemini-2.5-flash", ThinkingSupport.BUDGET, KEY_ENV);
        assertThat(card.dialect()).isEqualTo(Dialect.parse("gemini"));
        try (Upstream u = Upstreams.create(card, settings(), () -> {
            throw new AssertionError("a live model needs no data root");
        })) {
            assertThat(u).isInstanceOf(GeminiUpstream.class);
            assertThat(u.card()).isSameAs(card);
            ChatResult result = u.complete(call(Thinking.OFF));
            assertThat(result.content()).isEqualTo("4");
        }
        assertThat(seen.get(0).path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
        assertThat(seen.get(0).body().path("generationConfig").path("thinkingConfig")).isEqualTo(json("{\"thinkingBudget\":0}"));
    }
}
