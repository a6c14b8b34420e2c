package dev.thinkroute.llm.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thinkroute.core.ModelCard;
import dev.thinkroute.core.Thinking;
import dev.thinkroute.core.TokenEstimator;
import dev.thinkroute.llm.ChatCall;
import dev.thinkroute.llm.ChatResult;
import dev.thinkroute.llm.StreamEvent;
import dev.thinkroute.llm.UpstreamException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static dev.thinkroute.llm.replay.RouteLlmGsm8kTable.GPT4;
import static dev.thinkroute.llm.replay.RouteLlmGsm8kTable.MIXTRAL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReplayUpstreamTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final OutcomeTable table = Tables.gsm8k();
    private final ModelCard gpt4Card = Tables.card("gpt4-replay", GPT4);
    private final ReplayUpstream gpt4 = new ReplayUpstream(gpt4Card, table);
    private final ReplayUpstream mixtral = new ReplayUpstream(Tables.card("mixtral-replay", MIXTRAL), table);

    private static ObjectNode body(String... roleThenContent) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", "whatever");
        ArrayNode messages = body.putArray("messages");
        for (int i = 0; i < roleThenContent.length; i += 2) {
            messages.addObject().put("role", roleThenContent[i]).put("content", roleThenContent[i + 1]);
        }
        return body;
    }

    private ChatCall call(ReplayUpstream upstream, ObjectNode body) {
        return new ChatCall(upstream.card(), Thinking.OFF, body);
    }

    private static String recorded(String model, String prompt, OutcomeTable table) {
        return table.lookup(model, prompt).orElseThrow().text();
    }

    @Test
    void answersTheRecordedTextWithItsScoreAndEstimatedUsage() throws Exception {
        String system = "You are a helpful assistant.";
        ChatResult r = gpt4.complete(call(gpt4, body("system", system, "user", Tables.JANET)));
        String expected = recorded(GPT4, Tables.JANET, table);
        assertThat(r.content()).isEqualTo(expected);
        assertThat(r.reasoning()).isNull();
        assertThat(r.toolCalls()).isNull();
        assertThat(r.finishReason()).isEqualTo("stop");
        assertThat(r.recordedScore()).isEqualTo(1.0);
        assertThat(r.usage().estimated()).isTrue();
        assertThat(r.usage().reasoningTokens()).isZero();
        assertThat(r.usage().outputTokens()).isEqualTo(TokenEstimator.estimate(expected)).isPositive();
        assertThat(r.usage().inputTokens())
                .isEqualTo(TokenEstimator.estimate(system) + TokenEstimator.estimate(Tables.JANET) + 2 * ReplayUpstream.TOKENS_PER_MESSAGE);
        assertThat(r.latencyMs()).isNotNegative();
    }

    @Test
    void eachCardAnswersAsItsRecordedModel() throws Exception {
        ChatResult r = mixtral.complete(call(mixtral, body("user", Tables.JANET)));
        assertThat(r.content()).startsWith(" Janet starts with 16 eggs per day.");
    }

    @Test
    void aWrongRecordedAnswerCarriesScoreZero() throws Exception {
        String missed = table.prompts().stream()
                .filter(p -> table.lookup(GPT4, p).orElseThrow().score() == 0.0)
                .findFirst().orElseThrow();
        ChatResult r = gpt4.complete(call(gpt4, body("user", missed)));
        assertThat(r.recordedScore()).isEqualTo(0.0);
        assertThat(r.content()).isEqualTo(recorded(GPT4, missed, table));
    }

    @Test
    void answersTheLastUserMessage() throws Exception {
        ChatResult r = gpt4.complete(call(gpt4, body("user", "hello", "assistant", "hi", "user", Tables.JANET)));
        assertThat(r.content()).isEqualTo(recorded(GPT4, Tables.JANET, table));

        assertThatThrownBy(() -> gpt4.complete(call(gpt4, body("user", Tables.JANET, "assistant", "18", "user", "thanks"))))
                .isInstanceOf(UpstreamException.class)
                .hasMessageContaining("(thanks)");
    }

    @Test
    void readsTheTextPartsOfAContentArray() throws Exception {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode content = body.putArray("messages").addObject().put("role", "user").putArray("content");
        int cut = Tables.JANET.indexOf(" She eats");
        content.addObject().put("type", "text").put("text", Tables.JANET.substring(0, cut));
        content.addObject().put("type", "image_url").putObject("image_url").put("url", "http://x/y.png");
        content.addObject().put("type", "text").put("text", Tables.JANET.substring(cut));
        assertThat(gpt4.complete(call(gpt4, body)).content()).isEqualTo(recorded(GPT4, Tables.JANET, table));

        // Split at a space that neither part kept: found through the newline-joined reading.
        ObjectNode split = JSON.createObjectNode();
        ArrayNode parts = split.putArray("messages").addObject().put("role", "user").putArray("content");
        parts.addObject().put("type", "text").put("text", Tables.JANET.substring(0, cut));
        parts.addObject().put("type", "text").put("text", Tables.JANET.substring(cut + 1));
        assertThat(gpt4.complete(call(gpt4, split)).content()).isEqualTo(recorded(GPT4, Tables.JANET, table));
    }

    @Test
    void matchesAWhitespaceVariantOfThePrompt() throws Exception {
        String variant = "  " + Tables.JANET.replace(". ", ".\n  ") + "\n";
        assertThat(gpt4.complete(call(gpt4, body("user", variant))).content()).isEqualTo(recorded(GPT4, Tables.JANET, table));
    }

    @Test
    void anUnrecordedPromptIsNotRecordedWithAHelpfulMessage() {
        String prompt = "A train leaves Paris at 9 am travelling at 80 km/h towards Lyon, which lies 465 km away. When does it arrive?";
        assertThatThrownBy(() -> gpt4.complete(call(gpt4, body("user", prompt))))
                .isInstanceOfSatisfying(UpstreamException.class, e -> {
                    assertThat(e.kind()).isEqualTo(UpstreamException.Kind.NOT_RECORDED);
                    assertThat(e.model()).isEqualTo("gpt4-replay");
                    assertThat(e.getMessage())
                            .startsWith("replay model 'gpt4-replay' has no recorded answer in table 'routellm-gsm8k' for this prompt ("
                                    + prompt.substring(0, 60) + "…)")
                            .contains("the table holds 1319 prompts, e.g. \"Janet’s ducks lay 16 eggs per day.");
                });
    }

    @Test
    void aRequestWithoutAUserMessageIsNotRecorded() {
        assertThatThrownBy(() -> gpt4.complete(call(gpt4, body("system", "be brief"))))
                .isInstanceOfSatisfying(UpstreamException.class,
                        e -> assertThat(e.kind()).isEqualTo(UpstreamException.Kind.NOT_RECORDED))
                .hasMessageContaining("has none");
    }

    @Test
    void aCardForAModelTheTableLacksFailsClearly() {
        assertThatThrownBy(() -> new ReplayUpstream(Tables.card("mine", "gpt-5"), table))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'mine'")
                .hasMessageContaining("'gpt-5'")
                .hasMessageContaining(GPT4 + ", " + MIXTRAL);
    }

    @Test
    void streamsTheSameAnswerInWordChunksThenFinishThenUsage() throws Exception {
        ChatResult blocking = gpt4.complete(call(gpt4, body("user", Tables.JANET)));
        List<StreamEvent> events = new ArrayList<>();
        ChatResult streamed = gpt4.stream(call(gpt4, body("user", Tables.JANET)), events::add);

        List<StreamEvent.Delta> deltas = events.stream()
                .filter(StreamEvent.Delta.class::isInstance).map(StreamEvent.Delta.class::cast).toList();
        assertThat(deltas).hasSizeGreaterThan(5);
        assertThat(events.subList(0, deltas.size())).containsExactlyElementsOf(deltas);
        assertThat(String.join("", deltas.stream().map(StreamEvent.Delta::content).toList())).isEqualTo(blocking.content());
        for (StreamEvent.Delta d : deltas) {
            assertThat(d.reasoning()).isNull();
            assertThat(d.content().strip().split("\\s+")).hasSizeBetween(1, ReplayUpstream.WORDS_PER_CHUNK);
        }
        assertThat(events.subList(deltas.size(), events.size())).containsExactly(
                new StreamEvent.Finish("stop"), new StreamEvent.UsageReport(blocking.usage()));
        assertThat(streamed.content()).isEqualTo(blocking.content());
        assertThat(streamed.usage()).isEqualTo(blocking.usage());
        assertThat(streamed.recordedScore()).isEqualTo(1.0);
    }

    @Test
    void aFailingSinkStopsTheStream() {
        List<StreamEvent> seen = new ArrayList<>();
        assertThatThrownBy(() -> gpt4.stream(call(gpt4, body("user", Tables.JANET)), e -> {
            seen.add(e);
            if (seen.size() == 2) throw new IOException("client went away");
        })).isInstanceOf(IOException.class).hasMessage("client went away");
        assertThat(seen).hasSize(2).allMatch(StreamEvent.Delta.class::isInstance);
    }

    @Test
    void maxTokensTruncatesAndFinishesWithLength() throws Exception {
        String full = recorded(GPT4, Tables.JANET, table);
        ObjectNode body = body("user", Tables.JANET);
        body.put("max_tokens", 10);
        ChatResult r = gpt4.complete(call(gpt4, body));
        assertThat(r.finishReason()).isEqualTo("length");
        assertThat(full).startsWith(r.content());
        assertThat(r.content()).isNotBlank().hasSizeLessThan(full.length());
        assertThat(r.usage().outputTokens()).isEqualTo(TokenEstimator.estimate(r.content())).isBetween(7L, 10L);
        // Cut at a word end, not inside a word.
        assertThat(Character.isWhitespace(full.charAt(r.content().length()))).isTrue();

        List<StreamEvent> events = new ArrayList<>();
        ChatResult streamed = gpt4.stream(call(gpt4, body), events::add);
        assertThat(streamed.content()).isEqualTo(r.content());
        assertThat(events).contains(new StreamEvent.Finish("length"));
    }

    @Test
    void theSmallerOfMaxCompletionTokensAndMaxTokensApplies() throws Exception {
        ObjectNode body = body("user", Tables.JANET);
        body.put("max_tokens", 4000);
        body.put("max_completion_tokens", 5);
        ChatResult r = gpt4.complete(call(gpt4, body));
        assertThat(r.finishReason()).isEqualTo("length");
        assertThat(r.usage().outputTokens()).isBetween(1L, 5L);

        ObjectNode roomy = body("user", Tables.JANET);
        roomy.put("max_tokens", 4000);
        ChatResult whole = gpt4.complete(call(gpt4, roomy));
        assertThat(whole.finishReason()).isEqualTo("stop");
        assertThat(whole.content()).isEqualTo(recorded(GPT4, Tables.JANET, table));
    }

    @Test
    void theBodyIsNotChanged() throws Exception {
        ObjectNode body = body("user", Tables.JANET);
        body.put("max_tokens", 3);
        ObjectNode before = body.deepCopy();
        gpt4.stream(call(gpt4, body), e -> { });
        assertThat(body).isEqualTo(before);
    }

    @Test
    void chunksConcatenateBackExactly() {
        for (String text : List.of("a", " a", "a ", "  a b c d  ", "one two three", "one two three four\n\n", "\n")) {
            List<String> chunks = ReplayUpstream.chunks(text, 3);
            assertThat(String.join("", chunks)).as(text).isEqualTo(text);
            assertThat(chunks).as(text).allSatisfy(c -> assertThat(c).isNotEmpty());
        }
        assertThat(ReplayUpstream.chunks("a b c d e f g", 3)).containsExactly("a b c", " d e f", " g");
        assertThat(ReplayUpstream.chunks("", 3)).isEmpty();
    }

    @Test
    void truncationCutsInsideAWordOnlyWhenNoWordFits() {
        assertThat(ReplayUpstream.truncate("short answer", 100)).isEqualTo("short answer");
        String longWord = "Pneumonoultramicroscopicsilicovolcanoconiosis is long";
        String cut = ReplayUpstream.truncate(longWord, 2);
        assertThat(longWord).startsWith(cut);
        assertThat(cut).isNotEmpty().hasSizeLessThan("Pneumonoultramicroscopicsilicovolcanoconiosis".length());
        assertThat(TokenEstimator.estimate(cut)).isLessThanOrEqualTo(2);
    }
}
