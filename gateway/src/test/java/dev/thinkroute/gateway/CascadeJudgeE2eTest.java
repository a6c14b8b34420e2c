package dev.thinkroute.gateway;

import static dev.thinkroute.gateway.CascadeE2eTest.KEEP_A;
import static dev.thinkroute.gateway.CascadeE2eTest.KEEP_B;
import static dev.thinkroute.gateway.CascadeE2eTest.STRONG_ANSWER;
import static dev.thinkroute.gateway.CascadeE2eTest.THOUGHT;
import static dev.thinkroute.gateway.E2e.chat;
import static dev.thinkroute.gateway.E2e.chatBody;
import static dev.thinkroute.gateway.FakeCascadeUpstream.CHEAP;
import static dev.thinkroute.gateway.FakeCascadeUpstream.STRONG;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.thinkroute.gateway.E2e.Reply;
import dev.thinkroute.gateway.FakeCascadeUpstream.Script;

import java.io.IOException;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A cascade with a judge model: once the free checks pass, a second model is asked whether the cheap answer is
 * correct, and only a "yes" keeps it. The judge is a separate OpenAI-compatible server whose verdict the test sets.
 */
@Timeout(60)
class CascadeJudgeE2eTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final FakeOpenAiResponses.Envelope JUDGE = new FakeOpenAiResponses.Envelope("chatcmpl-judge", 1_750_000_000L, "judge");

    private static FakeCascadeUpstream fake;
    private static HttpServer judgeServer;
    private static final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private static final Queue<JsonNode> judged = new ConcurrentLinkedQueue<>();
    private static volatile String verdict = "yes";
    private static Gateway gateway;

    @BeforeAll
    static void start() {
        fake = new FakeCascadeUpstream();
        judgeServer = FakeOpenAiResponses.startServer(executor, CascadeJudgeE2eTest::judge);
        String judgeUrl = "http://127.0.0.1:" + judgeServer.getAddress().getPort() + "/v1";
        gateway = E2e.start("""
                %s
                models:
                %s
                  - {name: judge-8b, dialect: openai, base_url: "%s", price: {input: 0.1, output: 0.1}}
                profiles:
                  judged:
                    cascade: {cheap: "qwen3-8b:off", strong: "qwen3-8b:on", samples: 2, checks: math, judge: "judge-8b:off"}
                """.formatted(E2e.serverYaml(5_000), E2e.qwen3CardYaml("qwen3-8b", fake.baseUrl()), judgeUrl));
    }

    private static void judge(HttpExchange ex) throws IOException {
        try (ex) {
            JsonNode body = JSON.readTree(ex.getRequestBody());
            judged.add(body);
            ObjectNode message = JSON.createObjectNode().put("role", "assistant").put("content", verdict);
            FakeOpenAiResponses.sendJson(ex, 200, JUDGE.completion(message, "stop", FakeOpenAiResponses.usage(60, 1)));
        }
    }

    @AfterAll
    static void stop() {
        E2e.closeAll(gateway, fake, () -> judgeServer.stop(0), executor::close);
    }

    @BeforeEach
    void forget() {
        fake.clear();
        judged.clear();
    }

    private static String question(String tag) {
        String q = "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. "
                + "How many clips did Natalia sell altogether in April and May? (" + tag + ")";
        fake.script(q, Script.of(THOUGHT, STRONG_ANSWER, KEEP_A, KEEP_B));
        return q;
    }

    @Test
    void aYesFromTheJudgeKeepsTheCheapAnswerAndItsCallIsCounted() {
        verdict = "Yes.";
        String q = question("yes");
        Reply reply = chat(gateway, chatBody("judged", q));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        JsonNode routing = reply.json().path("routing");
        assertThat(routing.path("arm").asText()).isEqualTo("qwen3-8b:off");
        assertThat(routing.path("detail").asText()).endsWith("and the form checks pass; judge-8b:off says it is correct");
        assertThat(routing.at("/cascade/signals/judge").asText()).isEqualTo("yes");
        assertThat(fake.received(STRONG)).isEmpty();
        // The judge saw the question and the kept answer, and was asked for one word.
        assertThat(judged).hasSize(1);
        JsonNode asked = judged.peek();
        assertThat(asked.at("/messages/1/content").asText()).contains(q).contains("Proposed answer:");
        assertThat(asked.path("max_completion_tokens").asInt()).isEqualTo(8);
        JsonNode calls = routing.at("/cascade/calls");
        assertThat(calls).hasSize(3);
        assertThat(calls.get(2).path("arm").asText()).isEqualTo("judge-8b:off");
        assertThat(calls.get(2).path("role").asText()).isEqualTo("judge");
        // Every call is in the cost: the two cheap samples and the judge (61 tokens at $0.1 per 1M).
        double cheap = fake.received(CHEAP).stream().mapToDouble(r -> E2e.cost(r.promptTokens(), r.completionTokens()).doubleValue()).sum();
        assertThat(routing.path("cost_usd").asDouble()).isCloseTo(cheap + 61 * 0.1 / 1e6, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void aNoFromTheJudgeEscalatesEvenWhenTheSamplesAgree() {
        verdict = "No";
        Reply reply = chat(gateway, chatBody("judged", question("no")));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        JsonNode routing = reply.json().path("routing");
        assertThat(routing.path("arm").asText()).isEqualTo("qwen3-8b:on");
        assertThat(routing.path("detail").asText()).isEqualTo("cascade escalated from qwen3-8b:off to qwen3-8b:on: judge-8b:off says the answer is wrong");
        assertThat(routing.at("/cascade/escalated").asBoolean(false)).isTrue();
        assertThat(fake.received(STRONG)).hasSize(1);
        assertThat(reply.json().at("/choices/0/message/content").asText()).isEqualTo(STRONG_ANSWER);
        assertThat(routing.at("/cascade/calls")).extracting(c -> c.path("arm").asText())
                .containsExactly("qwen3-8b:off", "qwen3-8b:off", "judge-8b:off", "qwen3-8b:on");
    }

    @Test
    void theJudgeIsNotAskedWhenTheFreeChecksAlreadyEscalate() {
        verdict = "yes";
        String q = "Natalia sold 48 clips in April and half as many in May. How many in all? (disagree)";
        fake.script(q, Script.of(THOUGHT, STRONG_ANSWER, KEEP_A, CascadeE2eTest.OFF_BY_TWO));
        Reply reply = chat(gateway, chatBody("judged", q));

        assertThat(reply.json().at("/routing/arm").asText()).isEqualTo("qwen3-8b:on");
        assertThat(judged).isEmpty();
        assertThat(List.of(reply.json().at("/routing/cascade/signals").has("judge"))).containsExactly(false);
    }
}
