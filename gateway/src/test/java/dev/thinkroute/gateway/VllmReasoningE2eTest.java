package dev.thinkroute.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thinkroute.core.TokenEstimator;
import dev.thinkroute.gateway.E2e.Reply;
import dev.thinkroute.gateway.FakeVllm.Received;
import dev.thinkroute.gateway.FakeVllm.Scenario;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static dev.thinkroute.gateway.E2e.chat;
import static dev.thinkroute.gateway.E2e.chatBody;
import static dev.thinkroute.gateway.E2e.streamBody;
import static dev.thinkroute.gateway.FakeVllm.ANSWER;
import static dev.thinkroute.gateway.FakeVllm.COMPLETION_TOKENS;
import static dev.thinkroute.gateway.FakeVllm.PROMPT_TOKENS;
import static dev.thinkroute.gateway.FakeVllm.REASONING;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway in front of a server that speaks vLLM's OpenAI API exactly (see {@link FakeVllm}), over real HTTP:
 * reasoning comes back as {@code reasoning_content} whatever form the upstream used, usage carries reasoning tokens,
 * every answer says which arm answered and what it cost, and the caller's thinking switches reach the upstream as
 * Qwen3's {@code chat_template_kwargs.enable_thinking}, with the upstream's key and not the caller's.
 */
class VllmReasoningE2eTest {

    private static final String QUESTION = "What is 17 times 3?";

    private static FakeVllm fake;
    private static Gateway gateway;

    @BeforeAll
    static void start() {
        fake = new FakeVllm();
        gateway = E2e.start(E2e.fakePoolYaml(fake, 5_000));
    }

    @AfterAll
    static void stop() {
        E2e.closeAll(gateway, fake);
    }

    @BeforeEach
    void forgetEarlierRequests() {
        fake.clear();
    }

    /** The card in {@link E2e#fakePoolYaml} whose upstream answers with {@code scenario}. */
    static String modelFor(Scenario scenario) {
        return switch (scenario) {
            case REASONING_CONTENT -> "qwen3-8b";
            case REASONING -> "qwen3-8b-new-vllm";
            case THINK_TAGS -> "qwen3-8b-no-parser";
            default -> throw new IllegalArgumentException(scenario.name());
        };
    }

    // ---- reasoning, whatever field the upstream put it in ----

    @ParameterizedTest(name = "upstream sends {0}")
    @EnumSource(value = Scenario.class, names = {"REASONING_CONTENT", "REASONING", "THINK_TAGS"})
    void aBlockingAnswerCarriesTheReasoningAsReasoningContentAndTheAnswerWithoutThinkTags(Scenario scenario) {
        Reply reply = chat(gateway, chatBody(modelFor(scenario), QUESTION));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        assertThat(reply.contentType()).startsWith("application/json");
        JsonNode body = reply.json();
        assertThat(body.path("object").asText()).isEqualTo("chat.completion");
        assertThat(body.path("id").asText()).startsWith("chatcmpl-");
        assertThat(body.path("model").asText()).as("the card's name, not the upstream's served name").isEqualTo(modelFor(scenario));
        assertThat(body.path("choices")).hasSize(1);
        JsonNode choice = body.path("choices").path(0);
        assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
        JsonNode message = choice.path("message");
        assertThat(message.path("role").asText()).isEqualTo("assistant");
        assertThat(message.path("content").asText()).isEqualTo(ANSWER).doesNotContain("<think>", "</think>");
        assertThat(message.path("reasoning_content").asText()).isEqualTo(REASONING);
        assertThat(message.has("reasoning")).as("one normalised field, not vLLM's").isFalse();
    }

    @ParameterizedTest(name = "upstream streams {0}")
    @EnumSource(value = Scenario.class, names = {"REASONING_CONTENT", "REASONING", "THINK_TAGS"})
    void aStreamCarriesReasoningContentDeltasThenContentDeltasThenTheFinishThenUsageAndDone(Scenario scenario) {
        Reply reply = chat(gateway, streamBody(modelFor(scenario), QUESTION, true));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        assertThat(reply.contentType()).startsWith("text/event-stream");
        List<String> data = reply.sseData();
        assertThat(data.getLast()).isEqualTo("[DONE]");
        assertThat(data.stream().filter("[DONE]"::equals)).hasSize(1);

        List<JsonNode> frames = reply.frames();
        assertThat(frames).allSatisfy(f -> {
            assertThat(f.path("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(f.path("id").asText()).isEqualTo(frames.getFirst().path("id").asText());
            assertThat(f.path("model").asText()).isEqualTo(modelFor(scenario));
            assertThat(f.toString()).doesNotContain("<think>", "</think>", "\"reasoning\":");
        });
        assertThat(frames.getFirst().path("choices").path(0).path("delta").path("role").asText()).isEqualTo("assistant");
        assertThat(reply.joined("reasoning_content")).isEqualTo(REASONING);
        assertThat(reply.joined("content")).isEqualTo(ANSWER);

        // Reasoning first, then the answer: no reasoning delta after the first piece of content.
        int firstContent = indexOf(frames, f -> !f.path("choices").path(0).path("delta").path("content").asText("").isEmpty());
        int lastReasoning = lastIndexOf(frames, f -> f.path("choices").path(0).path("delta").has("reasoning_content"));
        assertThat(lastReasoning).isBetween(0, firstContent - 1);

        List<JsonNode> finishes = frames.stream().filter(f -> f.path("choices").path(0).path("finish_reason").isTextual()).toList();
        assertThat(finishes).hasSize(1);
        assertThat(finishes.getFirst().path("choices").path(0).path("finish_reason").asText()).isEqualTo("stop");

        JsonNode tail = frames.getLast();
        assertThat(tail.path("choices").isArray()).isTrue();
        assertThat(tail.path("choices")).isEmpty();
        assertThat(tail.path("usage").path("prompt_tokens").asLong()).isEqualTo(PROMPT_TOKENS);
        assertThat(tail.path("usage").path("completion_tokens").asLong()).isEqualTo(COMPLETION_TOKENS);
        assertThat(tail.path("usage").path("completion_tokens_details").path("reasoning_tokens").asLong()).isPositive();
        assertThat(tail.path("routing").path("arm").asText()).isEqualTo(modelFor(scenario) + ":on");
    }

    @Test
    void aStreamAsksTheUpstreamForUsageEvenWhenTheCallerDidNotButDoesNotSendItToTheCaller() {
        Reply reply = chat(gateway, streamBody("qwen3-8b", QUESTION, false));

        assertThat(reply.status()).isEqualTo(200);
        JsonNode sent = fake.last(Scenario.REASONING_CONTENT).body();
        assertThat(sent.path("stream").asBoolean()).isTrue();
        assertThat(sent.path("stream_options").path("include_usage").asBoolean())
                .as("the gateway needs the usage chunk to bill the stream").isTrue();
        assertThat(reply.frames()).as("the caller did not ask for usage").noneMatch(f -> f.has("usage"));
        JsonNode routing = reply.frames().stream().filter(f -> f.has("routing")).reduce((a, b) -> b).orElseThrow().path("routing");
        assertThat(routing.path("cost_usd").decimalValue()).isEqualByComparingTo(expectedCost());
    }

    /**
     * OpenAI documents {@code choices} as empty only "for the last chunk if you set stream_options.include_usage";
     * clients written against that (the quickstart's {@code chunk.choices[0].delta.content}) index the first choice
     * of every chunk and break on an empty list.
     */
    @Test
    void withoutIncludeUsageEveryChunkCarriesAChoiceAsOpenAiDocuments() {
        Reply reply = chat(gateway, streamBody("qwen3-8b", QUESTION, false));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.frames()).allSatisfy(f -> assertThat(f.path("choices")).as("chunk %s", f).hasSize(1));
        assertThat(reply.frames()).anySatisfy(f -> assertThat(f.path("routing").path("arm").asText()).isEqualTo("qwen3-8b:on"));
    }

    @Test
    void thinkingOffLeavesNoReasoningEvenWhenTheModelWritesAnEmptyThinkBlock() {
        Reply reply = chat(gateway, chatBody("qwen3-8b-no-parser", QUESTION + " /no_think"));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        JsonNode message = reply.json().path("choices").path(0).path("message");
        assertThat(message.path("content").asText()).isEqualTo(ANSWER);
        assertThat(message.path("reasoning_content").asText("")).isEmpty();
        assertThat(reply.json().path("usage").path("completion_tokens_details").path("reasoning_tokens").asLong()).isZero();
        assertThat(fake.last(Scenario.THINK_TAGS).enableThinking().asBoolean(true)).isFalse();
    }

    @Test
    void thinkingOffStreamsOnlyTheAnswerWhenTheModelWritesAnEmptyThinkBlock() {
        Reply reply = chat(gateway, streamBody("qwen3-8b-no-parser", QUESTION + " /no_think", true));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        assertThat(reply.joined("content")).isEqualTo(ANSWER);
        assertThat(reply.joined("reasoning_content")).isEmpty();
        assertThat(reply.body()).doesNotContain("<think>", "</think>");
        assertThat(reply.sseData().getLast()).isEqualTo("[DONE]");
    }

    // ---- usage and cost ----

    @Test
    void reasoningTokensTheUpstreamReportsArePassedOn() {
        JsonNode usage = chat(gateway, chatBody("qwen3-8b-new-vllm", QUESTION)).json().path("usage");

        assertThat(usage.path("prompt_tokens").asLong()).isEqualTo(PROMPT_TOKENS);
        assertThat(usage.path("completion_tokens").asLong()).isEqualTo(COMPLETION_TOKENS);
        assertThat(usage.path("total_tokens").asLong()).isEqualTo(PROMPT_TOKENS + COMPLETION_TOKENS);
        assertThat(usage.path("completion_tokens_details").path("reasoning_tokens").asLong()).isEqualTo(FakeVllm.REPORTED_REASONING_TOKENS);
    }

    @Test
    void reasoningTokensAreEstimatedFromTheReasoningTextWhenVllmReportsNone() {
        Reply reply = chat(gateway, chatBody("qwen3-8b", QUESTION));
        JsonNode usage = reply.json().path("usage");

        assertThat(usage.path("prompt_tokens").asLong()).isEqualTo(PROMPT_TOKENS);
        assertThat(usage.path("completion_tokens").asLong()).as("billed counts stay the upstream's").isEqualTo(COMPLETION_TOKENS);
        assertThat(usage.path("completion_tokens_details").path("reasoning_tokens").asLong())
                .isEqualTo(TokenEstimator.estimate(REASONING)).isPositive();
        assertThat(reply.json().path("routing").path("usage_estimated").asBoolean()).isFalse();
    }

    @Test
    void theAnswerSaysWhichArmAnsweredWhyAndWhatItCostInHeadersAndTheRoutingObject() {
        Reply reply = chat(gateway, chatBody("qwen3-8b", QUESTION));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("x-thinkroute-arm")).isEqualTo("qwen3-8b:on");
        assertThat(reply.header("x-thinkroute-reason")).isEqualTo("caller-forced");
        assertThat(new BigDecimal(reply.header("x-thinkroute-cost-usd"))).isEqualByComparingTo(expectedCost());

        JsonNode routing = reply.json().path("routing");
        assertThat(routing.path("arm").asText()).isEqualTo("qwen3-8b:on");
        assertThat(routing.path("model").asText()).isEqualTo("qwen3-8b");
        assertThat(routing.path("thinking").asText()).isEqualTo("on");
        assertThat(routing.path("reason").asText()).isEqualTo("caller-forced");
        assertThat(routing.path("detail").asText()).contains("qwen3-8b");
        assertThat(routing.path("profile").isNull()).isTrue();
        assertThat(routing.path("cost_usd").decimalValue()).isEqualByComparingTo(expectedCost());
        assertThat(routing.path("latency_ms").asLong()).isNotNegative();
    }

    @Test
    void aStreamCarriesTheRoutingHeadersAndItsCostInTheTailChunk() {
        Reply reply = chat(gateway, streamBody("qwen3-8b", QUESTION, true));

        assertThat(reply.header("x-thinkroute-arm")).isEqualTo("qwen3-8b:on");
        assertThat(reply.header("x-thinkroute-reason")).isEqualTo("caller-forced");
        JsonNode routing = reply.frames().getLast().path("routing");
        assertThat(routing.path("arm").asText()).isEqualTo("qwen3-8b:on");
        assertThat(routing.path("cost_usd").decimalValue()).isEqualByComparingTo(expectedCost());
    }

    @Test
    void aProfileDecidesTheArmAndItsThinkingReachesTheUpstream() {
        Reply easy = chat(gateway, chatBody("auto", QUESTION));

        assertThat(easy.status()).as(easy.toString()).isEqualTo(200);
        assertThat(easy.header("x-thinkroute-arm")).isEqualTo("qwen3-8b:off");
        assertThat(easy.header("x-thinkroute-reason")).isEqualTo("profile-rule");
        assertThat(easy.json().path("routing").path("profile").asText()).isEqualTo("auto");
        assertThat(easy.json().path("model").asText()).isEqualTo("qwen3-8b");
        assertThat(fake.last(Scenario.REASONING_CONTENT).enableThinking().asBoolean(true)).isFalse();
        assertThat(easy.json().path("choices").path(0).path("message").has("reasoning_content")).isFalse();

        Reply hard = chat(gateway, chatBody("auto", "Work it out step by step: what is 17 times 3?"));

        assertThat(hard.header("x-thinkroute-arm")).isEqualTo("qwen3-8b:on");
        assertThat(hard.json().path("routing").path("detail").asText()).contains("step by step");
        assertThat(fake.last(Scenario.REASONING_CONTENT).enableThinking().asBoolean(false)).isTrue();
    }

    // ---- the caller's thinking switches, as the upstream receives them ----

    static Stream<Arguments> thinkingSwitches() {
        return Stream.of(
                switches("nothing: the hybrid model's default", b -> { }, QUESTION, true, null),
                switches("/no_think at the end of the last user message", b -> { }, QUESTION + " /no_think", false, "/no_think"),
                switches("/think at the end of the last user message", b -> { }, QUESTION + "  /think", true, "/think"),
                switches("reasoning_effort none", b -> b.put("reasoning_effort", "none"), QUESTION, false, "reasoning_effort"),
                switches("chat_template_kwargs.enable_thinking false",
                        b -> b.putObject("chat_template_kwargs").put("enable_thinking", false), QUESTION, false, "enable_thinking"),
                switches("routing.thinking off", b -> b.putObject("routing").put("thinking", "off"), QUESTION, false, "routing.thinking"),
                switches("routing beats enable_thinking, reasoning_effort and /no_think", b -> {
                    b.putObject("routing").put("thinking", "on");
                    b.putObject("chat_template_kwargs").put("enable_thinking", false);
                    b.put("reasoning_effort", "none");
                }, QUESTION + " /no_think", true, "routing.thinking"),
                switches("enable_thinking beats reasoning_effort and /no_think", b -> {
                    b.putObject("chat_template_kwargs").put("enable_thinking", true);
                    b.put("reasoning_effort", "none");
                }, QUESTION + " /no_think", true, "enable_thinking"),
                switches("reasoning_effort beats /think", b -> b.put("reasoning_effort", "none"), QUESTION + " /think", false, "reasoning_effort"),
                switches("/no_think at the end of the last text part", b -> {
                    ObjectNode message = (ObjectNode) b.path("messages").get(0);
                    message.putArray("content").addObject().put("type", "text").put("text", QUESTION + " /no_think");
                }, QUESTION, false, "/no_think"));
    }

    private static Arguments switches(String name, Consumer<ObjectNode> extra, String userText, boolean thinks, String via) {
        return Arguments.argumentSet(name, extra, userText, thinks, via);
    }

    @ParameterizedTest
    @MethodSource("thinkingSwitches")
    void theCallersThinkingSwitchReachesVllmAsEnableThinkingWithTheSoftSwitchStripped(
            Consumer<ObjectNode> extra, String userText, boolean thinks, String via) {
        ObjectNode body = chatBody("qwen3-8b", userText);
        extra.accept(body);

        Reply reply = chat(gateway, body);

        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        Received sent = fake.last(Scenario.REASONING_CONTENT);
        assertThat(sent.enableThinking().isBoolean()).as(sent.body().toString()).isTrue();
        assertThat(sent.enableThinking().booleanValue()).isEqualTo(thinks);
        assertThat(sent.lastUserText()).isEqualTo(QUESTION);
        assertThat(sent.body().has("reasoning_effort")).as("Qwen3 is switched by chat_template_kwargs only").isFalse();
        assertThat(sent.body().has("routing")).as("thinkroute's extension stays in the gateway").isFalse();
        assertThat(sent.body().path("model").asText()).isEqualTo(FakeVllm.SERVED_MODEL);
        assertThat(sent.body().path("stream").asBoolean(true)).isFalse();

        String thinking = thinks ? "on" : "off";
        assertThat(reply.header("x-thinkroute-arm")).isEqualTo("qwen3-8b:" + thinking);
        assertThat(reply.json().path("routing").path("thinking").asText()).isEqualTo(thinking);
        if (via != null) assertThat(reply.json().path("routing").path("detail").asText()).contains(via);
        assertThat(reply.json().path("choices").path(0).path("message").has("reasoning_content")).isEqualTo(thinks);
    }

    @Test
    void otherChatTemplateKwargsAndSamplingFieldsAreForwardedUntouched() {
        ObjectNode body = chatBody("qwen3-8b", QUESTION);
        ObjectNode kwargs = body.putObject("chat_template_kwargs");
        kwargs.put("enable_thinking", false);
        kwargs.put("custom_flag", "kept");
        body.put("temperature", 0.25);
        body.put("max_tokens", 64);
        body.put("seed", 7);

        assertThat(chat(gateway, body).status()).isEqualTo(200);

        JsonNode sent = fake.last(Scenario.REASONING_CONTENT).body();
        assertThat(sent.path("chat_template_kwargs").path("custom_flag").asText()).isEqualTo("kept");
        assertThat(sent.path("chat_template_kwargs").path("enable_thinking").asBoolean(true)).isFalse();
        assertThat(sent.path("temperature").asDouble()).isEqualTo(0.25);
        assertThat(sent.path("max_tokens").asInt()).isEqualTo(64);
        assertThat(sent.path("seed").asInt()).isEqualTo(7);
        assertThat(sent.has("stream_options")).as("vLLM answers 400 to stream_options on a blocking call").isFalse();
    }

    @Test
    void anEffortLevelSwitchesAQwen3ModelsThinkingOnAndSaysSo() {
        ObjectNode body = chatBody("qwen3-8b", QUESTION);
        body.put("reasoning_effort", "low");

        Reply reply = chat(gateway, body);

        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        assertThat(reply.json().at("/routing/arm").asText()).isEqualTo("qwen3-8b:on");
        assertThat(reply.json().at("/routing/detail").asText()).contains("reasoning_effort", "'low' read as 'on'");
        FakeVllm.Received sent = fake.received().getLast();
        assertThat(sent.enableThinking().asBoolean()).isTrue();
        assertThat(sent.body().has("reasoning_effort")).isFalse();
    }

    @Test
    void routingThinkingWithAnEffortLevelIsRefusedForAQwen3ModelAndNothingIsSentUpstream() {
        ObjectNode body = chatBody("qwen3-8b", QUESTION);
        body.putObject("routing").put("thinking", "high");

        Reply reply = chat(gateway, body);

        assertThat(reply.status()).isEqualTo(400);
        JsonNode error = reply.json().path("error");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("param").asText()).isEqualTo("routing.thinking");
        assertThat(error.path("code").asText()).isEqualTo("unsupported_thinking");
        assertThat(error.path("message").asText()).contains("qwen3-8b", "high");
        assertThat(fake.received()).isEmpty();
    }

    @Test
    void theUpstreamGetsItsOwnKeyFromTheEnvironmentNeverTheCallers() {
        chat(gateway, chatBody("qwen3-8b", QUESTION));
        chat(gateway, streamBody("qwen3-8b", QUESTION, false));

        assertThat(fake.received()).hasSize(2).allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Bearer " + E2e.KEY));
    }

    // ---- helpers ----

    /** tokens × the card's prices, per 1M tokens. */
    static BigDecimal expectedCost() {
        return E2e.cost(PROMPT_TOKENS, COMPLETION_TOKENS);
    }

    private static int indexOf(List<JsonNode> frames, Predicate<JsonNode> p) {
        for (int i = 0; i < frames.size(); i++) if (p.test(frames.get(i))) return i;
        return -1;
    }

    private static int lastIndexOf(List<JsonNode> frames, Predicate<JsonNode> p) {
        for (int i = frames.size() - 1; i >= 0; i--) if (p.test(frames.get(i))) return i;
        return -1;
    }
}
