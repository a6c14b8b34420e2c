package dev.thinkroute.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thinkroute.core.TokenEstimator;
import dev.thinkroute.gateway.E2e.Reply;
import dev.thinkroute.gateway.FakeQwen3Budget.Received;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.util.List;

import static dev.thinkroute.gateway.E2e.chat;
import static dev.thinkroute.gateway.E2e.chatBody;
import static dev.thinkroute.gateway.E2e.cost;
import static dev.thinkroute.gateway.E2e.streamBody;
import static dev.thinkroute.gateway.FakeQwen3Budget.ANSWER;
import static dev.thinkroute.gateway.FakeQwen3Budget.ANSWER_TEXT;
import static dev.thinkroute.gateway.FakeQwen3Budget.EASY_QUESTION;
import static dev.thinkroute.gateway.FakeQwen3Budget.HARD_QUESTION;
import static dev.thinkroute.gateway.FakeQwen3Budget.SHORT_REASONING;
import static dev.thinkroute.gateway.FakeQwen3Budget.longThought;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thinking budgets, empty-answer recovery, refusals before any call and Qwen3's recommended sampling, end to end:
 * OpenAI-protocol requests to a real gateway over HTTP, in front of {@link FakeQwen3Budget} (a vLLM serving Qwen3 that
 * honours {@code max_tokens}, {@code thinking_token_budget} and {@code continue_final_message}), an Anthropic card and
 * a Gemini card whose base URLs record, and never answer, anything sent to them.
 */
@Timeout(60)
class ThinkingBudgetE2eTest {

    /** The sentence that closes thinking cut by a budget (OpenAiUpstream.HAND_OVER, from Qwen3's model card). */
    static final String HAND_OVER =
            "Considering the limited time by the user, I have to give the solution based on the thinking directly now.";
    static final int BUDGET = 64;

    private static FakeQwen3Budget fake;
    private static Gateway gateway;

    @BeforeAll
    static void start() {
        fake = new FakeQwen3Budget();
        gateway = E2e.start("""
                %s
                models:
                %s
                %s
                    thinking_budget: server
                  - name: claude
                    dialect: anthropic
                    base_url: %s
                    api_key_env: FAKE_VLLM_KEY
                    upstream_model: claude-sonnet-4-5
                    thinking: budget
                  - name: gemini
                    dialect: gemini
                    base_url: %s
                    api_key_env: FAKE_VLLM_KEY
                    upstream_model: gemini-2.5-flash
                    thinking: budget
                """.formatted(E2e.serverYaml(5_000),
                E2e.qwen3CardYaml("qwen3-8b", fake.qwen3BaseUrl()),
                E2e.qwen3CardYaml("qwen3-8b-server-budget", fake.qwen3BaseUrl()),
                fake.recordingBaseUrl("anthropic/v1"), fake.recordingBaseUrl("gemini/v1beta")));
    }

    @AfterAll
    static void stop() {
        E2e.closeAll(gateway, fake);
    }

    @BeforeEach
    void forgetEarlierRequests() {
        fake.clear();
    }

    static ObjectNode withThinking(ObjectNode body, String thinking) {
        body.putObject("routing").put("thinking", thinking);
        return body;
    }

    static ObjectNode request(String model, String question, String thinking, Integer maxTokens, boolean stream) {
        ObjectNode body = stream ? streamBody(model, question, true) : chatBody(model, question);
        if (thinking != null) withThinking(body, thinking);
        if (maxTokens != null) body.put("max_tokens", maxTokens);
        return body;
    }

    static String cutThinkingPrefix(String reasoning) {
        return "<think>\n" + reasoning.strip() + "\n\n" + HAND_OVER + "\n</think>\n\n";
    }

    // ---- 1. a budget held in two calls ----

    @Test
    void thinkingCutAtTheBudgetIsClosedAndTheAnswerAskedForInASecondCall() {
        Reply reply = chat(gateway, request("qwen3-8b", HARD_QUESTION, "on@" + BUDGET, 200, false));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        assertThat(reply.header("x-thinkroute-arm")).isEqualTo("qwen3-8b:on@64");

        List<Received> sent = fake.received();
        assertThat(sent).as("exactly two upstream requests").hasSize(2);
        JsonNode first = sent.get(0).body();
        assertThat(first.path("model").asText()).isEqualTo(FakeQwen3Budget.SERVED_MODEL);
        assertThat(first.path("max_tokens").asInt()).as("the first call thinks within the budget").isEqualTo(BUDGET);
        assertThat(first.has("max_completion_tokens")).isFalse();
        assertThat(first.path("chat_template_kwargs").path("enable_thinking").asBoolean(false)).isTrue();
        assertThat(first.has("continue_final_message")).isFalse();
        assertThat(first.has("thinking_token_budget")).as("two-call, not the server's cap").isFalse();
        assertThat(first.has("routing")).isFalse();
        assertThat(first.path("stream").asBoolean(true)).isFalse();
        assertThat(first.path("messages")).hasSize(1);

        JsonNode second = sent.get(1).body();
        assertThat(second.path("model").asText()).isEqualTo(FakeQwen3Budget.SERVED_MODEL);
        assertThat(second.path("max_tokens").asInt()).as("the caller's max_tokens, for the answer").isEqualTo(200);
        assertThat(second.path("continue_final_message").asBoolean(false)).isTrue();
        assertThat(second.path("add_generation_prompt").isBoolean()).isTrue();
        assertThat(second.path("add_generation_prompt").booleanValue()).isFalse();
        assertThat(second.path("chat_template_kwargs").path("enable_thinking").isBoolean()).isTrue();
        assertThat(second.path("chat_template_kwargs").path("enable_thinking").booleanValue())
                .as("thinking off, so the parser reads the continuation as content").isFalse();
        assertThat(second.has("thinking_token_budget")).isFalse();
        assertThat(second.has("routing")).isFalse();
        JsonNode messages = second.path("messages");
        assertThat(messages).hasSize(2);
        assertThat(messages.get(0)).isEqualTo(first.path("messages").get(0));
        assertThat(messages.get(1).path("role").asText()).isEqualTo("assistant");
        assertThat(messages.get(1).path("content").asText()).isEqualTo(cutThinkingPrefix(longThought(BUDGET)));

        JsonNode body = reply.json();
        JsonNode choice = body.path("choices").path(0);
        assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
        assertThat(choice.path("message").path("content").asText()).isEqualTo(ANSWER_TEXT);
        assertThat(choice.path("message").path("reasoning_content").asText()).isEqualTo(longThought(BUDGET));

        JsonNode routing = body.path("routing");
        assertThat(routing.path("arm").asText()).isEqualTo("qwen3-8b:on@64");
        assertThat(routing.path("thinking").asText()).isEqualTo("on@64");
        assertThat(routing.path("note").asText())
                .isEqualTo("thinking budget 64 held in two calls: thinking stopped at 64 tokens and was closed");

        long prompt = sent.get(0).promptTokens() + sent.get(1).promptTokens();
        long completion = sent.get(0).completionTokens() + sent.get(1).completionTokens();
        assertThat(sent.get(0).completionTokens()).isEqualTo(BUDGET);
        assertThat(sent.get(1).completionTokens()).isEqualTo(ANSWER.size());
        JsonNode usage = body.path("usage");
        assertThat(usage.path("prompt_tokens").asLong()).as("both calls' prompts").isEqualTo(prompt);
        assertThat(usage.path("completion_tokens").asLong()).as("both calls' output").isEqualTo(completion);
        assertThat(usage.path("total_tokens").asLong()).isEqualTo(prompt + completion);
        assertThat(usage.path("completion_tokens_details").path("reasoning_tokens").asLong())
                .isEqualTo(Math.min(BUDGET, TokenEstimator.estimate(longThought(BUDGET))));
        assertThat(routing.path("usage_estimated").asBoolean(true)).isFalse();
        assertThat(routing.path("cost_usd").decimalValue()).isEqualByComparingTo(cost(prompt, completion));
        assertThat(new BigDecimal(reply.header("x-thinkroute-cost-usd"))).isEqualByComparingTo(cost(prompt, completion));
    }

    @Test
    void aBudgetHeldInTwoCallsStreamsAsOneStream() {
        Reply reply = chat(gateway, request("qwen3-8b", HARD_QUESTION, "on@" + BUDGET, 200, true));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        assertThat(reply.contentType()).startsWith("text/event-stream");

        List<Received> sent = fake.received();
        assertThat(sent).hasSize(2);
        for (Received r : sent) {
            assertThat(r.body().path("stream").asBoolean(false)).isTrue();
            assertThat(r.body().path("stream_options").path("include_usage").asBoolean(false)).isTrue();
        }
        assertThat(sent.get(0).body().path("max_tokens").asInt()).isEqualTo(BUDGET);
        assertThat(sent.get(1).body().path("max_tokens").asInt()).isEqualTo(200);
        assertThat(sent.get(1).body().path("continue_final_message").asBoolean(false)).isTrue();
        assertThat(sent.get(1).body().path("add_generation_prompt").asBoolean(true)).isFalse();
        assertThat(sent.get(1).enableThinking().asBoolean(true)).isFalse();
        assertThat(sent.get(1).body().at("/messages/1/content").asText()).isEqualTo(cutThinkingPrefix(longThought(BUDGET)));

        List<String> data = reply.sseData();
        assertThat(data.getLast()).isEqualTo("[DONE]");
        assertThat(data.stream().filter("[DONE]"::equals)).hasSize(1);
        List<JsonNode> frames = reply.frames();
        assertThat(frames).allSatisfy(f -> {
            assertThat(f.path("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(f.path("id").asText()).isEqualTo(frames.getFirst().path("id").asText());
            assertThat(f.path("model").asText()).isEqualTo("qwen3-8b");
        });
        assertThat(frames.getFirst().at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        assertThat(reply.joined("reasoning_content")).isEqualTo(longThought(BUDGET));
        assertThat(reply.joined("content")).isEqualTo(ANSWER_TEXT);

        int lastReasoning = -1;
        int firstContent = Integer.MAX_VALUE;
        for (int i = 0; i < frames.size(); i++) {
            JsonNode delta = frames.get(i).at("/choices/0/delta");
            if (delta.has("reasoning_content")) lastReasoning = i;
            if (!delta.path("content").asText("").isEmpty()) firstContent = Math.min(firstContent, i);
        }
        assertThat(lastReasoning).as("reasoning deltas, then content deltas").isGreaterThan(0).isLessThan(firstContent);

        List<JsonNode> finishes = frames.stream().filter(f -> f.at("/choices/0/finish_reason").isTextual()).toList();
        assertThat(finishes).as("one finish for both calls").hasSize(1);
        JsonNode finish = finishes.getFirst();
        assertThat(finish.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(finish.path("routing").path("note").asText())
                .isEqualTo("thinking budget 64 held in two calls: thinking stopped at 64 tokens and was closed");
        assertThat(frames.indexOf(finish)).as("the finish comes after every delta").isGreaterThan(firstContent);

        long prompt = sent.get(0).promptTokens() + sent.get(1).promptTokens();
        long completion = sent.get(0).completionTokens() + sent.get(1).completionTokens();
        JsonNode usageFrame = frames.getLast();
        assertThat(usageFrame.path("choices")).isEmpty();
        assertThat(usageFrame.path("usage").path("prompt_tokens").asLong()).isEqualTo(prompt);
        assertThat(usageFrame.path("usage").path("completion_tokens").asLong()).isEqualTo(completion).isEqualTo(BUDGET + ANSWER.size());
        assertThat(usageFrame.path("usage").path("total_tokens").asLong()).isEqualTo(prompt + completion);
        assertThat(finish.path("routing").path("cost_usd").decimalValue()).isEqualByComparingTo(cost(prompt, completion));
        assertThat(frames.stream().filter(f -> f.has("usage"))).hasSize(1);
    }

    @Test
    void withoutACallerMaxTokensTheAnswerCallHasNoCap() {
        Reply reply = chat(gateway, request("qwen3-8b", HARD_QUESTION, "on@" + BUDGET, null, false));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        assertThat(fake.received()).hasSize(2);
        assertThat(fake.received().get(0).body().path("max_tokens").asInt()).isEqualTo(BUDGET);
        assertThat(fake.received().get(1).body().has("max_tokens")).as("the server's default for the answer").isFalse();
        assertThat(fake.received().get(1).body().has("max_completion_tokens")).isFalse();
        assertThat(reply.json().at("/choices/0/message/content").asText()).isEqualTo(ANSWER_TEXT);
    }

    // ---- 2. thinking that ends within the budget ----

    @ParameterizedTest(name = "stream: {0}")
    @ValueSource(booleans = {false, true})
    void withoutACallerMaxTokensThinkingThatEndsWithinTheBudgetTakesOneRequestAndHasNoNote(boolean stream) {
        Reply reply = chat(gateway, request("qwen3-8b", EASY_QUESTION, "on@" + BUDGET, null, stream));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        assertThat(fake.received()).hasSize(1);
        Received only = fake.received().getFirst();
        assertThat(only.body().path("max_tokens").asInt()).isEqualTo(BUDGET);
        assertThat(only.body().has("stop")).as("no caller cap: the answer may follow in the same request").isFalse();
        assertThat(only.enableThinking().asBoolean(false)).isTrue();
        assertThat(only.body().has("continue_final_message")).isFalse();
        assertThat(only.body().has("thinking_token_budget")).isFalse();
        assertThat(only.completionTokens()).isEqualTo(SHORT_REASONING.size() + 1 + ANSWER.size());

        String reasoning = String.join("", SHORT_REASONING);
        JsonNode routing;
        if (stream) {
            assertThat(reply.joined("reasoning_content")).isEqualTo(reasoning);
            assertThat(reply.joined("content")).isEqualTo(ANSWER_TEXT);
            List<JsonNode> finishes = reply.frames().stream().filter(f -> f.at("/choices/0/finish_reason").isTextual()).toList();
            assertThat(finishes).hasSize(1);
            assertThat(finishes.getFirst().at("/choices/0/finish_reason").asText()).isEqualTo("stop");
            routing = finishes.getFirst().path("routing");
            assertThat(reply.frames().getLast().at("/usage/completion_tokens").asLong()).isEqualTo(only.completionTokens());
        } else {
            JsonNode message = reply.json().at("/choices/0/message");
            assertThat(message.path("content").asText()).isEqualTo(ANSWER_TEXT);
            assertThat(message.path("reasoning_content").asText()).isEqualTo(reasoning);
            assertThat(reply.json().at("/choices/0/finish_reason").asText()).isEqualTo("stop");
            routing = reply.json().path("routing");
            assertThat(reply.json().at("/usage/completion_tokens").asLong()).isEqualTo(only.completionTokens());
            assertThat(reply.json().at("/usage/prompt_tokens").asLong()).isEqualTo(only.promptTokens());
        }
        assertThat(routing.path("arm").asText()).isEqualTo("qwen3-8b:on@64");
        assertThat(routing.has("note")).as("one plain call: no note, got %s", routing).isFalse();
    }

    @ParameterizedTest(name = "stream: {0}")
    @ValueSource(booleans = {false, true})
    void withACallerMaxTokensThinkingThatEndsWithinTheBudgetStopsThereAndTheAnswerKeepsTheCap(boolean stream) {
        Reply reply = chat(gateway, request("qwen3-8b", EASY_QUESTION, "on@" + BUDGET, 3, stream));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        List<Received> sent = fake.received();
        assertThat(sent).hasSize(2);
        JsonNode first = sent.get(0).body();
        assertThat(first.path("max_tokens").asInt()).isEqualTo(BUDGET);
        assertThat(first.path("stop").toString()).as("the first request only thinks").isEqualTo("[\"</think>\"]");
        assertThat(sent.get(0).completionTokens()).isEqualTo(SHORT_REASONING.size() + 1);
        JsonNode second = sent.get(1).body();
        assertThat(second.path("max_tokens").asInt()).as("the caller's max_tokens, for the answer").isEqualTo(3);
        assertThat(second.has("stop")).isFalse();
        assertThat(second.path("continue_final_message").asBoolean(false)).isTrue();
        assertThat(sent.get(1).enableThinking().asBoolean(true)).isFalse();
        String reasoning = String.join("", SHORT_REASONING);
        assertThat(second.at("/messages/1/content").asText()).as("thinking ended on its own: no hand-over")
                .isEqualTo("<think>\n" + reasoning.strip() + "\n</think>\n\n");

        String answer = FakeQwen3Budget.join(ANSWER, 0, 3);
        String note = "thinking budget 64 held in two calls: thinking ended within 64 tokens and the answer was asked for"
                + " with max_tokens 3";
        long completion = SHORT_REASONING.size() + 1 + 3;
        if (stream) {
            assertThat(reply.joined("reasoning_content")).isEqualTo(reasoning);
            assertThat(reply.joined("content")).isEqualTo(answer);
            List<JsonNode> finishes = reply.frames().stream().filter(f -> f.at("/choices/0/finish_reason").isTextual()).toList();
            assertThat(finishes).hasSize(1);
            assertThat(finishes.getFirst().at("/choices/0/finish_reason").asText()).isEqualTo("length");
            assertThat(finishes.getFirst().at("/routing/note").asText()).isEqualTo(note);
            assertThat(reply.frames().getLast().at("/usage/completion_tokens").asLong()).isEqualTo(completion);
        } else {
            JsonNode body = reply.json();
            assertThat(body.at("/choices/0/message/content").asText()).isEqualTo(answer);
            assertThat(body.at("/choices/0/message/reasoning_content").asText()).isEqualTo(reasoning);
            assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("length");
            assertThat(body.at("/routing/note").asText()).isEqualTo(note);
            assertThat(body.at("/usage/completion_tokens").asLong()).isEqualTo(completion);
        }
    }

    // ---- 3. the server's own cap ----

    @ParameterizedTest(name = "stream: {0}")
    @ValueSource(booleans = {false, true})
    void aServerBudgetCardSendsThinkingTokenBudgetInOneRequest(boolean stream) {
        Reply reply = chat(gateway, request("qwen3-8b-server-budget", HARD_QUESTION, "on@" + BUDGET, 200, stream));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        assertThat(fake.received()).hasSize(1);
        JsonNode sent = fake.received().getFirst().body();
        assertThat(sent.path("thinking_token_budget").asInt()).isEqualTo(BUDGET);
        assertThat(sent.path("max_tokens").asInt()).as("the caller's 200 stays the answer's").isEqualTo(200 + BUDGET);
        assertThat(sent.path("chat_template_kwargs").path("enable_thinking").asBoolean(false)).isTrue();
        assertThat(sent.has("continue_final_message")).isFalse();
        assertThat(sent.has("add_generation_prompt")).isFalse();

        JsonNode routing;
        if (stream) {
            assertThat(reply.joined("reasoning_content")).isEqualTo(longThought(BUDGET));
            assertThat(reply.joined("content")).isEqualTo(ANSWER_TEXT);
            routing = reply.frames().stream().filter(f -> f.has("routing")).findFirst().orElseThrow().path("routing");
        } else {
            assertThat(reply.json().at("/choices/0/message/reasoning_content").asText()).isEqualTo(longThought(BUDGET));
            assertThat(reply.json().at("/choices/0/message/content").asText()).isEqualTo(ANSWER_TEXT);
            assertThat(reply.json().at("/usage/completion_tokens").asLong()).isEqualTo(BUDGET + 1 + ANSWER.size());
            routing = reply.json().path("routing");
        }
        assertThat(routing.path("arm").asText()).isEqualTo("qwen3-8b-server-budget:on@64");
        assertThat(routing.has("note")).as("%s", routing).isFalse();
    }

    // ---- 4. an empty answer recovered ----

    @ParameterizedTest(name = "stream: {0}")
    @ValueSource(booleans = {false, true})
    void anAnswerLeftEmptyBecauseThinkingUsedAllMaxTokensIsRecoveredOnce(boolean stream) {
        Reply reply = chat(gateway, request("qwen3-8b", HARD_QUESTION, "on", 20, stream));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        List<Received> sent = fake.received();
        assertThat(sent).hasSize(2);
        assertThat(sent.get(0).body().path("max_tokens").asInt()).isEqualTo(20);
        assertThat(sent.get(0).enableThinking().asBoolean(false)).isTrue();
        JsonNode second = sent.get(1).body();
        assertThat(second.path("continue_final_message").asBoolean(false)).isTrue();
        assertThat(second.path("add_generation_prompt").asBoolean(true)).isFalse();
        assertThat(second.path("max_tokens").asInt()).isEqualTo(20);
        assertThat(sent.get(1).enableThinking().asBoolean(true)).isFalse();
        assertThat(second.at("/messages/1/content").asText()).isEqualTo(cutThinkingPrefix(longThought(20)));

        String note = "answer was empty: thinking used all of max_tokens (20); thinking was closed and the answer asked for"
                + " in a second call";
        long completion = 20 + ANSWER.size();
        if (stream) {
            assertThat(reply.joined("reasoning_content")).isEqualTo(longThought(20));
            assertThat(reply.joined("content")).isEqualTo(ANSWER_TEXT);
            List<JsonNode> finishes = reply.frames().stream().filter(f -> f.at("/choices/0/finish_reason").isTextual()).toList();
            assertThat(finishes).hasSize(1);
            assertThat(finishes.getFirst().at("/choices/0/finish_reason").asText()).isEqualTo("stop");
            assertThat(finishes.getFirst().at("/routing/note").asText()).isEqualTo(note);
            assertThat(reply.frames().getLast().at("/usage/completion_tokens").asLong()).isEqualTo(completion);
        } else {
            JsonNode body = reply.json();
            assertThat(body.at("/choices/0/message/content").asText()).isEqualTo(ANSWER_TEXT);
            assertThat(body.at("/choices/0/message/reasoning_content").asText()).isEqualTo(longThought(20));
            assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
            assertThat(body.at("/routing/note").asText()).isEqualTo(note);
            assertThat(body.at("/routing/arm").asText()).isEqualTo("qwen3-8b:on");
            assertThat(body.at("/usage/completion_tokens").asLong()).isEqualTo(completion);
            assertThat(body.at("/usage/prompt_tokens").asLong()).isEqualTo(sent.get(0).promptTokens() + sent.get(1).promptTokens());
        }
    }

    @Test
    void anEmptyAnswerIsRecoveredNeverMoreThanOnce() {
        Reply reply = chat(gateway, request("qwen3-8b", HARD_QUESTION, "on", 2, false));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        assertThat(fake.received()).hasSize(2);
        JsonNode body = reply.json();
        assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("length");
        assertThat(body.at("/choices/0/message/content").asText()).isEqualTo(FakeQwen3Budget.join(ANSWER, 0, 2));
        assertThat(body.at("/routing/note").asText()).startsWith("answer was empty: thinking used all of max_tokens (2)");
    }

    @Test
    void aNonThinkingAnswerCutForLengthIsLeftAlone() {
        Reply reply = chat(gateway, request("qwen3-8b", HARD_QUESTION, "off", 2, false));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        assertThat(fake.received()).hasSize(1);
        assertThat(reply.json().at("/choices/0/finish_reason").asText()).isEqualTo("length");
        assertThat(reply.json().path("routing").has("note")).isFalse();
    }

    // ---- 5. refused before any call ----

    @ParameterizedTest(name = "stream: {0}")
    @ValueSource(booleans = {false, true})
    void anAnthropicBudgetBelowItsMinimumIs400OnThinkingAndNothingIsSent(boolean stream) {
        Reply reply = chat(gateway, request("claude", EASY_QUESTION, "on@512", 4096, stream));

        String message = assertError(reply, 400, "thinking", "unsupported_thinking");
        assertThat(message).contains("claude", "1024");
        assertThat(fake.received()).as("refused before any request").isEmpty();
    }

    @Test
    void toolsAreRefusedByTheGeminiAndAnthropicDialectsAs400OnToolsAndNothingIsSent() {
        for (String model : List.of("gemini", "claude")) {
            ObjectNode body = chatBody(model, EASY_QUESTION);
            ObjectNode tool = body.putArray("tools").addObject();
            tool.put("type", "function");
            ObjectNode fn = tool.putObject("function");
            fn.put("name", "add");
            fn.putObject("parameters").put("type", "object");

            String message = assertError(chat(gateway, body), 400, "tools", "unsupported_parameter");
            assertThat(message).as(model).contains(model, "tools");
        }
        assertThat(fake.received()).as("refused before any request").isEmpty();
    }

    private static String assertError(Reply reply, int status, String param, String code) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(status);
        assertThat(reply.contentType()).startsWith("application/json");
        JsonNode error = reply.json().path("error");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("param").asText()).isEqualTo(param);
        assertThat(error.path("code").asText()).isEqualTo(code);
        assertThat(error.path("message").asText()).isNotBlank();
        assertThat(reply.toString()).doesNotContain(E2e.KEY);
        return error.path("message").asText();
    }

    // ---- 6. Qwen3's recommended sampling ----

    @Test
    void qwen3GetsItsRecommendedSamplingForTheChosenModeUnlessTheCallerSetOne() {
        assertThat(chat(gateway, request("qwen3-8b", EASY_QUESTION, "on", null, false)).status()).isEqualTo(200);
        JsonNode thinking = fake.received().getLast().body();
        assertThat(thinking.path("temperature").asDouble()).isEqualTo(0.6);
        assertThat(thinking.path("top_p").asDouble()).isEqualTo(0.95);
        assertThat(thinking.path("top_k").asInt()).isEqualTo(20);

        assertThat(chat(gateway, request("qwen3-8b", EASY_QUESTION, "off", null, false)).status()).isEqualTo(200);
        JsonNode direct = fake.received().getLast().body();
        assertThat(direct.path("chat_template_kwargs").path("enable_thinking").asBoolean(true)).isFalse();
        assertThat(direct.path("temperature").asDouble()).isEqualTo(0.7);
        assertThat(direct.path("top_p").asDouble()).isEqualTo(0.8);
        assertThat(direct.path("top_k").asInt()).isEqualTo(20);

        ObjectNode callers = request("qwen3-8b", EASY_QUESTION, "on", null, true);
        callers.put("temperature", 0.3);
        assertThat(chat(gateway, callers).status()).isEqualTo(200);
        JsonNode kept = fake.received().getLast().body();
        assertThat(kept.path("temperature").asDouble()).as("the caller's temperature").isEqualTo(0.3);
        assertThat(kept.has("top_p") || kept.has("top_k")).as("nothing added beside a caller's choice").isFalse();

        assertThat(fake.received()).hasSize(3);
    }
}
