package dev.thinkroute.llm.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thinkroute.core.BudgetMethod;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.thinkroute.llm.openai.FakeQwen3Vllm.ANSWER;
import static dev.thinkroute.llm.openai.FakeQwen3Vllm.ANSWER_TEXT;
import static dev.thinkroute.llm.openai.FakeQwen3Vllm.REASONING;
import static dev.thinkroute.llm.openai.FakeQwen3Vllm.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Thinking controls, budgets and empty-answer recovery of {@link OpenAiUpstream}, end to end against
 * {@link FakeQwen3Vllm} on loopback.
 */
@Timeout(20)
class OpenAiBudgetTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String HAND_OVER = OpenAiUpstream.HAND_OVER;

    MockWebServer server;
    FakeQwen3Vllm fake;
    final List<OpenAiUpstream> upstreams = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = new MockWebServer();
        fake = new FakeQwen3Vllm("reasoning");
        server.setDispatcher(fake);
        server.start();
    }

    @AfterEach
    void stop() {
        upstreams.forEach(OpenAiUpstream::close);
        server.close();
    }

    OpenAiUpstream upstream(ThinkingSupport support, BudgetMethod method) {
        ModelCard card = new ModelCard("qwen3-8b", Dialect.OPENAI, URI.create(server.url("/v1").toString()), null,
                Vllm.MODEL, new Prices(0.05, 0.25), 8.0, 32768, support, "", null, method);
        OpenAiUpstream u = new OpenAiUpstream(card, new UpstreamSettings(Duration.ofSeconds(2), Duration.ofSeconds(5),
                Duration.ofSeconds(10), Map.<String, String>of()::get));
        upstreams.add(u);
        return u;
    }

    OpenAiUpstream qwen3() {
        return upstream(ThinkingSupport.QWEN3, BudgetMethod.TWO_CALL);
    }

    static ObjectNode body(String extra) {
        try {
            return (ObjectNode) JSON.readTree("""
                    {"model":"auto","messages":[{"role":"system","content":"Be brief."},
                     {"role":"user","content":"What is 2+2?"}]%s}""".formatted(extra.isEmpty() ? "" : "," + extra));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static ChatCall call(Thinking thinking, String extra) {
        return new ChatCall(new ModelCard("x", Dialect.OPENAI, null, null, null, Prices.FREE, null, 0,
                ThinkingSupport.QWEN3, null, null), thinking, body(extra));
    }

    /** What reasoning the fake sends for a thinking cut after {@code n} tokens. */
    static String thought(int n) {
        return join(REASONING, 0, n);
    }

    static String stream(List<StreamEvent> events, boolean reasoning) {
        StringBuilder out = new StringBuilder();
        for (StreamEvent e : events) {
            if (e instanceof Delta d) {
                String t = reasoning ? d.reasoning() : d.content();
                if (t != null) out.append(t);
            }
        }
        return out.toString();
    }

    static void assertOneFinishThenUsage(List<StreamEvent> events, String finish, Usage usage) {
        assertThat(events.stream().filter(Finish.class::isInstance).toList()).containsExactly(new Finish(finish));
        assertThat(events.stream().filter(UsageReport.class::isInstance).toList()).containsExactly(new UsageReport(usage));
        assertThat(events.get(events.size() - 2)).isEqualTo(new Finish(finish));
        assertThat(events.getLast()).isEqualTo(new UsageReport(usage));
    }

    // ---- the two-call budget ----

    @Nested
    class TwoCallBudget {

        @Test
        void thinkingCutAtTheBudgetIsClosedAndTheAnswerAskedFor() throws Exception {
            ChatResult r = qwen3().complete(call(new Thinking.Budget(10), "\"max_tokens\":100"));

            List<JsonNode> sent = fake.received();
            assertThat(sent).hasSize(2);
            JsonNode first = sent.get(0);
            assertThat(first.get("max_tokens").asInt()).isEqualTo(10);
            assertThat(first.at("/chat_template_kwargs/enable_thinking").asBoolean()).isTrue();
            assertThat(first.has("continue_final_message")).isFalse();
            assertThat(first.has("thinking_token_budget")).isFalse();
            assertThat(first.get("stop")).as("the caller set a cap: thinking only").isEqualTo(JSON.readTree("[\"</think>\"]"));

            JsonNode second = sent.get(1);
            assertThat(second.has("stop")).isFalse();
            assertThat(second.get("max_tokens").asInt()).as("the caller's max_tokens, for the answer").isEqualTo(100);
            assertThat(second.get("continue_final_message").asBoolean()).isTrue();
            assertThat(second.get("add_generation_prompt").asBoolean()).isFalse();
            assertThat(second.at("/chat_template_kwargs/enable_thinking").asBoolean()).isFalse();
            JsonNode messages = second.get("messages");
            assertThat(messages).hasSize(3);
            assertThat(messages.get(1)).isEqualTo(first.get("messages").get(1));
            assertThat(messages.get(2)).isEqualTo(JSON.readTree("{\"role\":\"assistant\",\"content\":"
                    + Vllm.quote("<think>\n" + thought(10).strip() + "\n\n" + HAND_OVER + "\n</think>\n\n") + "}"));

            assertThat(r.reasoning()).isEqualTo(thought(10));
            assertThat(r.content()).isEqualTo(ANSWER_TEXT);
            assertThat(r.finishReason()).isEqualTo("stop");
            assertThat(r.note()).isEqualTo("thinking budget 10 held in two calls: thinking stopped at 10 tokens and was closed");
            int prompt1 = 4 + 2 + 4 + 3 + 3;
            int prompt2 = prompt1 + 4 + ("<think>\n" + thought(10).strip() + "\n\n" + HAND_OVER + "\n</think>").split("\\s+").length;
            assertThat(r.usage().inputTokens()).isEqualTo(prompt1 + prompt2);
            assertThat(r.usage().outputTokens()).isEqualTo(10 + ANSWER.size());
            assertThat(r.usage().reasoningTokens()).isEqualTo(Math.min(10, TokenEstimator.estimate(thought(10))));
            assertThat(r.usage().estimated()).isFalse();
        }

        @Test
        void streamedAsOneStream() throws Exception {
            List<StreamEvent> events = new ArrayList<>();

            ChatResult r = qwen3().stream(call(new Thinking.Budget(10), "\"max_tokens\":100"), events::add);

            assertThat(fake.received()).hasSize(2);
            assertThat(fake.received().get(1).get("stream").asBoolean()).isTrue();
            assertThat(fake.received().get(1).at("/stream_options/include_usage").asBoolean()).isTrue();
            assertThat(stream(events, true)).isEqualTo(thought(10)).isEqualTo(r.reasoning());
            assertThat(stream(events, false)).isEqualTo(ANSWER_TEXT).isEqualTo(r.content());
            int lastReasoning = -1;
            int firstContent = Integer.MAX_VALUE;
            for (int i = 0; i < events.size(); i++) {
                if (events.get(i) instanceof Delta d && d.reasoning() != null) lastReasoning = i;
                if (events.get(i) instanceof Delta d && d.content() != null) firstContent = Math.min(firstContent, i);
            }
            assertThat(lastReasoning).isLessThan(firstContent);
            assertOneFinishThenUsage(events, "stop", r.usage());
            assertThat(r.usage().outputTokens()).isEqualTo(10 + ANSWER.size());
            assertThat(r.note()).startsWith("thinking budget 10 held in two calls");
        }

        @Test
        void withoutACallerCapThinkingThatEndsWithinTheBudgetTakesOneCall() throws Exception {
            int budget = REASONING.size() + 1 + ANSWER.size() + 5;

            ChatResult r = qwen3().complete(call(new Thinking.Budget(budget), ""));
            List<StreamEvent> events = new ArrayList<>();
            ChatResult s = qwen3().stream(call(new Thinking.Budget(budget), ""), events::add);

            assertThat(fake.received()).hasSize(2); // one each
            assertThat(fake.received()).allSatisfy(b -> {
                assertThat(b.get("max_tokens").asInt()).isEqualTo(budget);
                assertThat(b.has("stop")).as("no caller cap to keep: the answer may follow in the same call").isFalse();
            });
            for (ChatResult x : List.of(r, s)) {
                assertThat(x.reasoning()).isEqualTo(thought(REASONING.size()));
                assertThat(x.content()).isEqualTo(ANSWER_TEXT);
                assertThat(x.note()).isNull();
                assertThat(x.usage().outputTokens()).isEqualTo(REASONING.size() + 1 + ANSWER.size());
            }
            assertOneFinishThenUsage(events, "stop", s.usage());
        }

        /**
         * Review finding: the first call used to be sent with max_tokens = the budget in place of the caller's cap, so
         * thinking that ended early left the answer up to N minus the thinking, far past the caller's max_tokens.
         */
        @Test
        void theCallersMaxTokensStillCapsTheAnswerWhenThinkingEndsWithinTheBudget() throws Exception {
            int budget = REASONING.size() + 1 + ANSWER.size() + 50; // roomy budget: thinking and the whole answer fit

            ChatResult r = qwen3().complete(call(new Thinking.Budget(budget), "\"max_tokens\":2"));

            List<JsonNode> sent = fake.received();
            assertThat(sent).hasSize(2);
            JsonNode first = sent.get(0);
            assertThat(first.get("max_tokens").asInt()).isEqualTo(budget);
            assertThat(first.get("stop")).isEqualTo(JSON.readTree("[\"</think>\"]"));
            JsonNode second = sent.get(1);
            assertThat(second.get("max_tokens").asInt()).as("the caller's cap, for the answer").isEqualTo(2);
            assertThat(second.get("continue_final_message").asBoolean()).isTrue();
            assertThat(second.at("/chat_template_kwargs/enable_thinking").asBoolean()).isFalse();
            assertThat(second.at("/messages/2/content").asText()).as("thinking ended on its own: no hand-over")
                    .isEqualTo("<think>\n" + thought(REASONING.size()).strip() + "\n</think>\n\n");

            assertThat(FakeQwen3Vllm.tokens(r.content()).size()).as("answer tokens vs the caller's max_tokens 2").isLessThanOrEqualTo(2);
            assertThat(r.content()).isEqualTo(join(ANSWER, 0, 2));
            assertThat(r.reasoning()).isEqualTo(thought(REASONING.size()));
            assertThat(r.finishReason()).isEqualTo("length");
            assertThat(r.note()).isEqualTo("thinking budget " + budget + " held in two calls: thinking ended within "
                    + budget + " tokens and the answer was asked for with max_tokens 2");
            assertThat(r.usage().outputTokens()).as("thinking, </think> (the stop string's token), two answer tokens")
                    .isEqualTo(REASONING.size() + 1 + 2);
        }

        @Test
        void withACallerCapThinkingThatEndsWithinTheBudgetStreamsAsOneStream() throws Exception {
            int budget = REASONING.size() + 1 + ANSWER.size() + 5;
            List<StreamEvent> events = new ArrayList<>();

            ChatResult r = qwen3().stream(call(new Thinking.Budget(budget), "\"max_tokens\":100"), events::add);

            assertThat(fake.received()).hasSize(2);
            assertThat(fake.received().get(0).get("stop")).isEqualTo(JSON.readTree("[\"</think>\"]"));
            assertThat(fake.received().get(1).get("max_tokens").asInt()).isEqualTo(100);
            assertThat(stream(events, true)).isEqualTo(thought(REASONING.size())).isEqualTo(r.reasoning());
            assertThat(stream(events, false)).isEqualTo(ANSWER_TEXT).isEqualTo(r.content());
            assertOneFinishThenUsage(events, "stop", r.usage());
            assertThat(r.usage().outputTokens()).isEqualTo(REASONING.size() + 1 + ANSWER.size());
            assertThat(r.note()).contains("thinking ended within " + budget + " tokens");
        }

        @Test
        void theCallersStopIsForTheAnswerCallOnly() throws Exception {
            ChatResult r = qwen3().complete(call(new Thinking.Budget(200),
                    "\"max_tokens\":100,\"stop\":[\"4\"],\"include_stop_str_in_output\":true"));

            JsonNode first = fake.received().get(0);
            assertThat(first.get("stop")).isEqualTo(JSON.readTree("[\"</think>\"]"));
            assertThat(first.has("include_stop_str_in_output")).isFalse();
            JsonNode second = fake.received().get(1);
            assertThat(second.get("stop")).isEqualTo(JSON.readTree("[\"4\"]"));
            assertThat(second.get("include_stop_str_in_output").asBoolean()).isTrue();
            assertThat(r.reasoning()).isEqualTo(thought(REASONING.size()));
            assertThat(r.content()).isEqualTo("The answer is 4");
            assertThat(r.finishReason()).isEqualTo("stop");
        }

        @Test
        void anAnswerCutByTheBudgetIsContinued() throws Exception {
            int budget = REASONING.size() + 1 + 1; // thinking, </think>, one answer token

            ChatResult r = qwen3().complete(call(new Thinking.Budget(budget), ""));

            assertThat(fake.received()).hasSize(2);
            assertThat(fake.received().get(0).has("stop")).isFalse();
            String prefix = fake.received().get(1).at("/messages/2/content").asText();
            assertThat(prefix).isEqualTo("<think>\n" + thought(REASONING.size()).strip() + "\n</think>\n\n" + ANSWER.getFirst());
            assertThat(fake.received().get(1).has("max_tokens")).isFalse();
            assertThat(r.content()).isEqualTo(ANSWER_TEXT);
            assertThat(r.reasoning()).isEqualTo(thought(REASONING.size()));
            assertThat(r.note()).contains("thinking ended within " + budget + " tokens");
        }

        @Test
        void onAServerThatIgnoresStopAPartialAnswerIsContinuedWithWhatIsLeftOfTheCap() throws Exception {
            fake.ignoringStop();
            int budget = REASONING.size() + 1 + 1; // thinking, </think>, one answer token
            long said = TokenEstimator.estimate(ANSWER.getFirst());

            ChatResult r = qwen3().complete(call(new Thinking.Budget(budget), "\"max_tokens\":100"));

            assertThat(fake.received()).hasSize(2);
            assertThat(fake.received().get(1).get("max_tokens").asLong()).isEqualTo(100 - said);
            assertThat(r.content()).isEqualTo(ANSWER_TEXT);
            assertThat(r.note()).contains("the answer, cut there, was continued");
        }

        @Test
        void onAServerThatIgnoresStopAPartialAnswerAtTheCapIsNotContinued() throws Exception {
            fake.ignoringStop();
            int budget = REASONING.size() + 1 + 2; // thinking, </think>, two answer tokens

            ChatResult r = qwen3().complete(call(new Thinking.Budget(budget), "\"max_tokens\":1"));

            assertThat(fake.received()).hasSize(1);
            assertThat(r.content()).isEqualTo(join(ANSWER, 0, 2));
            assertThat(r.finishReason()).isEqualTo("length");
            assertThat(r.note()).endsWith("; the answer already had max_tokens 1 and was not continued");
        }

        @Test
        void callerMaxCompletionTokensIsTheAnswerCap() throws Exception {
            qwen3().complete(call(new Thinking.Budget(10), "\"max_completion_tokens\":64,\"max_tokens\":5"));

            assertThat(fake.received().get(0).get("max_tokens").asInt()).isEqualTo(10);
            assertThat(fake.received().get(0).has("max_completion_tokens")).isFalse();
            assertThat(fake.received().get(0).get("stop")).isEqualTo(JSON.readTree("[\"</think>\"]"));
            assertThat(fake.received().get(1).get("max_tokens").asInt()).isEqualTo(64);
            assertThat(fake.received().get(1).has("max_completion_tokens")).isFalse();
        }

        @Test
        void leftoverTemplateFlagsOfTheCallerCannotUndoTheContinuation() throws Exception {
            ChatResult r = qwen3().complete(call(new Thinking.Budget(10),
                    "\"chat_template_kwargs\":{\"add_generation_prompt\":true,\"continue_final_message\":false,\"x\":1}"));

            JsonNode second = fake.received().get(1);
            assertThat(second.get("chat_template_kwargs")).isEqualTo(JSON.readTree("{\"x\":1,\"enable_thinking\":false}"));
            assertThat(second.has("max_tokens")).as("no caller cap: the server's default").isFalse();
            assertThat(r.content()).isEqualTo(ANSWER_TEXT);
        }

        @Test
        void olderVllmReasoningContentField() throws Exception {
            fake = new FakeQwen3Vllm("reasoning_content");
            server.setDispatcher(fake);

            ChatResult r = upstream(ThinkingSupport.DEEPSEEK, BudgetMethod.TWO_CALL)
                    .complete(call(new Thinking.Budget(8), "\"max_tokens\":50"));

            assertThat(fake.received().get(0).at("/chat_template_kwargs/thinking").asBoolean()).isTrue();
            assertThat(fake.received().get(1).at("/chat_template_kwargs/thinking").asBoolean()).isFalse();
            assertThat(r.reasoning()).isEqualTo(thought(8));
        }
    }

    // ---- the server's own cap ----

    @Test
    void serverMethodSendsThinkingTokenBudget() throws Exception {
        OpenAiUpstream up = upstream(ThinkingSupport.QWEN3, BudgetMethod.SERVER);

        ChatResult r = up.complete(call(new Thinking.Budget(12), "\"max_tokens\":50"));
        List<StreamEvent> events = new ArrayList<>();
        ChatResult s = up.stream(call(new Thinking.Budget(12), "\"max_tokens\":50"), events::add);

        assertThat(fake.received()).hasSize(2);
        for (JsonNode sent : fake.received()) {
            assertThat(sent.get("thinking_token_budget").asInt()).isEqualTo(12);
            assertThat(sent.get("max_tokens").asInt()).as("the answer keeps the caller's 50").isEqualTo(62);
            assertThat(sent.at("/chat_template_kwargs/enable_thinking").asBoolean()).isTrue();
            assertThat(sent.has("continue_final_message")).isFalse();
        }
        for (ChatResult x : List.of(r, s)) {
            assertThat(x.reasoning()).isEqualTo(thought(12));
            assertThat(x.content()).isEqualTo(ANSWER_TEXT);
            assertThat(x.note()).isNull();
            assertThat(x.usage().outputTokens()).isEqualTo(12 + 1 + ANSWER.size());
        }
        assertOneFinishThenUsage(events, "stop", s.usage());
    }

    // ---- empty answers ----

    @Nested
    class EmptyAnswer {

        @ParameterizedTest
        @ValueSource(booleans = {false, true})
        void qwen3ThinkingThatRanOutIsClosedAndAnswered(boolean streaming) throws Exception {
            List<StreamEvent> events = new ArrayList<>();
            ChatCall c = call(Thinking.ON, "\"max_tokens\":20");

            ChatResult r = streaming ? qwen3().stream(c, events::add) : qwen3().complete(c);

            assertThat(fake.received()).hasSize(2);
            assertThat(fake.received().get(0).get("max_tokens").asInt()).isEqualTo(20);
            JsonNode second = fake.received().get(1);
            assertThat(second.get("continue_final_message").asBoolean()).isTrue();
            assertThat(second.get("max_tokens").asInt()).isEqualTo(20);
            assertThat(second.at("/messages/2/content").asText()).endsWith(HAND_OVER + "\n</think>\n\n");
            assertThat(r.reasoning()).isEqualTo(thought(20));
            assertThat(r.content()).isEqualTo(ANSWER_TEXT);
            assertThat(r.finishReason()).isEqualTo("stop");
            assertThat(r.note()).isEqualTo("answer was empty: thinking used all of max_tokens (20); thinking was closed"
                    + " and the answer asked for in a second call");
            assertThat(r.usage().outputTokens()).isEqualTo(20 + ANSWER.size());
            if (streaming) {
                assertThat(stream(events, false)).isEqualTo(ANSWER_TEXT);
                assertOneFinishThenUsage(events, "stop", r.usage());
            }
        }

        @ParameterizedTest
        @ValueSource(booleans = {false, true})
        void effortFamilyRetriesOnceAtLow(boolean streaming) throws Exception {
            OpenAiUpstream up = upstream(ThinkingSupport.EFFORT, BudgetMethod.TWO_CALL);
            List<StreamEvent> events = new ArrayList<>();
            ChatCall c = call(new Thinking.Effort(Thinking.Level.HIGH), "\"max_tokens\":30");

            ChatResult r = streaming ? up.stream(c, events::add) : up.complete(c);

            assertThat(fake.received()).extracting(b -> b.get("reasoning_effort").asText()).containsExactly("high", "low");
            assertThat(fake.received().get(1).has("continue_final_message")).isFalse();
            assertThat(r.content()).isEqualTo(ANSWER_TEXT);
            assertThat(r.reasoning()).isEqualTo(thought(30) + "\n\n" + thought(FakeQwen3Vllm.LOW_EFFORT_TOKENS));
            assertThat(r.note()).isEqualTo("answer was empty: thinking used all of max_tokens (30); retried once with thinking 'low'");
            assertThat(r.usage().outputTokens()).isEqualTo(30 + FakeQwen3Vllm.LOW_EFFORT_TOKENS + 1 + ANSWER.size());
            if (streaming) {
                assertThat(stream(events, true)).isEqualTo(r.reasoning());
                assertOneFinishThenUsage(events, "stop", r.usage());
            }
        }

        /**
         * OpenAI's own reasoning models send no reasoning text, only {@code completion_tokens_details.reasoning_tokens}:
         * an answer left empty by them is recovered all the same.
         */
        @ParameterizedTest
        @ValueSource(booleans = {false, true})
        void effortModelWithOnlyReasoningTokensRetriesOnceAtLow(boolean streaming) throws Exception {
            List<JsonNode> received = new ArrayList<>();
            server.setDispatcher(new Dispatcher() {
                @Override
                public MockResponse dispatch(RecordedRequest request) {
                    JsonNode body;
                    try {
                        body = JSON.readTree(request.getBody().utf8());
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                    synchronized (received) {
                        received.add(body);
                    }
                    boolean first = "high".equals(body.path("reasoning_effort").asText());
                    String content = first ? "" : ANSWER_TEXT;
                    String finish = first ? "length" : "stop";
                    String usage = first ? openAiUsage(12, 30, 30) : openAiUsage(12, 9, 5);
                    if (!body.path("stream").asBoolean()) {
                        return Vllm.json(200, Vllm.completion("\"content\":" + Vllm.quote(content), finish, usage));
                    }
                    SseBody sse = new SseBody().data(Vllm.roleChunk());
                    if (!content.isEmpty()) sse.data(Vllm.content(content));
                    sse.data(Vllm.finish(finish));
                    sse.data("{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"o4-mini\","
                            + "\"choices\":[],\"usage\":" + usage + "}");
                    return sse.done().response();
                }
            });
            OpenAiUpstream up = upstream(ThinkingSupport.EFFORT, BudgetMethod.TWO_CALL);
            List<StreamEvent> events = new ArrayList<>();
            ChatCall c = call(new Thinking.Effort(Thinking.Level.HIGH), "\"max_completion_tokens\":30");

            ChatResult r = streaming ? up.stream(c, events::add) : up.complete(c);

            assertThat(received).extracting(b -> b.get("reasoning_effort").asText()).containsExactly("high", "low");
            assertThat(r.content()).isEqualTo(ANSWER_TEXT);
            assertThat(r.reasoning()).isNull();
            assertThat(r.finishReason()).isEqualTo("stop");
            assertThat(r.note()).isEqualTo("answer was empty: thinking used all of max_tokens (30); retried once with thinking 'low'");
            assertThat(r.usage()).isEqualTo(new Usage(24, 39, 35, false));
            if (streaming) {
                assertThat(stream(events, false)).isEqualTo(ANSWER_TEXT);
                assertOneFinishThenUsage(events, "stop", r.usage());
            }
        }

        static String openAiUsage(int prompt, int completion, int reasoning) {
            return ("{\"prompt_tokens\":%d,\"completion_tokens\":%d,\"total_tokens\":%d,"
                    + "\"completion_tokens_details\":{\"reasoning_tokens\":%d}}").formatted(prompt, completion, prompt + completion, reasoning);
        }

        @Test
        void softSwitchFamilyRetriesWithThinkingOff() throws Exception {
            OpenAiUpstream up = upstream(ThinkingSupport.QWEN3_SOFT, BudgetMethod.TWO_CALL);

            ChatResult r = up.complete(call(Thinking.ON, "\"max_tokens\":15"));

            assertThat(fake.received()).extracting(b -> b.at("/messages/1/content").asText())
                    .containsExactly("What is 2+2? /think", "What is 2+2? /no_think");
            assertThat(fake.received().get(1).get("temperature").asDouble()).as("non-thinking sampling").isEqualTo(0.7);
            assertThat(r.content()).isEqualTo(ANSWER_TEXT);
            assertThat(r.note()).endsWith("retried once with thinking 'off'");
        }

        @Test
        void neverMoreThanOneRecovery() throws Exception {
            ChatResult r = qwen3().complete(call(Thinking.ON, "\"max_tokens\":2"));

            assertThat(fake.received()).hasSize(2);
            assertThat(r.finishReason()).isEqualTo("length");
            assertThat(r.content()).isEqualTo(join(ANSWER, 0, 2));
            assertThat(r.note()).startsWith("answer was empty");
        }

        @Test
        void alreadyAtTheLowestSettingItIsOnlyReported() throws Exception {
            OpenAiUpstream up = upstream(ThinkingSupport.EFFORT, BudgetMethod.TWO_CALL);

            ChatResult r = up.complete(call(new Thinking.Effort(Thinking.Level.LOW), "\"max_tokens\":3"));

            assertThat(fake.received()).hasSize(1);
            assertThat(r.content()).isNull();
            assertThat(r.note()).isEqualTo("answer was empty: thinking used all of max_tokens (3); no lower thinking setting to retry with");
        }

        @Test
        void aNonThinkingCallIsLeftAlone() throws Exception {
            ChatResult r = qwen3().complete(call(Thinking.OFF, "\"max_tokens\":2"));

            assertThat(fake.received()).hasSize(1);
            assertThat(r.finishReason()).isEqualTo("length");
            assertThat(r.note()).isNull();
        }
    }

    // ---- request mapping per family, as the server receives it ----

    @Nested
    class Mapping {

        JsonNode sent(ThinkingSupport support, Thinking thinking, String extra, boolean streaming) throws Exception {
            OpenAiUpstream up = upstream(support, BudgetMethod.TWO_CALL);
            if (streaming) up.stream(call(thinking, extra), e -> { });
            else up.complete(call(thinking, extra));
            return fake.received().getLast();
        }

        @ParameterizedTest
        @ValueSource(booleans = {false, true})
        void everyFamily(boolean streaming) throws Exception {
            JsonNode q = sent(ThinkingSupport.QWEN3, Thinking.OFF, "", streaming);
            assertThat(q.get("chat_template_kwargs")).isEqualTo(JSON.readTree("{\"enable_thinking\":false}"));
            assertThat(q.get("model").asText()).isEqualTo(Vllm.MODEL);

            JsonNode soft = sent(ThinkingSupport.QWEN3_SOFT, Thinking.OFF, "", streaming);
            assertThat(soft.at("/messages/1/content").asText()).isEqualTo("What is 2+2? /no_think");
            assertThat(soft.has("chat_template_kwargs")).isFalse();

            JsonNode ds = sent(ThinkingSupport.DEEPSEEK, Thinking.ON, "", streaming);
            assertThat(ds.get("chat_template_kwargs")).isEqualTo(JSON.readTree("{\"thinking\":true}"));

            assertThat(sent(ThinkingSupport.DEEPSEEK_API, Thinking.ON, "", streaming).get("model").asText()).isEqualTo("deepseek-reasoner");
            assertThat(sent(ThinkingSupport.DEEPSEEK_API, Thinking.OFF, "", streaming).get("model").asText()).isEqualTo("deepseek-chat");

            JsonNode effort = sent(ThinkingSupport.EFFORT, new Thinking.Effort(Thinking.Level.MEDIUM), "", streaming);
            assertThat(effort.get("reasoning_effort").asText()).isEqualTo("medium");
            assertThat(effort.has("temperature")).isFalse();

            JsonNode oss = sent(ThinkingSupport.GPT_OSS, new Thinking.Effort(Thinking.Level.HIGH), "", streaming);
            assertThat(oss.get("reasoning_effort").asText()).isEqualTo("high");
            assertThat(oss.at("/messages/0/content").asText()).isEqualTo("Reasoning: high\nBe brief.");

            JsonNode none = sent(ThinkingSupport.NONE, Thinking.OFF, "", streaming);
            assertThat(none.has("chat_template_kwargs") || none.has("reasoning_effort")).isFalse();
            JsonNode always = sent(ThinkingSupport.ALWAYS, Thinking.ON, "", streaming);
            assertThat(always.has("chat_template_kwargs") || always.has("reasoning_effort")).isFalse();

            for (JsonNode b : fake.received()) {
                assertThat(b.get("stream").asBoolean()).isEqualTo(streaming);
                assertThat(b.has("stream_options")).isEqualTo(streaming);
            }
        }

        @Test
        void qwen3SamplingDefaultsOnlyWhenTheCallerSetNone() throws Exception {
            JsonNode thinking = sent(ThinkingSupport.QWEN3, Thinking.ON, "", false);
            assertThat(thinking.get("temperature").asDouble()).isEqualTo(0.6);
            assertThat(thinking.get("top_p").asDouble()).isEqualTo(0.95);
            assertThat(thinking.get("top_k").asInt()).isEqualTo(20);

            JsonNode direct = sent(ThinkingSupport.QWEN3, Thinking.OFF, "", false);
            assertThat(direct.get("temperature").asDouble()).isEqualTo(0.7);
            assertThat(direct.get("top_p").asDouble()).isEqualTo(0.8);
            assertThat(direct.get("top_k").asInt()).isEqualTo(20);

            JsonNode callers = sent(ThinkingSupport.QWEN3, Thinking.ON, "\"top_k\":40", false);
            assertThat(callers.get("top_k").asInt()).isEqualTo(40);
            assertThat(callers.has("temperature") || callers.has("top_p")).isFalse();

            JsonNode ds = sent(ThinkingSupport.DEEPSEEK, Thinking.ON, "", false);
            assertThat(ds.has("temperature") || ds.has("top_p") || ds.has("top_k")).isFalse();
        }
    }

    // ---- refusals ----

    @Test
    void refusedSettingsMakeNoRequest() {
        record Case(ThinkingSupport support, Thinking thinking, String says) {
        }
        List<Case> cases = List.of(
                new Case(ThinkingSupport.QWEN3, new Thinking.Effort(Thinking.Level.LOW), "no effort levels"),
                new Case(ThinkingSupport.QWEN3_SOFT, new Thinking.Budget(256), "without a token budget"),
                new Case(ThinkingSupport.DEEPSEEK_API, new Thinking.Budget(256), "without a token budget"),
                new Case(ThinkingSupport.EFFORT, Thinking.OFF, "always reasons"),
                new Case(ThinkingSupport.GPT_OSS, new Thinking.Budget(256), "not by a token budget"),
                new Case(ThinkingSupport.NONE, Thinking.ON, "no thinking mode"),
                new Case(ThinkingSupport.ALWAYS, Thinking.OFF, "only 'on'"),
                new Case(ThinkingSupport.BUDGET, Thinking.ON, "openai dialect cannot send"),
                new Case(ThinkingSupport.ADAPTIVE, new Thinking.Effort(Thinking.Level.HIGH), "openai dialect cannot send"));
        for (Case c : cases) {
            OpenAiUpstream up = upstream(c.support(), BudgetMethod.TWO_CALL);
            UpstreamException blocking = catchThrowableOfType(UpstreamException.class, () -> up.complete(call(c.thinking(), "")));
            UpstreamException streaming = catchThrowableOfType(UpstreamException.class, () -> up.stream(call(c.thinking(), ""), e -> { }));
            for (UpstreamException e : new UpstreamException[] {blocking, streaming}) {
                assertThat(e).as(c.toString()).isNotNull();
                assertThat(e.kind()).isEqualTo(Kind.REFUSED);
                assertThat(e.model()).isEqualTo("qwen3-8b");
                assertThat(e.getMessage()).startsWith("model 'qwen3-8b' cannot take thinking '" + c.thinking().label() + "': ")
                        .contains(c.says());
            }
        }
        assertThat(server.getRequestCount()).isZero();
    }
}
