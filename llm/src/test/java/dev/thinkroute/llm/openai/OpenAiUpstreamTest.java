package dev.thinkroute.llm.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import dev.thinkroute.llm.UpstreamException;
import dev.thinkroute.llm.UpstreamException.Kind;
import dev.thinkroute.llm.UpstreamSettings;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** {@link OpenAiUpstream} against a fake that answers exactly as vLLM's (and OpenAI's) server does. */
@Timeout(20)
class OpenAiUpstreamTest {

    static final String KEY_ENV = "THINKROUTE_TEST_OPENAI_KEY";
    static final String KEY = "sk-test-4f9a8b7c6d5e4f3a2b1c0d9e";
    static final ObjectMapper JSON = new ObjectMapper();

    MockWebServer server;
    final List<SseBody> bodies = new ArrayList<>();
    final List<OpenAiUpstream> upstreams = new ArrayList<>();
    final CountDownLatch gate = new CountDownLatch(1);

    @BeforeEach
    void start() throws IOException {
        server = new MockWebServer();
        server.start();
    }

    @AfterEach
    void stop() {
        gate.countDown();
        bodies.forEach(SseBody::release);
        upstreams.forEach(OpenAiUpstream::close);
        server.close();
    }

    // ---- fixtures ----

    UpstreamSettings settings(long firstByteMs, long totalMs) {
        return new UpstreamSettings(Duration.ofSeconds(2), Duration.ofMillis(firstByteMs), Duration.ofMillis(totalMs),
                Map.of(KEY_ENV, KEY)::get);
    }

    ModelCard card(ThinkingSupport thinking, String keyEnv, String basePath) {
        return new ModelCard("qwen3-8b", Dialect.OPENAI, URI.create(server.url(basePath).toString()), keyEnv, Vllm.MODEL,
                new Prices(0.05, 0.25), 8.0, 32768, thinking, "Qwen3 8B, hybrid thinking", null);
    }

    OpenAiUpstream upstream(ModelCard card, UpstreamSettings settings) {
        OpenAiUpstream u = new OpenAiUpstream(card, settings);
        upstreams.add(u);
        return u;
    }

    OpenAiUpstream upstream() {
        return upstream(card(ThinkingSupport.QWEN3, KEY_ENV, "/v1"), settings(2000, 5000));
    }

    static ObjectNode request() {
        try {
            return (ObjectNode) JSON.readTree("""
                    {"model":"auto","messages":[{"role":"system","content":"Be brief."},
                     {"role":"user","content":"What is 2+2?"}],
                     "temperature":0.6,"top_p":0.95,"max_tokens":512,"seed":7,
                     "chat_template_kwargs":{"enable_thinking":false,"add_generation_prompt":true},
                     "stream_options":{"continuous_usage_stats":false}}""");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static ChatCall call(Thinking thinking) {
        return new ChatCall(new ModelCard("x", Dialect.OPENAI, null, null, null, Prices.FREE, null, 0,
                ThinkingSupport.QWEN3, null, null), thinking, request());
    }

    SseBody sse() {
        SseBody body = new SseBody();
        bodies.add(body);
        return body;
    }

    RecordedRequest taken() throws InterruptedException {
        RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(r).as("request reached the server").isNotNull();
        return r;
    }

    static JsonNode body(RecordedRequest r) throws IOException {
        return JSON.readTree(r.getBody().utf8());
    }

    String where() {
        return "upstream 'qwen3-8b' (" + server.getHostName() + ":" + server.getPort() + ")";
    }

    static String everything(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    // ---- blocking ----

    @Nested
    class Blocking {

        @Test
        void reasoningContentFromVllmReasoningParser() throws Exception {
            server.enqueue(Vllm.json(200, Vllm.completion(
                    "\"reasoning_content\":\"\\nOkay, the user asks for 2+2. That is 4.\\n\",\"content\":\"\\n\\nThe answer is 4.\",\"tool_calls\":[]",
                    "stop", Vllm.usage(14, 98))));

            ChatResult r = upstream().complete(call(Thinking.ON));

            assertThat(r.content()).isEqualTo("\n\nThe answer is 4.");
            assertThat(r.reasoning()).isEqualTo("\nOkay, the user asks for 2+2. That is 4.\n");
            assertThat(r.toolCalls()).isNull();
            assertThat(r.finishReason()).isEqualTo("stop");
            long reasoningEstimate = TokenEstimator.estimate(r.reasoning());
            assertThat(r.usage()).isEqualTo(new Usage(14, 98, reasoningEstimate, false));
            assertThat(r.latencyMs()).isNotNegative();
            assertThat(r.recordedScore()).isNull();
        }

        @Test
        void reasoningFieldOfNewerVllmAndOpenAiReasoningTokens() throws Exception {
            server.enqueue(Vllm.json(200, Vllm.completion(
                    "\"content\":\"The answer is 4.\",\"reasoning\":\"The user wants 2+2.\",\"reasoning_content\":\"The user wants 2+2.\",\"tool_calls\":[]",
                    "stop", """
                            {"prompt_tokens":20,"completion_tokens":150,"total_tokens":170,
                             "prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},
                             "completion_tokens_details":{"reasoning_tokens":128,"audio_tokens":0,
                             "accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}""")));
            OpenAiUpstream up = upstream(card(ThinkingSupport.EFFORT, KEY_ENV, "/v1"), settings(2000, 5000));

            ChatResult r = up.complete(call(new Thinking.Effort(Thinking.Level.HIGH)));

            assertThat(r.content()).isEqualTo("The answer is 4.");
            assertThat(r.reasoning()).isEqualTo("The user wants 2+2."); // both fields present: not doubled
            assertThat(r.usage()).isEqualTo(new Usage(20, 150, 128, false));
            JsonNode sent = body(taken());
            assertThat(sent.get("reasoning_effort").asText()).isEqualTo("high");
            assertThat(sent.get("chat_template_kwargs")).isEqualTo(JSON.readTree("{\"add_generation_prompt\":true}"));
        }

        @Test
        void inlineThinkBlockWithoutReasoningParser() throws Exception {
            server.enqueue(Vllm.json(200, Vllm.completion(
                    "\"reasoning_content\":null,\"content\":\"<think>\\nOkay, 2+2 is 4.\\n</think>\\n\\nThe answer is 4.\",\"tool_calls\":[]",
                    "stop", Vllm.usage(14, 40))));

            ChatResult r = upstream().complete(call(Thinking.ON));

            assertThat(r.content()).isEqualTo("The answer is 4.");
            assertThat(r.reasoning()).isEqualTo("Okay, 2+2 is 4.");
            assertThat(r.usage().reasoningTokens()).isEqualTo(TokenEstimator.estimate("Okay, 2+2 is 4."));
        }

        @Test
        void qwen3OutputWithOnlyTheClosingTag() throws Exception {
            server.enqueue(Vllm.json(200, Vllm.completion(
                    "\"content\":\"Okay, 2+2 is 4.\\n</think>\\n\\nThe answer is 4.\",\"tool_calls\":[]", "stop", Vllm.usage(14, 40))));

            ChatResult r = upstream().complete(call(Thinking.ON));

            assertThat(r.content()).isEqualTo("The answer is 4.");
            assertThat(r.reasoning()).isEqualTo("Okay, 2+2 is 4.");
        }

        @Test
        void toolCalls() throws Exception {
            server.enqueue(Vllm.json(200, Vllm.completion(
                    "\"content\":null,\"tool_calls\":[{\"id\":\"chatcmpl-tool-9d2f\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\": \\\"Paris\\\"}\"}}]",
                    "tool_calls", Vllm.usage(120, 22))));

            ChatResult r = upstream().complete(call(Thinking.OFF));

            assertThat(r.content()).isNull();
            assertThat(r.reasoning()).isNull();
            assertThat(r.finishReason()).isEqualTo("tool_calls");
            assertThat(r.toolCalls()).hasSize(1);
            assertThat(r.toolCalls().get(0).at("/function/name").asText()).isEqualTo("get_weather");
            assertThat(r.usage()).isEqualTo(new Usage(120, 22, 0, false));
        }

        @Test
        void missingUsageIsEstimated() throws Exception {
            server.enqueue(Vllm.json(200, Vllm.completion(
                    "\"content\":\"<think>\\nadd them\\n</think>\\n\\nFour.\"", "stop", null)));

            ChatResult r = upstream().complete(call(Thinking.ON));

            assertThat(r.usage().estimated()).isTrue();
            assertThat(r.usage().reasoningTokens()).isEqualTo(TokenEstimator.estimate("add them"));
            assertThat(r.usage().outputTokens()).isEqualTo(TokenEstimator.estimate("Four.") + TokenEstimator.estimate("add them"));
            assertThat(r.usage().inputTokens()).isEqualTo(Usages.inputTokens(body(taken())))
                    .isGreaterThan(TokenEstimator.estimate("Be brief.What is 2+2?"));
        }

        @Test
        void requestBodyThatReachesTheServer() throws Exception {
            server.enqueue(Vllm.json(200, Vllm.completion("\"content\":\"4\"", "stop", Vllm.usage(1, 1))));
            ChatCall call = call(Thinking.ON);
            String before = call.body().toString();

            upstream().complete(call);

            RecordedRequest r = taken();
            assertThat(r.getMethod()).isEqualTo("POST");
            assertThat(r.getUrl().encodedPath()).isEqualTo("/v1/chat/completions");
            assertThat(r.getHeaders().get("Authorization")).isEqualTo("Bearer " + KEY);
            assertThat(r.getHeaders().get("Content-Type")).isEqualTo("application/json");
            assertThat(body(r)).isEqualTo(JSON.readTree("""
                    {"model":"Qwen/Qwen3-8B","messages":[{"role":"system","content":"Be brief."},
                     {"role":"user","content":"What is 2+2?"}],
                     "temperature":0.6,"top_p":0.95,"max_tokens":512,"seed":7,
                     "chat_template_kwargs":{"add_generation_prompt":true,"enable_thinking":true},
                     "stream":false}"""));
            assertThat(call.body().toString()).as("the caller's body is not mutated").isEqualTo(before);
        }

        @Test
        void trailingSlashInBaseUrlAndNoKeyNeeded() throws Exception {
            server.enqueue(Vllm.json(200, Vllm.completion("\"content\":\"4\"", "stop", Vllm.usage(1, 1))));

            upstream(card(ThinkingSupport.NONE, null, "/v1/"), settings(2000, 5000)).complete(call(Thinking.OFF));

            RecordedRequest r = taken();
            assertThat(r.getUrl().encodedPath()).isEqualTo("/v1/chat/completions");
            assertThat(r.getHeaders().get("Authorization")).isNull();
            assertThat(body(r).has("chat_template_kwargs")).isTrue(); // only the caller's other kwargs remain
            assertThat(body(r).get("chat_template_kwargs")).isEqualTo(JSON.readTree("{\"add_generation_prompt\":true}"));
        }

        @Test
        void notJsonIsAProtocolError() {
            server.enqueue(Vllm.json(200, "<html>oops</html>"));
            UpstreamException e = catchThrowableOfType(UpstreamException.class, () -> upstream().complete(call(Thinking.ON)));
            assertThat(e.kind()).isEqualTo(Kind.PROTOCOL);
            assertThat(e.getMessage()).startsWith(where()).contains("not JSON");
        }

        @Test
        void noChoicesIsAProtocolError() {
            server.enqueue(Vllm.json(200, "{\"id\":\"x\",\"object\":\"chat.completion\",\"choices\":[]}"));
            UpstreamException e = catchThrowableOfType(UpstreamException.class, () -> upstream().complete(call(Thinking.ON)));
            assertThat(e.kind()).isEqualTo(Kind.PROTOCOL);
            assertThat(e.getMessage()).contains("without choices");
        }
    }

    // ---- streaming ----

    @Nested
    class Streaming {

        @Test
        void reasoningDeltasThenContentThenUsageChunk() throws Exception {
            server.enqueue(sse().data(Vllm.roleChunk())
                    .data(Vllm.reasoningContent("Okay, "))
                    .data(Vllm.reasoningContent("2+2=4."))
                    .data(Vllm.content("\n\n"))
                    .data(Vllm.content("The answer"))
                    .data(Vllm.content(" is 4."))
                    .data(Vllm.finish("stop"))
                    .data(Vllm.usageChunk(14, 30))
                    .done().response());
            List<StreamEvent> events = new ArrayList<>();

            ChatResult r = upstream().stream(call(Thinking.ON), events::add);

            Usage usage = new Usage(14, 30, TokenEstimator.estimate("Okay, 2+2=4."), false);
            assertThat(events).containsExactly(
                    new Delta(null, "Okay, ", null),
                    new Delta(null, "2+2=4.", null),
                    new Delta("\n\nThe answer", null, null),
                    new Delta(" is 4.", null, null),
                    new Finish("stop"),
                    new UsageReport(usage));
            assertThat(r).isEqualTo(new ChatResult("\n\nThe answer is 4.", "Okay, 2+2=4.", null, "stop", usage, r.latencyMs(), null));

            RecordedRequest req = taken();
            assertThat(req.getHeaders().get("Accept")).isEqualTo("text/event-stream");
            JsonNode sent = body(req);
            assertThat(sent.get("stream").asBoolean()).isTrue();
            assertThat(sent.get("model").asText()).isEqualTo(Vllm.MODEL);
            assertThat(sent.get("stream_options")).isEqualTo(JSON.readTree("{\"continuous_usage_stats\":false,\"include_usage\":true}"));
            assertThat(sent.get("chat_template_kwargs")).isEqualTo(JSON.readTree("{\"add_generation_prompt\":true,\"enable_thinking\":true}"));
            assertThat(sent.get("temperature").asDouble()).isEqualTo(0.6);
            assertThat(sent.get("seed").asInt()).isEqualTo(7);
        }

        @Test
        void inlineThinkSplitAcrossChunks() throws Exception {
            server.enqueue(sse().data(Vllm.roleChunk())
                    .data(Vllm.content("<thi")).data(Vllm.content("nk>\nOk")).data(Vllm.content("ay, 2+2"))
                    .data(Vllm.content("=4.\n</th")).data(Vllm.content("ink>\n")).data(Vllm.content("\nThe answer"))
                    .data(Vllm.content(" is 4.")).data(Vllm.finish("stop")).data(Vllm.usageChunk(14, 30)).done().response());
            List<StreamEvent> events = new ArrayList<>();

            ChatResult r = upstream().stream(call(Thinking.ON), events::add);

            assertThat(r.reasoning()).isEqualTo("Okay, 2+2=4.");
            assertThat(r.content()).isEqualTo("The answer is 4.");
            List<Delta> deltas = events.stream().filter(Delta.class::isInstance).map(Delta.class::cast).toList();
            assertThat(deltas).allSatisfy(d -> {
                assertThat(d.content() == null ? "" : d.content()).doesNotContain("<", ">");
                assertThat(d.reasoning() == null ? "" : d.reasoning()).doesNotContain("<", ">");
            });
            assertThat(deltas.stream().filter(d -> d.reasoning() != null).count()).as("reasoning streamed in pieces").isGreaterThan(1);
            assertThat(events.get(events.size() - 2)).isEqualTo(new Finish("stop"));
        }

        @Test
        void withoutUsageChunkUsageIsEstimated() throws Exception {
            server.enqueue(sse().data(Vllm.roleChunk()).data(Vllm.reasoningContent("think"))
                    .data(Vllm.content("Hi there")).data(Vllm.finish("stop")).done().response());
            List<StreamEvent> events = new ArrayList<>();

            ChatResult r = upstream().stream(call(Thinking.ON), events::add);

            Usage expected = new Usage(Usages.inputTokens(body(taken())),
                    TokenEstimator.estimate("Hi there") + TokenEstimator.estimate("think"), TokenEstimator.estimate("think"), true);
            assertThat(r.usage()).isEqualTo(expected);
            assertThat(events.getLast()).isEqualTo(new UsageReport(expected));
        }

        @Test
        void openAiStyleChunksWithReasoningFieldAndToolCalls() throws Exception {
            String head = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"service_tier\":\"default\",\"system_fingerprint\":null,\"choices\":";
            server.enqueue(sse()
                    .data(head + "[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}")
                    .data(head + "[{\"index\":0,\"delta\":{\"reasoning\":\"Need weather.\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}")
                    .data(head + "[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_abc\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}")
                    .data(head + "[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"city\\\":\"}}]},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}")
                    .data(head + "[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"Paris\\\"}\"}}]},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}")
                    .data(head + "[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"tool_calls\"}],\"usage\":null}")
                    .data(head + "[],\"usage\":{\"prompt_tokens\":80,\"completion_tokens\":40,\"total_tokens\":120,\"completion_tokens_details\":{\"reasoning_tokens\":16}}}")
                    .done().response());
            List<StreamEvent> events = new ArrayList<>();

            ChatResult r = upstream(card(ThinkingSupport.EFFORT, KEY_ENV, "/v1"), settings(2000, 5000))
                    .stream(call(new Thinking.Effort(Thinking.Level.LOW)), events::add);

            assertThat(r.reasoning()).isEqualTo("Need weather.");
            assertThat(r.content()).isNull();
            assertThat(r.finishReason()).isEqualTo("tool_calls");
            assertThat(r.toolCalls()).isEqualTo(JSON.readTree(
                    "[{\"id\":\"call_abc\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]"));
            assertThat(r.usage()).isEqualTo(new Usage(80, 40, 16, false));
            List<Delta> toolDeltas = events.stream().filter(e -> e instanceof Delta d && d.toolCalls() != null).map(Delta.class::cast).toList();
            assertThat(toolDeltas).hasSize(3);
            assertThat(toolDeltas.getFirst().toolCalls().get(0).get("index").asInt()).as("delta passed as sent").isZero();
            assertThat(body(taken()).get("reasoning_effort").asText()).isEqualTo("low");
        }

        @Test
        void streamEndingWithoutDoneButWithFinishAndNoTrailingBlankLine() throws Exception {
            server.enqueue(sse().data(Vllm.roleChunk()).data(Vllm.content("Hi")).raw("data: " + Vllm.finish("stop")).response());

            ChatResult r = upstream().stream(call(Thinking.ON), e -> { });

            assertThat(r.content()).isEqualTo("Hi");
            assertThat(r.finishReason()).isEqualTo("stop");
            assertThat(r.usage().estimated()).isTrue();
        }

        @Test
        void streamEndingEarlyIsAProtocolError() {
            server.enqueue(sse().data(Vllm.roleChunk()).data(Vllm.content("Hel")).response());
            List<StreamEvent> events = new ArrayList<>();

            UpstreamException e = catchThrowableOfType(UpstreamException.class, () -> upstream().stream(call(Thinking.ON), events::add));

            assertThat(e.kind()).isEqualTo(Kind.PROTOCOL);
            assertThat(e.getMessage()).isEqualTo(where() + " stream ended early: no finish_reason and no [DONE]");
            assertThat(events).containsExactly(new Delta("Hel", null, null));
        }

        @Test
        void vllmErrorFrameInTheStream() {
            server.enqueue(sse().data(Vllm.roleChunk()).data(Vllm.content("Hel"))
                    .raw("data: {\"error\": {\"message\": \"The decoder prompt (length 40000) is longer than the maximum model length of 32768.\", \"type\": \"BadRequestError\", \"param\": null, \"code\": 400}}\n\n")
                    .done().response());

            UpstreamException e = catchThrowableOfType(UpstreamException.class, () -> upstream().stream(call(Thinking.ON), ev -> { }));

            assertThat(e.kind()).isEqualTo(Kind.HTTP_ERROR);
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.model()).isEqualTo("qwen3-8b");
            assertThat(e.getMessage()).isEqualTo(where()
                    + " failed mid-stream (400): The decoder prompt (length 40000) is longer than the maximum model length of 32768.");
        }

        @Test
        void openAiErrorFrameWithoutNumericCodeIsProtocol() {
            server.enqueue(sse().data(Vllm.roleChunk())
                    .data(Vllm.openAiError("The server had an error while processing your request. Sorry about that!", "server_error", null))
                    .response());

            UpstreamException e = catchThrowableOfType(UpstreamException.class, () -> upstream().stream(call(Thinking.ON), ev -> { }));

            assertThat(e.kind()).isEqualTo(Kind.PROTOCOL);
            assertThat(e.getMessage()).endsWith("failed mid-stream: The server had an error while processing your request. Sorry about that!");
        }

        @Test
        void oldVllmErrorFrame() {
            server.enqueue(sse().data(Vllm.oldError("Engine loop has died", "InternalServerError", 500)).done().response());

            UpstreamException e = catchThrowableOfType(UpstreamException.class, () -> upstream().stream(call(Thinking.ON), ev -> { }));

            assertThat(e.kind()).isEqualTo(Kind.HTTP_ERROR);
            assertThat(e.status()).isEqualTo(500);
            assertThat(e.getMessage()).endsWith("(500): Engine loop has died");
        }

        @Test
        void jsonAnswerToAStreamRequestIsRelayedAsOneDelta() throws Exception {
            server.enqueue(Vllm.json(200, Vllm.completion(
                    "\"reasoning_content\":\"r\",\"content\":\"four\",\"tool_calls\":[]", "stop", Vllm.usage(5, 6))));
            List<StreamEvent> events = new ArrayList<>();

            ChatResult r = upstream().stream(call(Thinking.ON), events::add);

            Usage usage = new Usage(5, 6, TokenEstimator.estimate("r"), false);
            assertThat(events).containsExactly(new Delta("four", "r", null), new Finish("stop"), new UsageReport(usage));
            assertThat(r.content()).isEqualTo("four");
        }

        @Test
        void sinkFailureCancelsTheUpstreamCall() throws Exception {
            SseBody body = sse().data(Vllm.roleChunk()).data(Vllm.content("Hel")).untilClientLeaves();
            server.enqueue(body.response());
            IOException clientLeft = new IOException("client went away");

            Throwable thrown = catchThrowableOfType(IOException.class, () -> upstream(card(ThinkingSupport.QWEN3, KEY_ENV, "/v1"),
                    settings(2000, 15_000)).stream(call(Thinking.ON), e -> {
                if (e instanceof Delta) throw clientLeft;
            }));

            assertThat(thrown).isSameAs(clientLeft);
            assertThat(body.clientGone.await(5, TimeUnit.SECONDS)).as("the server saw the connection close").isTrue();
        }

        @Test
        void stalledStreamEndsWithTotalTimeout() {
            server.enqueue(sse().data(Vllm.roleChunk()).data(Vllm.content("Hel")).stall().response());
            List<StreamEvent> events = new ArrayList<>();
            OpenAiUpstream up = upstream(card(ThinkingSupport.QWEN3, KEY_ENV, "/v1"), settings(2000, 900));

            UpstreamException e = catchThrowableOfType(UpstreamException.class, () -> up.stream(call(Thinking.ON), events::add));

            assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
            assertThat(e.getMessage()).isEqualTo(where() + " did not finish within 900 ms (total timeout)");
            assertThat(events).containsExactly(new Delta("Hel", null, null));
        }

        @Test
        void interruptingTheCallerEndsAStalledStream() throws Exception {
            server.enqueue(sse().data(Vllm.roleChunk()).data(Vllm.content("Hel")).stall().response());
            OpenAiUpstream up = upstream(card(ThinkingSupport.QWEN3, KEY_ENV, "/v1"), settings(2000, 15_000));
            CountDownLatch firstDelta = new CountDownLatch(1);
            Throwable[] thrown = new Throwable[1];
            Thread caller = Thread.ofVirtual().start(() -> {
                try {
                    up.stream(call(Thinking.ON), e -> firstDelta.countDown());
                } catch (Throwable t) {
                    thrown[0] = t;
                }
            });

            assertThat(firstDelta.await(5, TimeUnit.SECONDS)).isTrue();
            caller.interrupt();
            caller.join(5000);

            assertThat(caller.isAlive()).isFalse();
            assertThat(thrown[0]).isInstanceOf(UpstreamException.class).hasMessageEndingWith("call was interrupted");
            assertThat(((UpstreamException) thrown[0]).kind()).isEqualTo(Kind.TIMEOUT);
        }

        @Test
        void multiByteCharacterSplitAcrossHttpChunks() throws Exception {
            byte[] event = ("data: " + Vllm.content("naïve 🤔") + "\n\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            int cut = new String(event, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("\u00f0") + 2; // inside the emoji
            server.enqueue(sse().data(Vllm.roleChunk())
                    .bytes(java.util.Arrays.copyOfRange(event, 0, cut)).bytes(java.util.Arrays.copyOfRange(event, cut, event.length))
                    .data(Vllm.finish("stop")).done().response());

            ChatResult r = upstream().stream(call(Thinking.ON), e -> { });

            assertThat(r.content()).isEqualTo("naïve 🤔");
        }
    }

    // ---- errors, keys, timeouts ----

    @Nested
    class Failures {

        @Test
        void rateLimit429() {
            server.enqueue(Vllm.json(429, Vllm.openAiError(
                    "Rate limit reached for gpt-4o-mini in organization org-abc on requests per min (RPM): Limit 3, Used 3, Requested 1.",
                    "requests", "rate_limit_exceeded")));

            UpstreamException e = catchThrowableOfType(UpstreamException.class, () -> upstream().complete(call(Thinking.ON)));

            assertThat(e.kind()).isEqualTo(Kind.HTTP_ERROR);
            assertThat(e.status()).isEqualTo(429);
            assertThat(e.model()).isEqualTo("qwen3-8b");
            assertThat(e.getMessage()).isEqualTo(where() + " answered 429: Rate limit reached for gpt-4o-mini in organization"
                    + " org-abc on requests per min (RPM): Limit 3, Used 3, Requested 1.");
        }

        @Test
        void vllmServerError500OnAStream() {
            server.enqueue(Vllm.json(500, Vllm.error(
                    "EngineCore encountered an issue. See stack trace (above) for the root cause.", "InternalServerError", 500)));

            UpstreamException e = catchThrowableOfType(UpstreamException.class, () -> upstream().stream(call(Thinking.ON), ev -> { }));

            assertThat(e.kind()).isEqualTo(Kind.HTTP_ERROR);
            assertThat(e.status()).isEqualTo(500);
            assertThat(e.getMessage()).isEqualTo(where() + " answered 500: EngineCore encountered an issue. See stack trace (above) for the root cause.");
        }

        @Test
        void oldVllmErrorShape400() {
            server.enqueue(Vllm.json(400, Vllm.oldError(
                    "This model's maximum context length is 32768 tokens. However, you requested 40000 tokens.", "BadRequestError", 400)));

            UpstreamException e = catchThrowableOfType(UpstreamException.class, () -> upstream().complete(call(Thinking.ON)));

            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).endsWith("answered 400: This model's maximum context length is 32768 tokens. However, you requested 40000 tokens.");
        }

        @Test
        void nonJsonErrorBodyGivesItsStart() {
            server.enqueue(new MockResponse.Builder().code(502).addHeader("content-type", "text/html")
                    .body("<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n" + "x".repeat(400) + "</body>\r\n</html>\r\n").build());

            UpstreamException e = catchThrowableOfType(UpstreamException.class, () -> upstream().complete(call(Thinking.ON)));

            assertThat(e.status()).isEqualTo(502);
            assertThat(e.getMessage()).startsWith(where() + " answered 502: <html> <head><title>502 Bad Gateway</title></head> <body> xxx");
            assertThat(e.getMessage().length()).isLessThan(where().length() + 320);
        }

        @Test
        void keyIsSentAsBearerAndRedactedWhenEchoed() throws Exception {
            server.enqueue(Vllm.json(401, Vllm.openAiError("Incorrect API key provided: " + KEY
                    + ". You can find your API key at https://platform.openai.com/account/api-keys.", "invalid_request_error", "invalid_api_key")));
            server.enqueue(new MockResponse.Builder().code(403).body("forbidden: token " + KEY + " revoked").build());
            server.enqueue(sse().data(Vllm.roleChunk())
                    .data(Vllm.error("bad auth " + KEY, "AuthenticationError", 401)).done().response());
            OpenAiUpstream up = upstream();

            UpstreamException json = catchThrowableOfType(UpstreamException.class, () -> up.complete(call(Thinking.ON)));
            UpstreamException text = catchThrowableOfType(UpstreamException.class, () -> up.complete(call(Thinking.ON)));
            UpstreamException frame = catchThrowableOfType(UpstreamException.class, () -> up.stream(call(Thinking.ON), e -> { }));

            assertThat(taken().getHeaders().get("Authorization")).isEqualTo("Bearer " + KEY);
            assertThat(json.getMessage()).isEqualTo(where() + " answered 401: Incorrect API key provided: ***."
                    + " You can find your API key at https://platform.openai.com/account/api-keys.");
            assertThat(text.getMessage()).isEqualTo(where() + " answered 403: forbidden: token *** revoked");
            assertThat(frame.getMessage()).endsWith("failed mid-stream (401): bad auth ***");
            for (UpstreamException e : List.of(json, text, frame)) {
                assertThat(everything(e)).doesNotContain(KEY);
            }
        }

        @Test
        void missingKeyEnvironmentVariable() {
            OpenAiUpstream up = upstream(card(ThinkingSupport.QWEN3, "THINKROUTE_UNSET_KEY", "/v1"), settings(2000, 5000));

            UpstreamException e = catchThrowableOfType(UpstreamException.class, () -> up.complete(call(Thinking.ON)));
            UpstreamException s = catchThrowableOfType(UpstreamException.class, () -> up.stream(call(Thinking.ON), ev -> { }));

            assertThat(e.kind()).isEqualTo(Kind.NO_KEY);
            assertThat(s.kind()).isEqualTo(Kind.NO_KEY);
            assertThat(e.getMessage()).contains("THINKROUTE_UNSET_KEY").contains("qwen3-8b");
            assertThat(server.getRequestCount()).isZero();
        }

        @Test
        void blankKeyIsMissing() {
            UpstreamSettings blank = new UpstreamSettings(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(5),
                    Map.of(KEY_ENV, "  ")::get);
            UpstreamException e = catchThrowableOfType(UpstreamException.class,
                    () -> upstream(card(ThinkingSupport.QWEN3, KEY_ENV, "/v1"), blank).complete(call(Thinking.ON)));
            assertThat(e.kind()).isEqualTo(Kind.NO_KEY);
        }

        @Test
        void firstByteTimeoutWhileServerHoldsTheHeaders() {
            server.setDispatcher(new Dispatcher() {
                @Override
                public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
                    gate.await(10, TimeUnit.SECONDS);
                    return Vllm.json(200, Vllm.completion("\"content\":\"late\"", "stop", Vllm.usage(1, 1)));
                }
            });
            OpenAiUpstream up = upstream(card(ThinkingSupport.QWEN3, KEY_ENV, "/v1"), settings(300, 5000));

            UpstreamException e = catchThrowableOfType(UpstreamException.class, () -> up.complete(call(Thinking.ON)));
            UpstreamException s = catchThrowableOfType(UpstreamException.class, () -> up.stream(call(Thinking.ON), ev -> { }));

            assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
            assertThat(e.getMessage()).isEqualTo(where() + " sent no response within 300 ms (first-byte timeout)");
            assertThat(s.kind()).isEqualTo(Kind.TIMEOUT);
        }

        @Test
        void connectionRefusedIsUnreachable() throws IOException {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            ModelCard card = new ModelCard("qwen3-8b", Dialect.OPENAI, URI.create("http://127.0.0.1:" + port + "/v1"), null,
                    Vllm.MODEL, Prices.FREE, null, 0, ThinkingSupport.QWEN3, null, null);
            OpenAiUpstream up = upstream(card, settings(2000, 5000));

            UpstreamException e = catchThrowableOfType(UpstreamException.class, () -> up.complete(call(Thinking.ON)));

            assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE);
            assertThat(e.getMessage()).startsWith("upstream 'qwen3-8b' (127.0.0.1:" + port + ") is unreachable");
        }

        @Test
        void refusedThinkingIsRefusedBeforeAnyCall() {
            UpstreamException e = catchThrowableOfType(UpstreamException.class,
                    () -> upstream().complete(call(new Thinking.Effort(Thinking.Level.LOW))));
            assertThat(e.kind()).isEqualTo(Kind.REFUSED);
            assertThat(e.getMessage()).contains("no effort levels");
            assertThat(server.getRequestCount()).isZero();
        }

        @Test
        void cardWithoutBaseUrlIsRejected() {
            ModelCard card = new ModelCard("r", Dialect.OPENAI, null, null, null, Prices.FREE, null, 0, ThinkingSupport.NONE, null, null);
            assertThatThrownBy(() -> new OpenAiUpstream(card, UpstreamSettings.DEFAULTS))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("base_url");
        }
    }
}
