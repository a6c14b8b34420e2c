package dev.thinkroute.llm.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thinkroute.core.Dialect;
import dev.thinkroute.core.ModelCard;
import dev.thinkroute.core.Prices;
import dev.thinkroute.core.Thinking;
import dev.thinkroute.core.ThinkingSupport;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.thinkroute.llm.anthropic.FakeAnthropic.JSON;
import static dev.thinkroute.llm.anthropic.FakeAnthropic.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * {@link AnthropicUpstream} against {@link FakeAnthropic}, which checks requests and answers with the shapes the
 * Anthropic documentation gives (docs.claude.com: api/messages, api/errors, build-with-claude/extended-thinking,
 * build-with-claude/streaming; the response and stream bodies below are the documented examples, with their
 * elided signatures filled in).
 */
@Timeout(20)
class AnthropicUpstreamTest {

    static final String KEY_ENV = "THINKROUTE_TEST_ANTHROPIC_KEY";
    static final String KEY = "sk-ant-api03-test-5b8e2f0c9d7a";
    static final String MODEL = "claude-sonnet-4-5";

    FakeAnthropic server;
    final List<Upstream> upstreams = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = new FakeAnthropic(KEY);
    }

    @AfterEach
    void stop() {
        upstreams.forEach(Upstream::close);
        server.close();
    }

    // ---- fixtures ----

    static UpstreamSettings settings() {
        return new UpstreamSettings(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10), Map.of(KEY_ENV, KEY)::get);
    }

    ModelCard card(ThinkingSupport thinking, String keyEnv) {
        return new ModelCard("claude", Dialect.ANTHROPIC, server.baseUrl(), keyEnv, MODEL, new Prices(3, 15), null, 200000,
                thinking, "Claude Sonnet 4.5", null);
    }

    AnthropicUpstream upstream(ThinkingSupport thinking) {
        AnthropicUpstream u = new AnthropicUpstream(card(thinking, KEY_ENV), settings());
        upstreams.add(u);
        return u;
    }

    static ObjectNode body(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** An OpenAI Chat Completions body as the gateway forwards it. */
    static ObjectNode openAiBody(Integer maxTokens) {
        ObjectNode b = body("""
                {"model":"auto","messages":[{"role":"system","content":"Be brief."},
                 {"role":"user","content":[{"type":"text","text":"What is 27 * 453?"}]}],
                 "temperature":0.6,"top_p":0.97,"stop":["\\n\\nHuman:"],"seed":7,"user":"u-42",
                 "stream_options":{"include_usage":true}}""");
        if (maxTokens != null) b.put("max_tokens", maxTokens);
        return b;
    }

    ChatCall call(ModelCard card, Thinking thinking, ObjectNode body) {
        return new ChatCall(card, thinking, body);
    }

    /** The documented blocking answer with extended thinking (build-with-claude/extended-thinking, "Thinking redaction"). */
    static final String THINKING_MESSAGE = """
            {"id":"msg_01XFDUDYJgAACzvnptvVoYEL","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",
             "content":[
              {"type":"thinking","thinking":"Let me analyze this step by step...","signature":"WaUjzkypQ2mUEVM36O2TxuC06KN8xyfbJwyem2dw3URve/op91XWHOEBLLqIOMfFG/UvLEczmEsUjavL"},
              {"type":"redacted_thinking","data":"EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP"},
              {"type":"text","text":"Based on my analysis, 27 * 453 = 12,231."}],
             "stop_reason":"end_turn","stop_sequence":null,
             "usage":{"input_tokens":42,"cache_creation_input_tokens":0,"cache_read_input_tokens":8,"output_tokens":312}}""";

    /** The documented stream with extended thinking (build-with-claude/streaming, "Streaming request with extended thinking"). */
    static String[] thinkingStream() {
        return new String[]{
                event("message_start", """
                        {"type": "message_start", "message": {"id": "msg_01", "type": "message", "role": "assistant", "content": [], "model": "claude-sonnet-4-5-20250929", "stop_reason": null, "stop_sequence": null, "usage": {"input_tokens": 25, "output_tokens": 1}}}"""),
                event("content_block_start", """
                        {"type": "content_block_start", "index": 0, "content_block": {"type": "thinking", "thinking": ""}}"""),
                event("ping", "{\"type\": \"ping\"}"),
                event("content_block_delta", """
                        {"type": "content_block_delta", "index": 0, "delta": {"type": "thinking_delta", "thinking": "Let me solve this step by step:\\n\\n1. First break down 27 * 453"}}"""),
                event("content_block_delta", """
                        {"type": "content_block_delta", "index": 0, "delta": {"type": "thinking_delta", "thinking": "\\n2. 453 = 400 + 50 + 3"}}"""),
                event("content_block_delta", """
                        {"type": "content_block_delta", "index": 0, "delta": {"type": "signature_delta", "signature": "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds"}}"""),
                event("content_block_stop", "{\"type\": \"content_block_stop\", \"index\": 0}"),
                event("content_block_start", """
                        {"type": "content_block_start", "index": 1, "content_block": {"type": "text", "text": ""}}"""),
                event("content_block_delta", """
                        {"type": "content_block_delta", "index": 1, "delta": {"type": "text_delta", "text": "27 * 453 = "}}"""),
                event("content_block_delta", """
                        {"type": "content_block_delta", "index": 1, "delta": {"type": "text_delta", "text": "12,231"}}"""),
                event("content_block_stop", "{\"type\": \"content_block_stop\", \"index\": 1}"),
                event("message_delta", """
                        {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": null}, "usage": {"output_tokens": 215}}"""),
                event("message_stop", "{\"type\": \"message_stop\"}"),
        };
    }

    static JsonNode thinkingOf(FakeAnthropic.Seen seen) {
        return seen.body().get("thinking");
    }

    // ---- blocking ----

    @Test
    void blockingCallMapsTheRequestAndNormalisesThinkingBlocks() throws Exception {
        server.answer = (r, ex) -> FakeAnthropic.json(ex, 200, THINKING_MESSAGE);
        AnthropicUpstream u = upstream(ThinkingSupport.BUDGET);
        ObjectNode caller = openAiBody(4096);
        ObjectNode before = caller.deepCopy();

        ChatResult r = u.complete(call(u.card(), new Thinking.Budget(2048), caller));

        assertThat(caller).as("the caller's body is not mutated").isEqualTo(before);
        assertThat(server.seen).hasSize(1);
        FakeAnthropic.Seen seen = server.seen.get(0);
        assertThat(seen.method()).isEqualTo("POST");
        assertThat(seen.path()).isEqualTo("/v1/messages");
        assertThat(seen.header("x-api-key")).isEqualTo(KEY);
        assertThat(seen.header("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(seen.header("content-type")).startsWith("application/json");
        assertThat(seen.header("authorization")).isNull();
        // temperature 0.6 is dropped while thinking (Anthropic: only 1 with thinking); top_p 0.97 is within [0.95, 1].
        assertThat(seen.body()).isEqualTo(body("""
                {"model":"claude-sonnet-4-5","max_tokens":4096,"messages":[
                  {"role":"user","content":[{"type":"text","text":"What is 27 * 453?"}]}],
                 "system":"Be brief.","stop_sequences":["\\n\\nHuman:"],"top_p":0.97,
                 "metadata":{"user_id":"u-42"},"thinking":{"type":"enabled","budget_tokens":2048}}"""));

        assertThat(r.reasoning()).isEqualTo("Let me analyze this step by step...");
        assertThat(r.content()).isEqualTo("Based on my analysis, 27 * 453 = 12,231.");
        assertThat(r.finishReason()).isEqualTo("stop");
        assertThat(r.toolCalls()).isNull();
        assertThat(r.usage().inputTokens()).isEqualTo(50); // input 42 + cache read 8
        assertThat(r.usage().outputTokens()).isEqualTo(312); // thinking is part of output_tokens
        assertThat(r.usage().reasoningTokens()).isBetween(1L, 312L);
        assertThat(r.usage().estimated()).as("billed counts are Anthropic's; only the split is estimated").isFalse();
        assertThat(r.note()).contains("redacted_thinking");
        assertThat(r.recordedScore()).isNull();
    }

    @Test
    void stopReasonsMapToOpenAiFinishReasons() throws Exception {
        server.answer = (r, ex) -> FakeAnthropic.json(ex, 200, """
                {"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",
                 "content":[{"type":"text","text":"Hello! How can"}],"stop_reason":"max_tokens","stop_sequence":null,
                 "usage":{"input_tokens":10,"output_tokens":4}}""");
        AnthropicUpstream u = upstream(ThinkingSupport.BUDGET);
        ChatResult r = u.complete(call(u.card(), Thinking.OFF, body("{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"max_tokens\":4}")));
        assertThat(r.finishReason()).isEqualTo("length");
        assertThat(r.reasoning()).isNull();
        assertThat(r.usage().reasoningTokens()).isZero();
        assertThat(AnthropicUpstream.finishReason("end_turn")).isEqualTo("stop");
        assertThat(AnthropicUpstream.finishReason("stop_sequence")).isEqualTo("stop");
        assertThat(AnthropicUpstream.finishReason("tool_use")).isEqualTo("tool_calls");
        assertThat(AnthropicUpstream.finishReason(null)).isNull();
    }

    // ---- streaming ----

    @Test
    void streamRelaysThinkingThenTextThenFinishAndUsage() throws Exception {
        server.answer = (r, ex) -> FakeAnthropic.sse(ex, thinkingStream());
        AnthropicUpstream u = upstream(ThinkingSupport.BUDGET);
        List<StreamEvent> events = new ArrayList<>();

        ChatResult r = u.stream(call(u.card(), new Thinking.Budget(16000), body("""
                {"model":"auto","max_tokens":20000,"messages":[{"role":"user","content":"What is 27 * 453?"}]}""")), events::add);

        FakeAnthropic.Seen seen = server.seen.get(0);
        assertThat(seen.body()).isEqualTo(body("""
                {"model":"claude-sonnet-4-5","max_tokens":20000,"stream":true,
                 "messages":[{"role":"user","content":"What is 27 * 453?"}],
                 "thinking":{"type":"enabled","budget_tokens":16000}}"""));
        assertThat(seen.header("accept")).isEqualTo("text/event-stream");

        assertThat(events).containsExactly(
                new Delta(null, "Let me solve this step by step:\n\n1. First break down 27 * 453", null),
                new Delta(null, "\n2. 453 = 400 + 50 + 3", null),
                new Delta("27 * 453 = ", null, null),
                new Delta("12,231", null, null),
                new Finish("stop"),
                new UsageReport(r.usage()));
        assertThat(r.content()).isEqualTo("27 * 453 = 12,231");
        assertThat(r.reasoning()).isEqualTo("Let me solve this step by step:\n\n1. First break down 27 * 453\n2. 453 = 400 + 50 + 3");
        assertThat(r.finishReason()).isEqualTo("stop");
        assertThat(r.usage().inputTokens()).isEqualTo(25); // from message_start
        assertThat(r.usage().outputTokens()).isEqualTo(215); // message_delta's cumulative count
        assertThat(r.usage().reasoningTokens()).isBetween(1L, 215L);
        assertThat(r.usage().estimated()).isFalse();
    }

    @Test
    void midStreamErrorEventFailsWithItsStatusAfterTheDeltasSoFar() throws Exception {
        String[] full = thinkingStream();
        server.answer = (r, ex) -> FakeAnthropic.sse(ex, full[0], full[1], full[3],
                // build-with-claude/streaming, "Error events"
                event("error", "{\"type\": \"error\", \"error\": {\"type\": \"overloaded_error\", \"message\": \"Overloaded\"}}"));
        AnthropicUpstream u = upstream(ThinkingSupport.BUDGET);
        List<StreamEvent> events = new ArrayList<>();

        UpstreamException e = catchThrowableOfType(UpstreamException.class,
                () -> u.stream(call(u.card(), Thinking.ON, openAiBody(8192)), events::add));

        assertThat(e.kind()).isEqualTo(Kind.HTTP_ERROR);
        assertThat(e.status()).isEqualTo(529);
        assertThat(e.getMessage()).contains("overloaded_error").contains("Overloaded").contains("127.0.0.1:" + server.port());
        assertThat(events).containsExactly(new Delta(null, "Let me solve this step by step:\n\n1. First break down 27 * 453", null));
    }

    @Test
    void streamCutBeforeMessageStopIsAProtocolError() throws Exception {
        String[] full = thinkingStream();
        server.answer = (r, ex) -> FakeAnthropic.sse(ex, full[0], full[1], full[3]);
        AnthropicUpstream u = upstream(ThinkingSupport.BUDGET);
        UpstreamException e = catchThrowableOfType(UpstreamException.class,
                () -> u.stream(call(u.card(), Thinking.OFF, openAiBody(1024)), ev -> { }));
        assertThat(e.kind()).isEqualTo(Kind.PROTOCOL);
        assertThat(e.getMessage()).contains("ended early");
    }

    @Test
    void aSinkThatThrowsCancelsTheStream() throws Exception {
        server.answer = (r, ex) -> FakeAnthropic.sse(ex, thinkingStream());
        AnthropicUpstream u = upstream(ThinkingSupport.BUDGET);
        IOException e = catchThrowableOfType(IOException.class, () -> u.stream(call(u.card(), Thinking.ON, openAiBody(8192)), ev -> {
            throw new IOException("client went away");
        }));
        assertThat(e).hasMessage("client went away");
    }

    // ---- thinking mapping ----

    JsonNode sentThinking(ThinkingSupport family, Thinking thinking, Integer maxTokens) throws Exception {
        server.seen.clear();
        server.answer = (r, ex) -> FakeAnthropic.json(ex, 200, THINKING_MESSAGE);
        AnthropicUpstream u = upstream(family);
        u.complete(call(u.card(), thinking, openAiBody(maxTokens)));
        assertThat(server.seen).hasSize(1);
        return server.seen.get(0).body();
    }

    @Test
    void budgetFamilyMapsOffOnAndOnAtN() throws Exception {
        JsonNode off = sentThinking(ThinkingSupport.BUDGET, Thinking.OFF, 4096);
        assertThat(off.has("thinking")).isFalse();
        assertThat(off.get("temperature").asDouble()).as("sampling is kept when not thinking").isEqualTo(0.6);

        JsonNode on = sentThinking(ThinkingSupport.BUDGET, Thinking.ON, 4096);
        assertThat(on.get("thinking")).isEqualTo(body("{\"type\":\"enabled\",\"budget_tokens\":2048}"));
        assertThat(on.has("temperature")).isFalse();

        JsonNode onBig = sentThinking(ThinkingSupport.BUDGET, Thinking.ON, 64000);
        assertThat(onBig.get("thinking")).isEqualTo(body("{\"type\":\"enabled\",\"budget_tokens\":8192}"));

        JsonNode onDefault = sentThinking(ThinkingSupport.BUDGET, Thinking.ON, null);
        assertThat(onDefault.get("max_tokens").asInt()).isEqualTo(AnthropicRequest.DEFAULT_MAX_TOKENS);
        assertThat(onDefault.get("thinking")).isEqualTo(body("{\"type\":\"enabled\",\"budget_tokens\":2048}"));

        JsonNode budget = sentThinking(ThinkingSupport.BUDGET, new Thinking.Budget(1024), 1025);
        assertThat(budget.get("thinking")).isEqualTo(body("{\"type\":\"enabled\",\"budget_tokens\":1024}"));

        // A budget without max_tokens gets room for the budget plus the default answer length, not a refusal.
        JsonNode budgetNoMax = sentThinking(ThinkingSupport.BUDGET, new Thinking.Budget(8192), null);
        assertThat(budgetNoMax.get("max_tokens").asInt()).isEqualTo(8192 + AnthropicRequest.DEFAULT_MAX_TOKENS);
        assertThat(budgetNoMax.get("thinking")).isEqualTo(body("{\"type\":\"enabled\",\"budget_tokens\":8192}"));
    }

    @Test
    void adaptiveFamilyMapsOffOnAndEffort() throws Exception {
        JsonNode off = sentThinking(ThinkingSupport.ADAPTIVE, Thinking.OFF, 4096);
        assertThat(off.get("thinking")).isEqualTo(body("{\"type\":\"disabled\"}"));
        assertThat(off.has("output_config")).isFalse();

        JsonNode on = sentThinking(ThinkingSupport.ADAPTIVE, Thinking.ON, 4096);
        assertThat(on.get("thinking")).isEqualTo(body("{\"type\":\"adaptive\"}"));
        assertThat(on.has("output_config")).isFalse();

        JsonNode low = sentThinking(ThinkingSupport.ADAPTIVE, new Thinking.Effort(Thinking.Level.LOW), 4096);
        assertThat(low.get("thinking")).isEqualTo(body("{\"type\":\"adaptive\"}"));
        assertThat(low.get("output_config")).isEqualTo(body("{\"effort\":\"low\"}"));
        assertThat(low.has("temperature")).isFalse();
    }

    @Test
    void noneFamilyNeverSendsThinking() throws Exception {
        JsonNode off = sentThinking(ThinkingSupport.NONE, Thinking.OFF, 4096);
        assertThat(off.has("thinking")).isFalse();
    }

    // ---- refused before any call ----

    UpstreamException refusedCall(ThinkingSupport family, Thinking thinking, ObjectNode body) {
        AnthropicUpstream u = upstream(family);
        UpstreamException e = catchThrowableOfType(UpstreamException.class, () -> u.complete(call(u.card(), thinking, body)));
        assertThat(e).isNotNull();
        assertThat(e.kind()).isEqualTo(Kind.REFUSED);
        assertThat(server.seen).as("nothing reached the server").isEmpty();
        return e;
    }

    @Test
    void budgetBelow1024IsRefusedBeforeAnyRequest() {
        UpstreamException e = refusedCall(ThinkingSupport.BUDGET, new Thinking.Budget(512), openAiBody(4096));
        assertThat(e.getMessage()).contains("on@512").contains("budget_tokens must be >= 1024");
        UpstreamException streamed = catchThrowableOfType(UpstreamException.class, () -> upstream(ThinkingSupport.BUDGET)
                .stream(call(card(ThinkingSupport.BUDGET, KEY_ENV), new Thinking.Budget(1023), openAiBody(4096)), ev -> { }));
        assertThat(streamed.kind()).isEqualTo(Kind.REFUSED);
        assertThat(server.seen).isEmpty();
    }

    @Test
    void budgetNotBelowMaxTokensIsRefusedBeforeAnyRequest() {
        UpstreamException e = refusedCall(ThinkingSupport.BUDGET, new Thinking.Budget(4096), openAiBody(4096));
        assertThat(e.getMessage()).contains("on@4096").contains("budget_tokens < max_tokens").contains("4096");
    }

    @Test
    void fieldsAnthropicCannotTakeAreRefusedByName() {
        ObjectNode tools = openAiBody(1024);
        tools.putArray("tools").addObject().put("type", "function").putObject("function").put("name", "get_weather");
        assertThat(refusedCall(ThinkingSupport.BUDGET, Thinking.OFF, tools).getMessage()).contains("'tools'");

        ObjectNode n = openAiBody(1024).put("n", 2);
        assertThat(refusedCall(ThinkingSupport.BUDGET, Thinking.OFF, n).getMessage()).contains("'n'");

        ObjectNode logprobs = openAiBody(1024).put("logprobs", true);
        assertThat(refusedCall(ThinkingSupport.BUDGET, Thinking.OFF, logprobs).getMessage()).contains("'logprobs'");

        ObjectNode image = body("""
                {"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://x/y.png"}}]}]}""");
        assertThat(refusedCall(ThinkingSupport.BUDGET, Thinking.OFF, image).getMessage()).contains("messages[0].content[0]").contains("image_url");

        ObjectNode prefill = body("""
                {"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello"}],"max_tokens":4096}""");
        assertThat(refusedCall(ThinkingSupport.BUDGET, Thinking.ON, prefill).getMessage()).contains("thinking").contains("prefilled");

        assertThat(refusedCall(ThinkingSupport.ADAPTIVE, new Thinking.Budget(2048), openAiBody(4096)).getMessage()).contains("effort");
        assertThat(refusedCall(ThinkingSupport.NONE, Thinking.ON, openAiBody(4096)).getMessage()).contains("no thinking mode");
    }

    // ---- errors ----

    @Test
    void providersOwnBudgetErrorSurfacesAsHttp400WithItsMessage() {
        // Simulates a provider whose floor is above ours (the fake answers Anthropic's validation error, in Anthropic's
        // error shape, to a budget below its minimum): the error must come through unchanged.
        server.minBudget = 4096;
        AnthropicUpstream u = upstream(ThinkingSupport.BUDGET);
        UpstreamException e = catchThrowableOfType(UpstreamException.class,
                () -> u.complete(call(u.card(), new Thinking.Budget(2048), openAiBody(8192))));
        assertThat(e.kind()).isEqualTo(Kind.HTTP_ERROR);
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).contains("thinking.enabled.budget_tokens: Input should be greater than or equal to 4096");
        assertThat(server.seen).hasSize(1);
    }

    @Test
    void rateLimitedAndOverloadedAreHttpErrorsWithStatusAndMessage() {
        AnthropicUpstream u = upstream(ThinkingSupport.BUDGET);
        server.answer = (r, ex) -> FakeAnthropic.error(ex, 429, "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit");
        UpstreamException limited = catchThrowableOfType(UpstreamException.class, () -> u.complete(call(u.card(), Thinking.OFF, openAiBody(1024))));
        assertThat(limited.kind()).isEqualTo(Kind.HTTP_ERROR);
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.getMessage()).contains("per-minute rate limit");

        server.answer = (r, ex) -> FakeAnthropic.error(ex, 529, "overloaded_error", "Overloaded");
        UpstreamException overloaded = catchThrowableOfType(UpstreamException.class,
                () -> u.stream(call(u.card(), Thinking.OFF, openAiBody(1024)), ev -> { }));
        assertThat(overloaded.kind()).isEqualTo(Kind.HTTP_ERROR);
        assertThat(overloaded.status()).isEqualTo(529).isGreaterThanOrEqualTo(500); // retryable like any 5xx
        assertThat(overloaded.getMessage()).contains("529").contains("Overloaded");
    }

    @Test
    void wrongKeyIsA401AndTheKeyNeverAppears() {
        AnthropicUpstream u = new AnthropicUpstream(card(ThinkingSupport.BUDGET, KEY_ENV),
                new UpstreamSettings(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10), Map.of(KEY_ENV, "sk-ant-wrong")::get));
        upstreams.add(u);
        UpstreamException e = catchThrowableOfType(UpstreamException.class, () -> u.complete(call(u.card(), Thinking.OFF, openAiBody(1024))));
        assertThat(e.kind()).isEqualTo(Kind.HTTP_ERROR);
        assertThat(e.status()).isEqualTo(401);
        assertThat(e.getMessage()).contains("invalid x-api-key").doesNotContain("sk-ant-wrong");
    }

    @Test
    void missingKeyEnvIsNoKeyAndSendsNothing() {
        AnthropicUpstream u = new AnthropicUpstream(card(ThinkingSupport.BUDGET, "THINKROUTE_TEST_UNSET_ANTHROPIC_KEY"), settings());
        upstreams.add(u);
        UpstreamException e = catchThrowableOfType(UpstreamException.class, () -> u.complete(call(u.card(), Thinking.OFF, openAiBody(1024))));
        assertThat(e.kind()).isEqualTo(Kind.NO_KEY);
        assertThat(e.getMessage()).contains("THINKROUTE_TEST_UNSET_ANTHROPIC_KEY");
        assertThat(server.seen).isEmpty();
    }

    // ---- registration ----

    @Test
    void upstreamsCreateMakesTheAnthropicDialect() throws Exception {
        server.answer = (r, ex) -> FakeAnthropic.json(ex, 200, THINKING_MESSAGE);
        ModelCard card = card(ThinkingSupport.BUDGET, KEY_ENV);
        Upstream u = Upstreams.create(card, settings(), () -> {
            throw new AssertionError("no datasets for a live dialect");
        });
        upstreams.add(u);
        assertThat(u).isInstanceOf(AnthropicUpstream.class);
        assertThat(((AnthropicUpstream) u).endpoint().toString()).isEqualTo(server.baseUrl() + "/messages");
        ChatResult r = u.complete(call(card, Thinking.ON, openAiBody(8192)));
        assertThat(r.content()).contains("12,231");
        assertThat(thinkingOf(server.seen.get(0))).isEqualTo(body("{\"type\":\"enabled\",\"budget_tokens\":4096}"));
    }
}
