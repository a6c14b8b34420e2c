package dev.thinkroute.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.models.ReasoningEffort;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.CompletionUsage;
import com.openai.models.models.Model;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.openai.OpenAiTokenUsage;
import dev.thinkroute.core.TokenEstimator;
import dev.thinkroute.gateway.FakeVllm.Scenario;
import dev.thinkroute.llm.replay.OutcomeTable;
import dev.thinkroute.llm.replay.RecordedTables;
import dev.thinkroute.llm.replay.RouteLlmGsm8kTable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static dev.thinkroute.gateway.FakeVllm.ANSWER;
import static dev.thinkroute.gateway.FakeVllm.REASONING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Unmodified OpenAI client libraries pointed at the gateway, as users will point theirs: the official
 * {@code openai-java} SDK and LangChain4j's OpenAI integration, blocking and streaming. Against the replay pool they
 * get RouteLLM's recorded GSM8K answers; against a fake vLLM they get the reasoning through their own accessors.
 */
class RealClientsE2eTest {

    private static final String GPT4 = "gpt-4-1106-preview";
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(20);

    private static Gateway replay;
    private static FakeVllm fake;
    private static Gateway vllm;
    private static OutcomeTable table;
    /** A recorded GSM8K question (the table's first) that gpt-4-1106-preview answered correctly. */
    private static String question;
    private static String recordedAnswer;

    @BeforeAll
    static void start() {
        replay = E2e.start(E2e.replayYaml());
        fake = new FakeVllm();
        vllm = E2e.start(E2e.fakePoolYaml(fake, 5_000));
        table = RecordedTables.open(RouteLlmGsm8kTable.NAME, E2e.dataRoot());
        question = table.prompts().stream().filter(p -> table.lookup(GPT4, p).orElseThrow().score() == 1.0).findFirst().orElseThrow();
        recordedAnswer = table.lookup(GPT4, question).orElseThrow().text();
    }

    @AfterAll
    static void stop() {
        if (replay != null) replay.close();
        if (vllm != null) vllm.close();
        if (fake != null) fake.close();
    }

    private static OpenAIClient openai(Gateway gateway) {
        return OpenAIOkHttpClient.builder()
                .baseUrl(gateway.baseUrl())
                .apiKey("x")
                .maxRetries(0) // a retried error would hide what the gateway answered
                .timeout(CLIENT_TIMEOUT)
                .build();
    }

    private static ChatCompletionCreateParams params(String model, String userText) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage(userText).build();
    }

    /** A JSON value the SDK kept but does not model (thinkroute's {@code routing}, vLLM's {@code reasoning_content}). */
    private static JsonNode extra(Map<String, JsonValue> properties, String key) {
        JsonValue v = properties.get(key);
        return v == null ? MissingNode.getInstance() : v.convert(JsonNode.class);
    }

    // ---- openai-java ----

    @Test
    void openaiJavaGetsTheRecordedAnswerWithUsageAndTheRoutingObject() {
        OpenAIClient client = openai(replay);
        try {
            ChatCompletion completion = client.chat().completions().create(params(GPT4, question));

            assertThat(completion.choices()).hasSize(1);
            assertThat(completion.choices().getFirst().message().content()).contains(recordedAnswer);
            assertThat(completion.model()).isEqualTo(GPT4);
            CompletionUsage usage = completion.usage().orElseThrow();
            assertThat(usage.completionTokens()).isEqualTo(TokenEstimator.estimate(recordedAnswer));
            assertThat(usage.promptTokens()).isPositive();
            assertThat(usage.totalTokens()).isEqualTo(usage.promptTokens() + usage.completionTokens());
            assertThat(usage.completionTokensDetails().orElseThrow().reasoningTokens()).contains(0L);

            JsonNode routing = extra(completion._allProperties(), "routing");
            assertThat(routing.path("arm").asText()).isEqualTo(GPT4 + ":off");
            assertThat(routing.path("reason").asText()).isEqualTo("caller-forced");
            assertThat(routing.path("recorded_score").asDouble()).isEqualTo(1.0);
            assertThat(routing.path("usage_estimated").asBoolean()).isTrue();
            BigDecimal expectedCost = BigDecimal.valueOf(usage.promptTokens() * 10.0 + usage.completionTokens() * 30.0)
                    .divide(BigDecimal.valueOf(1_000_000));
            assertThat(routing.path("cost_usd").decimalValue()).isEqualByComparingTo(expectedCost);
        } finally {
            client.close();
        }
    }

    @Test
    void openaiJavaStreamsTheSameAnswerAndTheStreamEndsCleanlyWithUsageAndRouting() {
        OpenAIClient client = openai(replay);
        try {
            String blocking = client.chat().completions().create(params(GPT4, question)).choices().getFirst().message().content().orElseThrow();
            ChatCompletionCreateParams streamParams = params(GPT4, question).toBuilder()
                    .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
                    .build();

            List<ChatCompletionChunk> chunks;
            try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(streamParams)) {
                chunks = stream.stream().toList(); // returns only once the gateway ended the stream
            }

            String streamed = chunks.stream()
                    .flatMap(c -> c.choices().stream())
                    .map(choice -> choice.delta().content().orElse(""))
                    .collect(Collectors.joining());
            assertThat(streamed).isEqualTo(blocking).isEqualTo(recordedAnswer);
            assertThat(chunks.size()).as("answered in pieces, not one blob").isGreaterThan(3);
            assertThat(chunks.stream().flatMap(c -> c.choices().stream()).map(ch -> ch.finishReason().map(Object::toString).orElse(null))
                    .filter(r -> r != null)).containsExactly("stop");
            ChatCompletionChunk tail = chunks.getLast();
            assertThat(tail.choices()).isEmpty();
            assertThat(tail.usage().orElseThrow().completionTokens()).isEqualTo(TokenEstimator.estimate(recordedAnswer));
            assertThat(extra(tail._allProperties(), "routing").path("arm").asText()).isEqualTo(GPT4 + ":off");
        } finally {
            client.close();
        }
    }

    @Test
    void openaiJavaSelectsAProfileByModelNameAndSeesTheDecisionInTheHeaders() {
        OpenAIClient client = openai(replay);
        try (HttpResponseFor<ChatCompletion> response = client.chat().completions().withRawResponse().create(params("strong", question))) {
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().values("x-thinkroute-arm")).containsExactly(GPT4 + ":off");
            assertThat(response.headers().values("x-thinkroute-reason")).containsExactly("profile-rule");
            assertThat(response.headers().values("x-thinkroute-cost-usd")).singleElement()
                    .satisfies(cost -> assertThat(new BigDecimal(cost)).isPositive());
            ChatCompletion completion = response.parse();
            assertThat(completion.choices().getFirst().message().content()).contains(recordedAnswer);
            assertThat(extra(completion._allProperties(), "routing").path("profile").asText()).isEqualTo("strong");
        } finally {
            client.close();
        }
    }

    @Test
    void openaiJavaListsTheProfilesAndModelsItCanAskFor() {
        OpenAIClient client = openai(replay);
        try {
            List<String> ids = client.models().list().data().stream().map(Model::id).toList();

            assertThat(ids).containsExactly("auto", "cheap", "strong", GPT4, "mixtral-8x7b");
        } finally {
            client.close();
        }
    }

    @Test
    void openaiJavaSurfacesTheGatewaysErrorObjectAsItsTypedException() {
        OpenAIClient client = openai(replay);
        try {
            NotFoundException e = catchThrowableOfType(NotFoundException.class,
                    () -> client.chat().completions().create(params("no-such-model", question)));

            assertThat(e.statusCode()).isEqualTo(404);
            assertThat(e.code()).contains("model_not_found");
            assertThat(e.param()).contains("model");
            assertThat(e.type()).contains("invalid_request_error");
            assertThat(e.getMessage()).contains("no-such-model", "auto", GPT4);
        } finally {
            client.close();
        }
    }

    @Test
    void openaiJavaReadsReasoningContentAndReasoningTokensFromAVllmUpstream() {
        OpenAIClient client = openai(vllm);
        try {
            ChatCompletion completion = client.chat().completions().create(params("qwen3-8b-new-vllm", "What is 17 times 3?"));

            var message = completion.choices().getFirst().message();
            assertThat(message.content()).contains(ANSWER);
            assertThat(extra(message._allProperties(), "reasoning_content").asText()).isEqualTo(REASONING);
            assertThat(completion.usage().orElseThrow().completionTokensDetails().orElseThrow().reasoningTokens())
                    .contains(FakeVllm.REPORTED_REASONING_TOKENS);
        } finally {
            client.close();
        }
    }

    @Test
    void openaiJavaStreamsReasoningContentDeltasFromAVllmUpstream() {
        OpenAIClient client = openai(vllm);
        try {
            ChatCompletionCreateParams p = params("qwen3-8b", "What is 17 times 3?").toBuilder()
                    .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
            StringBuilder reasoning = new StringBuilder();
            StringBuilder content = new StringBuilder();
            List<ChatCompletionChunk> chunks = new ArrayList<>();
            try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(p)) {
                stream.stream().forEach(chunk -> {
                    chunks.add(chunk);
                    for (var choice : chunk.choices()) {
                        JsonNode piece = extra(choice.delta()._allProperties(), "reasoning_content");
                        if (piece.isTextual()) reasoning.append(piece.asText());
                        choice.delta().content().ifPresent(content::append);
                    }
                });
            }
            assertThat(reasoning).hasToString(REASONING);
            assertThat(content).hasToString(ANSWER);
            assertThat(chunks.getLast().usage().orElseThrow().completionTokensDetails().orElseThrow().reasoningTokens())
                    .contains(TokenEstimator.estimate(REASONING));
        } finally {
            client.close();
        }
    }

    @Test
    void openaiJavaSwitchesThinkingOffWithReasoningEffortNoneOrChatTemplateKwargs() {
        OpenAIClient client = openai(vllm);
        try {
            fake.clear();
            client.chat().completions().create(params("qwen3-8b", "What is 17 times 3?").toBuilder()
                    .reasoningEffort(ReasoningEffort.NONE).build());
            assertThat(fake.last(Scenario.REASONING_CONTENT).enableThinking().asBoolean(true)).isFalse();

            ChatCompletion off = client.chat().completions().create(params("qwen3-8b", "What is 17 times 3?").toBuilder()
                    .putAdditionalBodyProperty("chat_template_kwargs", JsonValue.from(Map.of("enable_thinking", false))).build());
            assertThat(fake.last(Scenario.REASONING_CONTENT).enableThinking().asBoolean(true)).isFalse();
            assertThat(extra(off.choices().getFirst().message()._allProperties(), "reasoning_content").isMissingNode()).isTrue();
            assertThat(extra(off._allProperties(), "routing").path("arm").asText()).isEqualTo("qwen3-8b:off");
        } finally {
            client.close();
        }
    }

    // ---- LangChain4j ----

    @Test
    void langchain4jChatModelGetsTheRecordedAnswer() {
        OpenAiChatModel model = OpenAiChatModel.builder()
                .baseUrl(replay.baseUrl()).apiKey("x").modelName(GPT4).maxRetries(0).timeout(CLIENT_TIMEOUT)
                .build();

        ChatResponse response = model.chat(ChatRequest.builder()
                .messages(UserMessage.from(question)).build());

        assertThat(response.aiMessage().text()).isEqualTo(recordedAnswer);
        assertThat(response.tokenUsage().outputTokenCount()).isEqualTo((int) TokenEstimator.estimate(recordedAnswer));
        assertThat(response.modelName()).isEqualTo(GPT4);
    }

    @Test
    void langchain4jStreamingChatModelStreamsTheSameAnswer() throws Exception {
        OpenAiStreamingChatModel model = OpenAiStreamingChatModel.builder()
                .baseUrl(replay.baseUrl()).apiKey("x").modelName(GPT4).timeout(CLIENT_TIMEOUT)
                .build();
        Collected collected = new Collected();

        model.chat(question, collected);
        ChatResponse response = collected.done.get(20, TimeUnit.SECONDS);

        assertThat(collected.partials).hasSizeGreaterThan(3);
        assertThat(String.join("", collected.partials)).isEqualTo(recordedAnswer);
        assertThat(response.aiMessage().text()).isEqualTo(recordedAnswer);
    }

    @Test
    void langchain4jReturnsTheThinkingOfAVllmUpstreamWhenAskedTo() {
        OpenAiChatModel model = OpenAiChatModel.builder()
                .baseUrl(vllm.baseUrl()).apiKey("x").modelName("qwen3-8b-no-parser").returnThinking(true)
                .maxRetries(0).timeout(CLIENT_TIMEOUT)
                .build();

        ChatResponse response = model.chat(ChatRequest.builder()
                .messages(UserMessage.from("What is 17 times 3?")).build());

        AiMessage message = response.aiMessage();
        assertThat(message.text()).isEqualTo(ANSWER);
        assertThat(message.thinking()).isEqualTo(REASONING);
        assertThat(response.tokenUsage()).isInstanceOfSatisfying(OpenAiTokenUsage.class, usage ->
                assertThat(usage.outputTokensDetails().reasoningTokens()).isEqualTo((int) TokenEstimator.estimate(REASONING)));
    }

    @Test
    void langchain4jStreamsTheThinkingOfAVllmUpstreamAsPartialThinking() throws Exception {
        OpenAiStreamingChatModel model = OpenAiStreamingChatModel.builder()
                .baseUrl(vllm.baseUrl()).apiKey("x").modelName("qwen3-8b-new-vllm").returnThinking(true).timeout(CLIENT_TIMEOUT)
                .build();
        Collected collected = new Collected();

        model.chat("What is 17 times 3?", collected);
        ChatResponse response = collected.done.get(20, TimeUnit.SECONDS);

        assertThat(String.join("", collected.thinking)).isEqualTo(REASONING);
        assertThat(String.join("", collected.partials)).isEqualTo(ANSWER);
        assertThat(response.aiMessage().thinking()).isEqualTo(REASONING);
        assertThat(response.aiMessage().text()).isEqualTo(ANSWER);
    }

    /** Gathers a LangChain4j stream. */
    private static final class Collected implements StreamingChatResponseHandler {
        final List<String> partials = new ArrayList<>();
        final List<String> thinking = new ArrayList<>();
        final CompletableFuture<ChatResponse> done = new CompletableFuture<>();

        @Override
        public void onPartialResponse(String partial) {
            partials.add(partial);
        }

        @Override
        public void onPartialThinking(PartialThinking partial) {
            thinking.add(partial.text());
        }

        @Override
        public void onCompleteResponse(ChatResponse response) {
            done.complete(response);
        }

        @Override
        public void onError(Throwable error) {
            done.completeExceptionally(error);
        }
    }
}
