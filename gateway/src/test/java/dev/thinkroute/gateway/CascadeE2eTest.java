package dev.thinkroute.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thinkroute.gateway.E2e.Reply;
import dev.thinkroute.gateway.FakeCascadeUpstream.Received;
import dev.thinkroute.gateway.FakeCascadeUpstream.Script;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;

import static dev.thinkroute.gateway.E2e.chat;
import static dev.thinkroute.gateway.E2e.chatBody;
import static dev.thinkroute.gateway.E2e.streamBody;
import static dev.thinkroute.gateway.FakeCascadeUpstream.CHEAP;
import static dev.thinkroute.gateway.FakeCascadeUpstream.STRONG;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cascade profiles end to end: OpenAI-protocol requests to a real gateway over HTTP, in front of
 * {@link FakeCascadeUpstream} (a Qwen3 whose answers depend on the question and on whether it is asked to think). The
 * cheap samples, the judge, the escalation, streaming only the kept answer, the cost of every call, the bypass when
 * the caller forces thinking, and failures of either arm.
 */
@Timeout(60)
class CascadeE2eTest {

    static final String CHEAP_ARM = "qwen3-8b:off";
    static final String STRONG_ARM = "qwen3-8b:on";

    /** Three wordings of one GSM8K solution, all clean and all ending in 72. */
    static final String KEEP_A = """
            Natalia sold half as many clips in May: 48/2 = <<48/2=24>>24 clips.
            Altogether she sold 48+24 = <<48+24=72>>72 clips.
            #### 72""";
    static final String KEEP_B = """
            In May the count was 48 / 2 = <<48/2=24>>24 clips.
            April and May together make 48 + 24 = <<48+24=72>>72 clips.
            A: 72""";
    static final String KEEP_C = """
            Half of forty-eight is 48/2 = <<48/2=24>>24 clips.
            The total is 24+48 = <<24+48=72>>72 clips.
            #### 72""";
    /** A clean solution with another answer. */
    static final String OFF_BY_TWO = """
            Natalia sold 48/2 + 2 = <<48/2+2=26>>26 clips in May.
            She sold 48+26 = <<48+26=74>>74 clips in total.
            #### 74""";
    static final String THOUGHT = "Okay, April is 48 clips and May is half of that, so 24. The sum is 72. ";
    static final String STRONG_ANSWER = "She sold 48 clips in April and 24 in May, 72 clips in all.\n#### 72";

    private static FakeCascadeUpstream fake;
    private static Gateway gateway;

    @BeforeAll
    static void start() {
        fake = new FakeCascadeUpstream();
        gateway = E2e.start("""
                %s
                models:
                %s
                profiles:
                  careful:
                    cascade: {cheap: "qwen3-8b:off", strong: "qwen3-8b:on", samples: 2, checks: math}
                    description: cheap first, thinking when unsure
                  single:
                    cascade: {cheap: "qwen3-8b:off", strong: "qwen3-8b:on", samples: 1, checks: math}
                  triple:
                    cascade: {cheap: "qwen3-8b:off", strong: "qwen3-8b:on", samples: 3, checks: math}
                  quiz:
                    cascade: {cheap: "qwen3-8b:off", strong: "qwen3-8b:on", samples: 2, checks: text}
                """.formatted(E2e.serverYaml(5_000), E2e.qwen3CardYaml("qwen3-8b", fake.baseUrl())));
    }

    @AfterAll
    static void stop() {
        E2e.closeAll(gateway, fake);
    }

    @BeforeEach
    void forgetEarlierRequests() {
        fake.clear();
    }

    /** What the call cost at the card's prices. */
    static BigDecimal cost(Received r) {
        return E2e.cost(r.promptTokens(), r.completionTokens());
    }

    static BigDecimal cost(List<Received> calls) {
        return calls.stream().filter(r -> !r.failed()).map(CascadeE2eTest::cost).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    /** The cheap request whose answer is {@code content} (the samples race, so which one is kept is found by its text). */
    static Received cheapCallAnswering(String content) {
        return fake.received(CHEAP).stream().filter(r -> content.equals(r.content())).findFirst()
                .orElseThrow(() -> new AssertionError("no cheap call answered " + content));
    }

    static void assertCheapRequests(int samples, boolean expectFailures) {
        List<Received> cheap = fake.received(CHEAP);
        assertThat(cheap).as("exactly one request per cheap sample").hasSize(samples);
        assertThat(cheap).allSatisfy(r -> {
            assertThat(r.body().path("model").asText()).isEqualTo(FakeCascadeUpstream.SERVED_MODEL);
            assertThat(r.body().at("/chat_template_kwargs/enable_thinking").isBoolean()).isTrue();
            assertThat(r.body().at("/chat_template_kwargs/enable_thinking").booleanValue()).isFalse();
            assertThat(r.stream()).as("cheap samples are blocking calls, even for a stream request").isFalse();
            assertThat(r.body().has("routing")).isFalse();
        });
        if (!expectFailures) assertThat(cheap).noneMatch(Received::failed);
    }

    static void assertCost(JsonNode routing, Reply reply, BigDecimal expected) {
        assertThat(routing.path("cost_usd").decimalValue()).as(routing.toString()).isEqualByComparingTo(expected);
        if (reply.header("x-thinkroute-cost-usd") != null) {
            assertThat(new BigDecimal(reply.header("x-thinkroute-cost-usd"))).isEqualByComparingTo(expected);
        }
    }

    static void assertCheapCalls(JsonNode calls, int samples) {
        for (int i = 0; i < samples; i++) {
            JsonNode call = calls.get(i);
            assertThat(call.path("arm").asText()).isEqualTo(CHEAP_ARM);
            if (call.path("failed").asBoolean(false)) continue;
            assertThat(call.path("cost_usd").isNumber()).as(call.toString()).isTrue();
            assertThat(call.path("output_tokens").asLong()).isPositive();
            assertThat(fake.received(CHEAP).stream().map(r -> r.completionTokens()))
                    .contains(call.path("output_tokens").asLong());
        }
    }

    // ---- (a) the cheap answer kept ----

    @ParameterizedTest(name = "{0}: {1} samples")
    @CsvSource({"single, 1", "careful, 2", "triple, 3"})
    void agreeingSamplesKeepTheCheapAnswer(String profile, int samples) {
        String question = "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. "
                + "How many clips did Natalia sell altogether in April and May? (" + profile + ")";
        fake.script(question, Script.of(THOUGHT, STRONG_ANSWER, KEEP_A, KEEP_B, KEEP_C));

        Reply reply = chat(gateway, chatBody(profile, question));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        assertThat(reply.header("x-thinkroute-arm")).isEqualTo(CHEAP_ARM);
        assertThat(reply.header("x-thinkroute-reason")).isEqualTo("profile-rule");
        assertCheapRequests(samples, false);
        assertThat(fake.received(STRONG)).as("no escalation").isEmpty();

        JsonNode body = reply.json();
        String content = body.at("/choices/0/message/content").asText();
        assertThat(content).isIn(KEEP_A, KEEP_B, KEEP_C);
        Received kept = cheapCallAnswering(content);
        assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(body.at("/choices/0/message/reasoning_content").asText("")).isEmpty();
        assertThat(body.path("model").asText()).isEqualTo("qwen3-8b");
        assertThat(body.at("/usage/prompt_tokens").asLong()).as("the kept answer's usage").isEqualTo(kept.promptTokens());
        assertThat(body.at("/usage/completion_tokens").asLong()).isEqualTo(kept.completionTokens());

        JsonNode routing = body.path("routing");
        assertThat(routing.path("arm").asText()).isEqualTo(CHEAP_ARM);
        assertThat(routing.path("model").asText()).isEqualTo("qwen3-8b");
        assertThat(routing.path("thinking").asText()).isEqualTo("off");
        assertThat(routing.path("reason").asText()).isEqualTo("profile-rule");
        assertThat(routing.path("profile").asText()).isEqualTo(profile);
        assertThat(routing.path("detail").asText()).isEqualTo("cascade kept the cheap answer of qwen3-8b:off: "
                + (samples == 1 ? "answer '72'" : samples + " cheap samples agree on '72'") + " and the form checks pass");

        JsonNode cascade = routing.path("cascade");
        assertThat(cascade.path("cheap").asText()).isEqualTo(CHEAP_ARM);
        assertThat(cascade.path("strong").asText()).isEqualTo(STRONG_ARM);
        assertThat(cascade.path("escalated").asBoolean(true)).isFalse();
        assertThat(cascade.has("failures")).isFalse();
        assertThat(cascade.path("signals").path("answers")).hasSize(samples).allSatisfy(a -> assertThat(a.asText()).isEqualTo("72"));
        assertThat(cascade.path("signals").path("calculator_clean").asBoolean(false)).isTrue();
        assertThat(cascade.path("signals").has("samples_agree")).isEqualTo(samples > 1);
        assertThat(cascade.path("calls")).hasSize(samples);
        assertCheapCalls(cascade.path("calls"), samples);

        assertCost(routing, reply, cost(fake.received(CHEAP)));
        assertThat(routing.path("usage_estimated").asBoolean(true)).isFalse();
    }

    @Test
    void textChecksKeepAnswersThatAgreeAfterNormalisation() {
        String question = "Which landmark was built for the 1889 World's Fair in Paris?";
        fake.script(question, Script.of("Hmm, 1889. ", "The Eiffel Tower", "The Eiffel Tower.", "eiffel tower"));

        Reply reply = chat(gateway, chatBody("quiz", question));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        assertCheapRequests(2, false);
        assertThat(fake.received(STRONG)).isEmpty();
        JsonNode routing = reply.json().path("routing");
        assertThat(routing.path("arm").asText()).isEqualTo(CHEAP_ARM);
        assertThat(routing.path("cascade").path("escalated").asBoolean(true)).isFalse();
        assertThat(routing.path("detail").asText()).startsWith("cascade kept the cheap answer of qwen3-8b:off: 2 cheap samples agree on '");
        assertThat(reply.json().at("/choices/0/message/content").asText()).isIn("The Eiffel Tower.", "eiffel tower");
        assertCost(routing, reply, cost(fake.received(CHEAP)));
    }

    // ---- (b) escalation ----

    @Test
    void disagreeingSamplesEscalateToTheStrongArm() {
        String question = "Natalia sold 48 clips in April and half as many in May. How many in all? (disagree)";
        fake.script(question, Script.of(THOUGHT, STRONG_ANSWER, KEEP_A, OFF_BY_TWO));

        Reply reply = chat(gateway, chatBody("careful", question));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        assertThat(reply.header("x-thinkroute-arm")).isEqualTo(STRONG_ARM);
        assertCheapRequests(2, false);
        List<Received> strong = fake.received(STRONG);
        assertThat(strong).as("exactly one strong request").hasSize(1);
        assertThat(strong.getFirst().body().at("/chat_template_kwargs/enable_thinking").asBoolean(false)).isTrue();
        assertThat(strong.getFirst().stream()).isFalse();
        assertThat(fake.received().getLast().arm()).as("the strong arm is asked after the cheap samples").isEqualTo(STRONG);

        JsonNode body = reply.json();
        assertThat(body.at("/choices/0/message/content").asText()).isEqualTo(STRONG_ANSWER);
        assertThat(body.at("/choices/0/message/reasoning_content").asText()).isEqualTo(THOUGHT);
        assertThat(body.at("/usage/prompt_tokens").asLong()).as("the strong answer's usage").isEqualTo(strong.getFirst().promptTokens());
        assertThat(body.at("/usage/completion_tokens").asLong()).isEqualTo(strong.getFirst().completionTokens());

        JsonNode routing = body.path("routing");
        assertThat(routing.path("arm").asText()).isEqualTo(STRONG_ARM);
        assertThat(routing.path("thinking").asText()).isEqualTo("on");
        assertThat(routing.path("reason").asText()).isEqualTo("profile-rule");
        assertThat(routing.path("profile").asText()).isEqualTo("careful");
        assertThat(routing.path("detail").asText())
                .startsWith("cascade escalated from qwen3-8b:off to qwen3-8b:on: the 2 cheap samples disagree (")
                .contains("'72'", "'74'", " vs ");
        JsonNode cascade = routing.path("cascade");
        assertThat(cascade.path("escalated").asBoolean(false)).isTrue();
        assertThat(cascade.path("signals").path("samples_agree").asBoolean(true)).isFalse();
        assertThat(cascade.path("calls")).hasSize(3);
        assertCheapCalls(cascade.path("calls"), 2);
        assertThat(cascade.path("calls").get(2).path("arm").asText()).isEqualTo(STRONG_ARM);

        assertCost(routing, reply, cost(fake.received(CHEAP)).add(cost(strong.getFirst())));
    }

    @Test
    void aSingleSampleThatFailsTheFormChecksEscalates() {
        String question = "Natalia sold 48 clips in April and half as many in May. How many in all? (bad arithmetic)";
        String wrong = "Natalia sold 48/2 = <<48/2=25>>25 clips in May.\nShe sold 48+25 = <<48+25=73>>73 clips.\n#### 73";
        fake.script(question, Script.of(THOUGHT, STRONG_ANSWER, wrong));

        Reply reply = chat(gateway, chatBody("single", question));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        assertCheapRequests(1, false);
        assertThat(fake.received(STRONG)).hasSize(1);
        JsonNode routing = reply.json().path("routing");
        assertThat(routing.path("detail").asText())
                .isEqualTo("cascade escalated from qwen3-8b:off to qwen3-8b:on: a calculator annotation does not check out");
        assertThat(routing.path("cascade").path("signals").path("calculator_clean").asBoolean(true)).isFalse();
        assertThat(reply.json().at("/choices/0/message/content").asText()).isEqualTo(STRONG_ANSWER);
        assertCost(routing, reply, cost(fake.received()));
    }

    // ---- (c) streaming ----

    @Test
    void aKeptCheapAnswerIsStreamedAloneWithTheCascadeInTheFinishChunk() {
        String question = "Natalia sold 48 clips in April and half as many in May. How many in all? (stream, kept)";
        fake.script(question, Script.of(THOUGHT, STRONG_ANSWER, KEEP_A, KEEP_B));

        Reply reply = chat(gateway, streamBody("careful", question, true));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        assertThat(reply.contentType()).startsWith("text/event-stream");
        assertThat(reply.header("x-thinkroute-arm")).isEqualTo(CHEAP_ARM);
        assertCheapRequests(2, false);
        assertThat(fake.received(STRONG)).isEmpty();

        String content = reply.joined("content");
        assertThat(content).isIn(KEEP_A, KEEP_B);
        String discarded = content.equals(KEEP_A) ? KEEP_B : KEEP_A;
        for (String line : discarded.lines().toList()) {
            assertThat(reply.body()).as("nothing of the discarded sample is streamed").doesNotContain(line);
        }
        assertThat(reply.joined("reasoning_content")).isEmpty();

        List<String> data = reply.sseData();
        assertThat(data.getLast()).isEqualTo("[DONE]");
        List<JsonNode> frames = reply.frames();
        assertThat(frames).allSatisfy(f -> {
            assertThat(f.path("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(f.path("model").asText()).isEqualTo("qwen3-8b");
            assertThat(f.path("id").asText()).isEqualTo(frames.getFirst().path("id").asText());
        });
        assertThat(frames.getFirst().at("/choices/0/delta/role").asText()).isEqualTo("assistant");

        List<JsonNode> finishes = frames.stream().filter(f -> f.at("/choices/0/finish_reason").isTextual()).toList();
        assertThat(finishes).hasSize(1);
        JsonNode routing = finishes.getFirst().path("routing");
        assertThat(finishes.getFirst().at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(routing.path("arm").asText()).isEqualTo(CHEAP_ARM);
        assertThat(routing.path("cascade").path("escalated").asBoolean(true)).isFalse();
        assertThat(routing.path("cascade").path("calls")).hasSize(2);
        assertThat(routing.path("detail").asText()).startsWith("cascade kept the cheap answer of qwen3-8b:off: 2 cheap samples agree on '72'");
        assertCost(routing, reply, cost(fake.received(CHEAP)));

        Received kept = cheapCallAnswering(content);
        JsonNode usageFrame = frames.getLast();
        assertThat(usageFrame.path("choices")).isEmpty();
        assertThat(usageFrame.at("/usage/prompt_tokens").asLong()).isEqualTo(kept.promptTokens());
        assertThat(usageFrame.at("/usage/completion_tokens").asLong()).as("the kept answer's usage").isEqualTo(kept.completionTokens());
    }

    @Test
    void anEscalatedAnswerIsStreamedFromTheStrongArmWithoutTheCheapText() {
        String question = "Natalia sold 48 clips in April and half as many in May. How many in all? (stream, escalated)";
        fake.script(question, Script.of(THOUGHT, STRONG_ANSWER, KEEP_A, OFF_BY_TWO));

        Reply reply = chat(gateway, streamBody("careful", question, true));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        assertThat(reply.contentType()).startsWith("text/event-stream");
        assertThat(reply.header("x-thinkroute-arm")).isEqualTo(STRONG_ARM);
        assertCheapRequests(2, false);
        List<Received> strong = fake.received(STRONG);
        assertThat(strong).hasSize(1);
        assertThat(strong.getFirst().stream()).as("the strong arm streams").isTrue();
        assertThat(strong.getFirst().body().at("/stream_options/include_usage").asBoolean(false)).isTrue();

        assertThat(reply.joined("content")).isEqualTo(STRONG_ANSWER);
        assertThat(reply.joined("reasoning_content")).isEqualTo(THOUGHT);
        for (String line : (KEEP_A + "\n" + OFF_BY_TWO).lines().filter(l -> !l.startsWith("####")).toList()) {
            assertThat(reply.body()).as("nothing of the cheap samples is streamed").doesNotContain(line);
        }
        List<JsonNode> frames = reply.frames();
        long contentDeltas = frames.stream().filter(f -> !f.at("/choices/0/delta/content").asText("").isEmpty()).count();
        assertThat(contentDeltas).as("relayed chunk by chunk").isGreaterThan(1);

        List<JsonNode> finishes = frames.stream().filter(f -> f.at("/choices/0/finish_reason").isTextual()).toList();
        assertThat(finishes).hasSize(1);
        JsonNode routing = finishes.getFirst().path("routing");
        assertThat(routing.path("arm").asText()).isEqualTo(STRONG_ARM);
        assertThat(routing.path("cascade").path("escalated").asBoolean(false)).isTrue();
        assertThat(routing.path("cascade").path("calls")).hasSize(3);
        assertThat(routing.path("detail").asText()).contains("the 2 cheap samples disagree", "'72'", "'74'");
        assertCost(routing, reply, cost(fake.received(CHEAP)).add(cost(strong.getFirst())));

        JsonNode usageFrame = frames.getLast();
        assertThat(usageFrame.at("/usage/completion_tokens").asLong()).isEqualTo(strong.getFirst().completionTokens());
        assertThat(usageFrame.at("/usage/prompt_tokens").asLong()).isEqualTo(strong.getFirst().promptTokens());
    }

    // ---- (d) the caller's thinking wins ----

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({"routing, on, on", "routing, off, off", "reasoning_effort, high, on"})
    void forcingTheThinkingBypassesTheCascade(String via, String value, String thinking) {
        String question = "Natalia sold 48 clips in April and half as many in May. How many in all? (forced " + via + " " + value + ")";
        fake.script(question, Script.of(THOUGHT, STRONG_ANSWER, KEEP_A, OFF_BY_TWO));
        ObjectNode body = chatBody("careful", question);
        if (via.equals("routing")) body.putObject("routing").put("thinking", value);
        else body.put(via, value);

        Reply reply = chat(gateway, body);

        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        assertThat(fake.received()).as("one request, no samples").hasSize(1);
        Received only = fake.received().getFirst();
        assertThat(only.arm()).isEqualTo(thinking.equals("on") ? STRONG : CHEAP);
        JsonNode routing = reply.json().path("routing");
        assertThat(routing.path("arm").asText()).isEqualTo("qwen3-8b:" + thinking);
        assertThat(routing.path("reason").asText()).isEqualTo("caller-forced");
        assertThat(routing.path("profile").asText()).isEqualTo("careful");
        assertThat(routing.has("cascade")).isFalse();
        assertThat(reply.json().at("/choices/0/message/content").asText()).isEqualTo(only.content());
        assertCost(routing, reply, cost(only));
    }

    // ---- (e) the cheap arm failing ----

    @Test
    void cheapSamplesThatFailEscalateAndAreListed() {
        String question = "Natalia sold 48 clips in April and half as many in May. How many in all? (cheap down)";
        fake.script(question, Script.of(THOUGHT, STRONG_ANSWER, (String) null));

        Reply reply = chat(gateway, chatBody("careful", question));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        assertThat(reply.header("x-thinkroute-arm")).isEqualTo(STRONG_ARM);
        assertCheapRequests(2, true);
        assertThat(fake.received(CHEAP)).allMatch(Received::failed);
        assertThat(fake.received(STRONG)).hasSize(1);
        assertThat(reply.json().at("/choices/0/message/content").asText()).isEqualTo(STRONG_ANSWER);

        JsonNode routing = reply.json().path("routing");
        assertThat(routing.path("arm").asText()).isEqualTo(STRONG_ARM);
        assertThat(routing.path("detail").asText())
                .startsWith("cascade escalated from qwen3-8b:off to qwen3-8b:on: the cheap answer failed (sample 1: ");
        JsonNode cascade = routing.path("cascade");
        assertThat(cascade.path("escalated").asBoolean(false)).isTrue();
        JsonNode failures = cascade.path("failures");
        assertThat(failures).hasSize(2);
        assertThat(failures.get(0).asText()).startsWith("sample 1: ").contains("500");
        assertThat(failures.get(1).asText()).startsWith("sample 2: ").contains("500");
        assertThat(failures.toString()).doesNotContain(E2e.KEY);
        assertThat(cascade.path("calls")).hasSize(3);
        assertThat(cascade.path("calls").get(0).path("failed").asBoolean(false)).isTrue();
        assertThat(cascade.path("calls").get(1).path("failed").asBoolean(false)).isTrue();
        assertThat(cascade.path("calls").get(2).path("arm").asText()).isEqualTo(STRONG_ARM);
        assertCost(routing, reply, cost(fake.received(STRONG).getFirst()));
    }

    @Test
    void oneFailedSampleOfTwoEscalatesAndCountsTheOther() {
        String question = "Natalia sold 48 clips in April and half as many in May. How many in all? (one sample down)";
        fake.script(question, Script.of(THOUGHT, STRONG_ANSWER, KEEP_A, null));

        Reply reply = chat(gateway, chatBody("careful", question));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        assertCheapRequests(2, true);
        assertThat(fake.received(CHEAP).stream().filter(Received::failed)).hasSize(1);
        assertThat(fake.received(STRONG)).hasSize(1);
        JsonNode routing = reply.json().path("routing");
        assertThat(routing.path("arm").asText()).isEqualTo(STRONG_ARM);
        JsonNode cascade = routing.path("cascade");
        assertThat(cascade.path("escalated").asBoolean(false)).isTrue();
        assertThat(cascade.path("failures")).hasSize(1);
        assertThat(cascade.path("failures").get(0).asText()).matches("sample [12]: .*");
        // Whichever sample failed, the answer escalates: the failed one is either the answer or a disagreeing one.
        assertThat(routing.path("detail").asText()).satisfiesAnyOf(
                d -> assertThat(d).contains("the cheap answer failed (sample 1: "),
                d -> assertThat(d).contains("the 2 cheap samples disagree ('72' vs no answer)"));
        assertCost(routing, reply, cost(fake.received()));
    }

    // ---- (f) the strong arm failing ----

    @ParameterizedTest(name = "stream: {0}")
    @ValueSource(booleans = {false, true})
    void aStrongArmFailingAfterEscalationIsAnOpenAiError(boolean stream) {
        String question = "Natalia sold 48 clips in April and half as many in May. How many in all? (strong down, " + stream + ")";
        fake.script(question, Script.of(THOUGHT, null, KEEP_A, OFF_BY_TWO));

        Reply reply = chat(gateway, stream ? streamBody("careful", question, true) : chatBody("careful", question));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(502);
        assertThat(reply.contentType()).startsWith("application/json");
        JsonNode error = reply.json().path("error");
        assertThat(error.path("type").asText()).isEqualTo("api_error");
        assertThat(error.path("code").asText()).isEqualTo("upstream_error");
        assertThat(error.has("param")).isTrue();
        assertThat(error.get("param").isNull()).isTrue();
        assertThat(error.path("message").asText()).isNotBlank().doesNotContain(E2e.KEY);
        assertCheapRequests(2, false);
        assertThat(fake.received(STRONG)).hasSize(1);
        assertThat(fake.received(STRONG).getFirst().stream()).isEqualTo(stream);

        // The gateway still serves the next request.
        String next = question + " again";
        fake.script(next, Script.of(THOUGHT, STRONG_ANSWER, KEEP_A));
        Reply ok = chat(gateway, chatBody("careful", next));
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
    }

    // ---- the profile is listed ----

    @Test
    void modelsListsTheCascadeProfiles() {
        Reply reply = E2e.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/models")).GET().build());

        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        JsonNode careful = null;
        JsonNode single = null;
        for (JsonNode m : reply.json().path("data")) {
            ids.add(m.path("id").asText());
            if (m.path("id").asText().equals("careful")) careful = m;
            if (m.path("id").asText().equals("single")) single = m;
        }
        assertThat(ids).contains("careful", "single", "triple", "quiz", "qwen3-8b");
        assertThat(careful).isNotNull();
        assertThat(careful.at("/thinkroute/kind").asText()).isEqualTo("profile");
        assertThat(careful.at("/thinkroute/description").asText()).isEqualTo("cheap first, thinking when unsure");
        assertThat(single).isNotNull();
        assertThat(single.at("/thinkroute/description").asText()).isEqualTo("cascade: qwen3-8b:off first, qwen3-8b:on when unsure");
    }
}
