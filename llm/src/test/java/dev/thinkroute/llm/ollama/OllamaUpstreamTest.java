package dev.thinkroute.llm.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thinkroute.core.Dialect;
import dev.thinkroute.core.ModelCard;
import dev.thinkroute.core.Prices;
import dev.thinkroute.core.Thinking;
import dev.thinkroute.core.ThinkingSupport;
import dev.thinkroute.core.TokenEstimator;
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

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.thinkroute.llm.ollama.FakeOllama.chat;
import static dev.thinkroute.llm.ollama.FakeOllama.error;
import static dev.thinkroute.llm.ollama.FakeOllama.json;
import static dev.thinkroute.llm.ollama.FakeOllama.last;
import static dev.thinkroute.llm.ollama.FakeOllama.ndjson;
import static dev.thinkroute.llm.ollama.FakeOllama.piece;
import static dev.thinkroute.llm.ollama.FakeOllama.quote;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * {@link OllamaUpstream} against {@link FakeOllama}, which answers in the shapes Ollama documents (see its javadoc
 * for the sources: ollama/ollama docs/api.md, docs/capabilities/thinking.mdx, docs/api/errors.mdx, server/routes.go).
 */
@Timeout(20)
class OllamaUpstreamTest {

    static final String MODEL = "qwen3:8b";
    static final String KEY_ENV = "THINKROUTE_TEST_OLLAMA_KEY";
    static final String KEY = "ollama-test-key-5d1c9e";
    static final UpstreamSettings SETTINGS = new UpstreamSettings(Duration.ofSeconds(2), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Map.of(KEY_ENV, KEY)::get);

    FakeOllama server;
    final List<Upstream> upstreams = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = new FakeOllama();
    }

    @AfterEach
    void stop() {
        upstreams.forEach(Upstream::close);
        server.close();
    }

    // ---- fixtures ----

    ModelCard card(ThinkingSupport thinking, String upstreamModel, URI base) {
        return new ModelCard("local-" + thinking.label(), Dialect.OLLAMA, base, null, upstreamModel,
                Prices.FREE, 8.0, 40960, thinking, "an Ollama model", null);
    }

    ModelCard card(ThinkingSupport thinking) {
        return card(thinking, MODEL, server.root());
    }

    OllamaUpstream upstream(ModelCard card) {
        OllamaUpstream u = new OllamaUpstream(card, SETTINGS);
        upstreams.add(u);
        return u;
    }

    OllamaUpstream upstream(ThinkingSupport thinking) {
        return upstream(card(thinking));
    }

    static ObjectNode request() {
        return parse("""
                {"model":"auto","messages":[
                  {"role":"system","content":"Be brief."},
                  {"role":"user","content":[{"type":"text","text":"What is 2+2?"},{"type":"text","text":"Answer with a number."}]}],
                 "temperature":0.6,"top_p":0.95,"max_tokens":512,"seed":7,"stop":"\\n\\n",
                 "stream_options":{"include_usage":true},"user":"u-1",
                 "chat_template_kwargs":{"enable_thinking":false}}""");
    }

    static ObjectNode parse(String json) {
        try {
            return (ObjectNode) FakeOllama.JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static ChatCall call(ModelCard card, Thinking thinking, ObjectNode body) {
        return new ChatCall(card, thinking, body);
    }

    ChatCall call(Thinking thinking) {
        return call(card(ThinkingSupport.QWEN3), thinking, request());
    }

    static final String THINKING = "The user asks 2+2. That is 4.";
    static final String BLOCKING_ANSWER = chat(MODEL, "\"content\":\"4\",\"thinking\":" + quote(THINKING), "stop", 26, 23);

    // ---- blocking ----

    @Test
    void blockingCallSendsTheDocumentedRequestAndReadsThinking() throws Exception {
        server.then(json(200, BLOCKING_ANSWER));
        ObjectNode body = request();
        String before = body.toString();

        ChatResult r = upstream(ThinkingSupport.QWEN3).complete(call(card(ThinkingSupport.QWEN3), Thinking.ON, body));

        FakeOllama.Request req = server.only();
        assertThat(req.method()).isEqualTo("POST");
        assertThat(req.path()).isEqualTo("/api/chat");
        assertThat(req.header("Content-Type")).isEqualTo("application/json");
        assertThat(req.header("Authorization")).isNull();
        JsonNode sent = req.json();
        assertThat(sent).isEqualTo(parse("""
                {"model":"qwen3:8b",
                 "messages":[{"role":"system","content":"Be brief."},
                             {"role":"user","content":"What is 2+2?\\nAnswer with a number."}],
                 "stream":false,"think":true,
                 "options":{"temperature":0.6,"top_p":0.95,"num_predict":512,"seed":7,"stop":["\\n\\n"]}}"""));
        assertThat(body.toString()).as("the caller's body is not modified").isEqualTo(before);

        assertThat(r.content()).isEqualTo("4");
        assertThat(r.reasoning()).isEqualTo(THINKING);
        assertThat(r.toolCalls()).isNull();
        assertThat(r.finishReason()).isEqualTo("stop");
        long reasoningTokens = Math.min(TokenEstimator.estimate(THINKING), 23);
        // prompt_eval_count and eval_count are Ollama's own counts; only the reasoning share of eval_count is
        // estimated from the thinking text (the project's policy in Usages.withReasoning).
        assertThat(r.usage()).isEqualTo(new Usage(26, 23, reasoningTokens, false));
        assertThat(r.recordedScore()).isNull();
        assertThat(r.latencyMs()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void lengthStopAndMissingCountsAreHandled() throws Exception {
        // An answer without prompt_eval_count (Ollama leaves it out when the prompt came from its cache).
        server.then(json(200, chat(MODEL, "\"content\":\"The answer is\"", "length", null, 3)));

        ChatResult r = upstream(ThinkingSupport.QWEN3).complete(call(Thinking.OFF));

        assertThat(r.finishReason()).isEqualTo("length");
        assertThat(r.reasoning()).isNull();
        assertThat(r.usage().outputTokens()).isEqualTo(3);
        assertThat(r.usage().inputTokens()).isPositive();
        assertThat(r.usage().estimated()).isTrue();
        assertThat(server.only().json().get("think").asBoolean(true)).isFalse();
    }

    @Test
    void aThinkBlockLeftInTheContentIsSplitOut() throws Exception {
        server.then(json(200, chat(MODEL, "\"content\":" + quote("<think>\nhmm\n</think>\n\n4"), "stop", 10, 8)));

        ChatResult r = upstream(ThinkingSupport.NONE).complete(call(card(ThinkingSupport.NONE), Thinking.OFF, request()));

        assertThat(r.content()).isEqualTo("4");
        assertThat(r.reasoning()).isEqualTo("hmm");
        assertThat(server.only().json().has("think")).isFalse();
    }

    // ---- streaming ----

    @Test
    void streamRelaysThinkingThenContentThenFinishAndUsage() throws Exception {
        server.then(ndjson(
                piece(MODEL, "\"content\":\"\",\"thinking\":\"The user asks \""),
                piece(MODEL, "\"content\":\"\",\"thinking\":\"2+2.\""),
                piece(MODEL, "\"content\":\"The answer\""),
                piece(MODEL, "\"content\":\" is 4.\""),
                last(MODEL, "stop", 26, 12)));
        List<StreamEvent> events = new ArrayList<>();

        ChatResult r = upstream(ThinkingSupport.QWEN3).stream(call(Thinking.ON), events::add);

        FakeOllama.Request req = server.only();
        assertThat(req.path()).isEqualTo("/api/chat");
        assertThat(req.header("Accept")).isEqualTo("application/x-ndjson");
        assertThat(req.json().get("stream").asBoolean()).isTrue();
        assertThat(req.json().get("think").asBoolean()).isTrue();
        assertThat(req.json().has("stream_options")).isFalse();

        String thought = "The user asks 2+2.";
        Usage usage = new Usage(26, 12, Math.min(TokenEstimator.estimate(thought), 12), false);
        assertThat(events).containsExactly(
                new Delta(null, "The user asks ", null),
                new Delta(null, "2+2.", null),
                new Delta("The answer", null, null),
                new Delta(" is 4.", null, null),
                new Finish("stop"),
                new UsageReport(usage));
        assertThat(r.content()).isEqualTo("The answer is 4.");
        assertThat(r.reasoning()).isEqualTo(thought);
        assertThat(r.finishReason()).isEqualTo("stop");
        assertThat(r.usage()).isEqualTo(usage);
    }

    @Test
    void streamStoppedByLengthReportsLength() throws Exception {
        server.then(ndjson(
                piece(MODEL, "\"content\":\"\",\"thinking\":\"long thought\""),
                last(MODEL, "length", 20, 64)));
        List<StreamEvent> events = new ArrayList<>();

        ChatResult r = upstream(ThinkingSupport.QWEN3).stream(call(Thinking.ON), events::add);

        assertThat(r.finishReason()).isEqualTo("length");
        assertThat(r.content()).isEmpty();
        assertThat(r.reasoning()).isEqualTo("long thought");
        assertThat(events).contains(new Finish("length"));
    }

    @Test
    void anErrorLineMidStreamFailsWithItsMessage() {
        server.then(ndjson(
                piece(MODEL, "\"content\":\"Yes\""),
                error("an error was encountered while running the model")));
        List<StreamEvent> events = new ArrayList<>();

        UpstreamException e = catchThrowableOfType(UpstreamException.class,
                () -> upstream(ThinkingSupport.QWEN3).stream(call(Thinking.OFF), events::add));

        assertThat(e.kind()).isEqualTo(Kind.PROTOCOL);
        assertThat(e.getMessage()).contains("an error was encountered while running the model")
                .contains("upstream 'local-qwen3' (127.0.0.1:" + server.port() + ")");
        assertThat(events).containsExactly(new Delta("Yes", null, null));
    }

    @Test
    void aStreamThatEndsWithoutDoneIsAProtocolError() {
        server.then(ndjson(piece(MODEL, "\"content\":\"4\"")));

        UpstreamException e = catchThrowableOfType(UpstreamException.class,
                () -> upstream(ThinkingSupport.QWEN3).stream(call(Thinking.OFF), ev -> { }));

        assertThat(e.kind()).isEqualTo(Kind.PROTOCOL);
        assertThat(e.getMessage()).contains("ended early");
    }

    @Test
    void aSinkThatFailsCancelsTheStream() {
        server.then(server.ndjsonThenHang(piece(MODEL, "\"content\":\"4\"")));

        IOException e = catchThrowableOfType(IOException.class, () -> upstream(ThinkingSupport.QWEN3).stream(call(Thinking.OFF), ev -> {
            throw new IOException("client went away");
        }));

        assertThat(e).hasMessage("client went away");
    }

    // ---- thinking mapping ----

    JsonNode thinkSent(ThinkingSupport support, Thinking thinking) throws Exception {
        server.always(json(200, chat(MODEL, "\"content\":\"ok\"", "stop", 5, 1)));
        int before = server.requests().size();
        ModelCard card = card(support);
        upstream(card).complete(call(card, thinking, request()));
        assertThat(server.requests()).hasSize(before + 1);
        return server.requests().get(before).json().get("think");
    }

    static Thinking effort(Thinking.Level level) {
        return new Thinking.Effort(level);
    }

    @Test
    void onOffFamiliesSendThinkTrueOrFalse() throws Exception {
        for (ThinkingSupport s : List.of(ThinkingSupport.QWEN3, ThinkingSupport.DEEPSEEK, ThinkingSupport.BUDGET,
                ThinkingSupport.QWEN3_SOFT)) {
            assertThat(thinkSent(s, Thinking.ON)).as(s + " on").isEqualTo(FakeOllama.JSON.getNodeFactory().booleanNode(true));
            assertThat(thinkSent(s, Thinking.OFF)).as(s + " off").isEqualTo(FakeOllama.JSON.getNodeFactory().booleanNode(false));
        }
    }

    @Test
    void effortFamiliesSendTheLevelAndPlainOnLeavesTheDefault() throws Exception {
        for (ThinkingSupport s : List.of(ThinkingSupport.GPT_OSS, ThinkingSupport.EFFORT)) {
            assertThat(thinkSent(s, effort(Thinking.Level.LOW)).asText()).isEqualTo("low");
            assertThat(thinkSent(s, effort(Thinking.Level.MEDIUM)).asText()).isEqualTo("medium");
            assertThat(thinkSent(s, effort(Thinking.Level.HIGH)).asText()).isEqualTo("high");
            assertThat(thinkSent(s, Thinking.ON)).as(s + " on").isNull();
        }
        assertThat(thinkSent(ThinkingSupport.ADAPTIVE, effort(Thinking.Level.HIGH)).asText()).isEqualTo("high");
        assertThat(thinkSent(ThinkingSupport.ADAPTIVE, Thinking.OFF).asBoolean(true)).isFalse();
    }

    @Test
    void noneAndAlwaysSendNoThinkField() throws Exception {
        assertThat(thinkSent(ThinkingSupport.NONE, Thinking.OFF)).isNull();
        assertThat(thinkSent(ThinkingSupport.ALWAYS, Thinking.ON)).isNull();
    }

    @Test
    void aBudgetIsRefusedBeforeAnyRequest() {
        for (ThinkingSupport s : List.of(ThinkingSupport.QWEN3, ThinkingSupport.BUDGET, ThinkingSupport.DEEPSEEK)) {
            ModelCard card = card(s);
            UpstreamException e = catchThrowableOfType(UpstreamException.class,
                    () -> upstream(card).complete(call(card, new Thinking.Budget(2048), request())));
            assertThat(e.kind()).as(s.label()).isEqualTo(Kind.REFUSED);
            assertThat(e.getMessage()).contains("on@2048").contains("think").contains("token budget");
            UpstreamException streamed = catchThrowableOfType(UpstreamException.class,
                    () -> upstream(card).stream(call(card, new Thinking.Budget(2048), request()), ev -> { }));
            assertThat(streamed.kind()).isEqualTo(Kind.REFUSED);
        }
        assertThat(server.requests()).as("requests the server saw").isEmpty();
    }

    @Test
    void settingsTheFamilyCannotTakeAreRefusedBeforeAnyRequest() {
        ModelCard gptOss = card(ThinkingSupport.GPT_OSS, "gpt-oss:20b", server.root());
        UpstreamException off = catchThrowableOfType(UpstreamException.class,
                () -> upstream(gptOss).complete(call(gptOss, Thinking.OFF, request())));
        assertThat(off.kind()).isEqualTo(Kind.REFUSED);
        assertThat(off.getMessage()).contains("always reasons");

        ModelCard qwen = card(ThinkingSupport.QWEN3);
        UpstreamException level = catchThrowableOfType(UpstreamException.class,
                () -> upstream(qwen).complete(call(qwen, effort(Thinking.Level.HIGH), request())));
        assertThat(level.kind()).isEqualTo(Kind.REFUSED);
        assertThat(level.getMessage()).contains("effort levels");
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void fieldsOllamaCannotHonourAreRefusedNamingTheField() {
        ModelCard card = card(ThinkingSupport.QWEN3);
        OllamaUpstream u = upstream(card);
        Map<String, String> cases = Map.of(
                "logit_bias", "{\"logit_bias\":{\"50256\":-100}}",
                "n", "{\"n\":2}",
                "tool_choice", "{\"tool_choice\":\"required\"}",
                "chat_template_kwargs.add_generation_prompt", "{\"chat_template_kwargs\":{\"add_generation_prompt\":false}}",
                "image_url", "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/cat.png\"}}]}]}");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            ObjectNode body = request();
            body.setAll(parse(c.getValue()));
            UpstreamException e = catchThrowableOfType(UpstreamException.class, () -> u.complete(call(card, Thinking.OFF, body)));
            assertThat(e.kind()).as(c.getKey()).isEqualTo(Kind.REFUSED);
            assertThat(e.getMessage()).as(c.getKey()).contains(c.getKey());
        }
        assertThat(server.requests()).isEmpty();
    }

    // ---- errors ----

    @Test
    void aModelWithoutThinkingAnswers400AndItsMessageIsKept() {
        // server/routes.go ChatHandler: fmt.Sprintf("%q does not support thinking", req.Model), status 400.
        server.then(json(400, error("\"qwen2\" does not support thinking")));
        ModelCard card = card(ThinkingSupport.QWEN3, "qwen2", server.root());

        UpstreamException e = catchThrowableOfType(UpstreamException.class,
                () -> upstream(card).complete(call(card, Thinking.ON, request())));

        assertThat(e.kind()).isEqualTo(Kind.HTTP_ERROR);
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).contains("answered 400: \"qwen2\" does not support thinking")
                .contains("thinking 'off'");
        assertThat(server.only().json().get("think").asBoolean()).isTrue();
    }

    @Test
    void anUnknownModelAnswers404() {
        // server/routes.go ChatHandler: 404 {"error": "model '<name>' not found"}.
        server.then(json(404, error("model 'qwen9:8b' not found")));
        server.then(json(404, error("model 'qwen9:8b' not found")));
        ModelCard card = card(ThinkingSupport.QWEN3, "qwen9:8b", server.root());

        UpstreamException e = catchThrowableOfType(UpstreamException.class,
                () -> upstream(card).complete(call(card, Thinking.OFF, request())));
        UpstreamException streamed = catchThrowableOfType(UpstreamException.class,
                () -> upstream(card).stream(call(card, Thinking.OFF, request()), ev -> { }));

        for (UpstreamException x : List.of(e, streamed)) {
            assertThat(x.kind()).isEqualTo(Kind.HTTP_ERROR);
            assertThat(x.status()).isEqualTo(404);
            assertThat(x.getMessage()).contains("answered 404: model 'qwen9:8b' not found");
        }
    }

    @Test
    void aServerErrorIs500WithItsMessage() {
        server.then(json(500, error("llama runner process has terminated: exit status 2")));

        UpstreamException e = catchThrowableOfType(UpstreamException.class,
                () -> upstream(ThinkingSupport.QWEN3).complete(call(Thinking.OFF)));

        assertThat(e.kind()).isEqualTo(Kind.HTTP_ERROR);
        assertThat(e.status()).isEqualTo(500);
        assertThat(e.getMessage()).contains("llama runner process has terminated");
    }

    // ---- base URL, key, tools, registration ----

    @Test
    void theBaseUrlMayBeTheRootOrEndInApi() throws Exception {
        assertThat(OllamaUpstream.endpoint(URI.create("http://localhost:11434"))).hasToString("http://localhost:11434/api/chat");
        assertThat(OllamaUpstream.endpoint(URI.create("http://localhost:11434/"))).hasToString("http://localhost:11434/api/chat");
        assertThat(OllamaUpstream.endpoint(URI.create("http://localhost:11434/api"))).hasToString("http://localhost:11434/api/chat");
        assertThat(OllamaUpstream.endpoint(URI.create("http://localhost:11434/api/"))).hasToString("http://localhost:11434/api/chat");
        assertThat(OllamaUpstream.endpoint(URI.create("http://localhost:11434/api/chat"))).hasToString("http://localhost:11434/api/chat");
        assertThat(OllamaUpstream.endpoint(URI.create("https://gpu.example.org/ollama"))).hasToString("https://gpu.example.org/ollama/api/chat");

        server.then(json(200, BLOCKING_ANSWER));
        ModelCard card = card(ThinkingSupport.QWEN3, MODEL, URI.create(server.root() + "/api/"));
        upstream(card).complete(call(card, Thinking.ON, request()));
        assertThat(server.only().path()).isEqualTo("/api/chat");
    }

    @Test
    void aKeyIsSentAsABearerToken() throws Exception {
        server.then(json(200, BLOCKING_ANSWER));
        ModelCard card = new ModelCard("remote", Dialect.OLLAMA, server.root(), KEY_ENV, MODEL, Prices.FREE, null, 0,
                ThinkingSupport.QWEN3, null, null);

        upstream(card).complete(call(card, Thinking.ON, request()));

        assertThat(server.only().header("Authorization")).isEqualTo("Bearer " + KEY);
    }

    @Test
    void toolsGoOutAndToolCallsComeBackInOpenAiShape() throws Exception {
        // docs/api.md "Chat request (with tools)": message.tool_calls[].function.arguments is an object.
        server.then(json(200, chat(MODEL, "\"content\":\"\",\"tool_calls\":[{\"function\":{\"name\":\"get_current_weather\","
                + "\"arguments\":{\"format\":\"celsius\",\"location\":\"Paris, FR\"}}}]", "stop", 122, 33)));
        ObjectNode body = parse("""
                {"messages":[
                  {"role":"user","content":"Weather in Paris?"},
                  {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
                    "function":{"name":"get_current_weather","arguments":"{\\"location\\":\\"Paris\\"}"}}]},
                  {"role":"tool","tool_call_id":"call_1","content":"18C"},
                  {"role":"user","content":"And again?"}],
                 "tools":[{"type":"function","function":{"name":"get_current_weather","description":"Weather",
                   "parameters":{"type":"object","properties":{"location":{"type":"string"}}}}}],
                 "tool_choice":"auto"}""");
        ModelCard card = card(ThinkingSupport.QWEN3);

        ChatResult r = upstream(card).complete(call(card, Thinking.OFF, body));

        JsonNode sent = server.only().json();
        assertThat(sent.get("tools")).isEqualTo(body.get("tools"));
        assertThat(sent.get("messages").get(1)).isEqualTo(parse("""
                {"role":"assistant","content":"","tool_calls":[{"function":{"name":"get_current_weather","arguments":{"location":"Paris"}}}]}"""));
        assertThat(sent.get("messages").get(2)).isEqualTo(parse("""
                {"role":"tool","content":"18C","tool_name":"get_current_weather"}"""));
        assertThat(r.content()).isNull();
        assertThat(r.finishReason()).isEqualTo("tool_calls");
        assertThat(r.toolCalls()).isEqualTo(parse("""
                {"a":[{"id":"call_0","type":"function","function":{"name":"get_current_weather",
                  "arguments":"{\\"format\\":\\"celsius\\",\\"location\\":\\"Paris, FR\\"}"}}]}""").get("a"));
    }

    @Test
    void streamedToolCallsAreIndexedAndTheDoneLinesContentIsKept() throws Exception {
        // Newer Ollama sends a tool call whole in one piece, with an id; the final object may still carry text
        // (docs/api/streaming.mdx shows content on the "done": true line).
        server.then(ndjson(
                piece(MODEL, "\"content\":\"\",\"tool_calls\":[{\"id\":\"call_x1\",\"function\":{\"index\":0,"
                        + "\"name\":\"get_current_weather\",\"arguments\":{\"location\":\"Paris\"}}}]"),
                "{\"model\":\"" + MODEL + "\",\"created_at\":\"" + FakeOllama.CREATED + "\",\"message\":{\"role\":\"assistant\","
                        + "\"content\":\"!\"},\"done\":true,\"done_reason\":\"stop\",\"prompt_eval_count\":50,\"eval_count\":20}"));
        List<StreamEvent> events = new ArrayList<>();

        ChatResult r = upstream(ThinkingSupport.QWEN3).stream(call(Thinking.OFF), events::add);

        assertThat(events.get(0)).isEqualTo(new Delta(null, null, parse("""
                {"a":[{"index":0,"id":"call_x1","type":"function","function":{"name":"get_current_weather","arguments":"{\\"location\\":\\"Paris\\"}"}}]}""").get("a")));
        assertThat(events.get(1)).isEqualTo(new Delta("!", null, null));
        assertThat(events.get(2)).isEqualTo(new Finish("tool_calls"));
        assertThat(r.toolCalls().get(0).has("index")).isFalse();
        assertThat(r.toolCalls().get(0).get("id").asText()).isEqualTo("call_x1");
        assertThat(r.content()).isEqualTo("!");
        assertThat(r.usage()).isEqualTo(new Usage(50, 20, 0, false));
    }

    @Test
    void aDialectOllamaCardIsServedThroughUpstreamsCreate() throws Exception {
        server.then(ndjson(
                piece(MODEL, "\"content\":\"\",\"thinking\":\"think\""),
                piece(MODEL, "\"content\":\"4\""),
                last(MODEL, "stop", 10, 3)));
        ModelCard card = card(ThinkingSupport.QWEN3);

        Upstream u = Upstreams.create(card, SETTINGS, () -> {
            throw new AssertionError("an Ollama model needs no datasets");
        });
        upstreams.add(u);
        ChatResult r = u.stream(call(card, Thinking.ON, request()), ev -> { });

        assertThat(u).isInstanceOf(OllamaUpstream.class);
        assertThat(u.card()).isSameAs(card);
        assertThat(r.content()).isEqualTo("4");
        assertThat(r.reasoning()).isEqualTo("think");
        assertThat(server.only().path()).isEqualTo("/api/chat");
    }
}
