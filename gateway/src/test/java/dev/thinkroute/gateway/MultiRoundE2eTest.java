package dev.thinkroute.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thinkroute.core.TokenEstimator;
import dev.thinkroute.gateway.E2e.Reply;
import dev.thinkroute.gateway.FakeRouterPool.Received;
import dev.thinkroute.llm.replay.LlmRouterNqTable;
import dev.thinkroute.llm.replay.OutcomeTable;
import dev.thinkroute.llm.replay.RecordedTables;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.thinkroute.gateway.E2e.JSON;
import static dev.thinkroute.gateway.E2e.chat;
import static dev.thinkroute.gateway.E2e.chatBody;
import static dev.thinkroute.gateway.E2e.streamBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Multi-round profiles (the Router-R1 protocol) end to end: OpenAI-protocol requests to a real gateway over HTTP, in
 * front of {@link FakeRouterPool} (one vLLM serving a scripted policy and candidate models) and of replay models
 * answering from LLMRouter's recorded Natural Questions answers. The loop, every malformed turn, the budget, streamed
 * progress, the cost of every call, and the errors.
 */
@Timeout(60)
class MultiRoundE2eTest {

    static final String POLICY = "ulab-ai/Router-R1-Qwen2.5-3B-Instruct";
    static final String WIKI = "fake/wiki-7b";
    static final String MATH = "fake/math-70b";
    static final String GENERAL = "fake/general-14b";

    static final String WIKI_DESCRIPTION = "Knows films, books and people; cheap";
    static final String MATH_DESCRIPTION = "Large; strong at arithmetic and dates";
    static final String GENERAL_DESCRIPTION = "Mid-size generalist";

    /** USD per 1M tokens {input, output} of each served model; the replay cards price input at 0. */
    static final Map<String, double[]> PRICES = Map.of(
            POLICY, new double[]{0.10, 0.40},
            WIKI, new double[]{0.20, 0.60},
            MATH, new double[]{0.90, 0.90},
            GENERAL, new double[]{0.30, 0.50});
    static final Map<String, Double> PARAMS_B = Map.of(POLICY, 3.0, WIKI, 7.0, MATH, 70.0, GENERAL, 14.0);
    static final Map<String, String> CARD = Map.of(POLICY, "router-r1", WIKI, "wiki-7b", MATH, "math-70b", GENERAL, "general-14b");

    static final double GEMMA_OUTPUT_PRICE = 0.80;
    static final double QWEN_OUTPUT_PRICE = 0.30;

    private static FakeRouterPool fake;
    private static Gateway gateway;

    @BeforeAll
    static void start() {
        fake = new FakeRouterPool(POLICY);
        String url = fake.baseUrl();
        gateway = E2e.start("""
                %s
                models:
                  - name: router-r1
                    dialect: openai
                    base_url: %s
                    api_key_env: FAKE_VLLM_KEY
                    upstream_model: %s
                    price: {input: 0.10, output: 0.40}
                    params_b: 3
                    description: "Router-R1 policy"
                  - name: wiki-7b
                    dialect: openai
                    base_url: %s
                    api_key_env: FAKE_VLLM_KEY
                    upstream_model: %s
                    price: {input: 0.20, output: 0.60}
                    params_b: 7
                    description: "%s"
                  - name: math-70b
                    dialect: openai
                    base_url: %s
                    api_key_env: FAKE_VLLM_KEY
                    upstream_model: %s
                    price: {input: 0.90, output: 0.90}
                    params_b: 70
                    description: "%s"
                  - name: general-14b
                    dialect: openai
                    base_url: %s
                    api_key_env: FAKE_VLLM_KEY
                    upstream_model: %s
                    price: {input: 0.30, output: 0.50}
                    params_b: 14
                    description: "%s"
                  - name: gemma-2-27b
                    dialect: replay
                    table: llmrouter-nq
                    upstream_model: google/gemma-2-27b-it
                    price: {input: 0.0, output: %s}
                    params_b: 27
                    description: "Mid-size model; good factual recall"
                  - name: qwen2.5-7b
                    dialect: replay
                    table: llmrouter-nq
                    upstream_model: qwen/qwen2.5-7b-instruct
                    price: {input: 0.0, output: %s}
                    params_b: 7.6
                    description: "Small instruct model; strong at reasoning for its size, weaker on trivia"
                profiles:
                  r1:
                    multi_round: {policy: "router-r1:off", candidates: ["wiki-7b:off", "math-70b:off", "general-14b:off"]}
                    description: Router-R1 over three models
                  r1-short:
                    multi_round: {policy: "router-r1:off", candidates: ["wiki-7b:off", "math-70b:off", "general-14b:off"], max_rounds: 2}
                  r1-budget:
                    multi_round: {policy: "router-r1:off", candidates: ["wiki-7b:off", "math-70b:off", "general-14b:off"], max_cost_usd: 0.000001}
                  r1-nq:
                    multi_round: {policy: "router-r1:off", candidates: ["gemma-2-27b:off", "qwen2.5-7b:off"]}
                """.formatted(E2e.serverYaml(5_000), url, POLICY, url, WIKI, WIKI_DESCRIPTION, url, MATH, MATH_DESCRIPTION,
                url, GENERAL, GENERAL_DESCRIPTION, GEMMA_OUTPUT_PRICE, QWEN_OUTPUT_PRICE));
    }

    @AfterAll
    static void stop() {
        E2e.closeAll(gateway, fake);
    }

    @BeforeEach
    void forgetEarlierRequests() {
        fake.clear();
    }

    @AfterEach
    void everyPolicyRequestKeptTheProtocol() {
        assertThat(fake.violations()).isEmpty();
    }

    // ---- helpers ----

    /** What a call to the fake cost at its card's prices, in USD. */
    static BigDecimal cost(Received r) {
        double[] p = PRICES.get(r.model());
        return BigDecimal.valueOf(r.promptTokens()).multiply(BigDecimal.valueOf(p[0]))
                .add(BigDecimal.valueOf(r.completionTokens()).multiply(BigDecimal.valueOf(p[1])))
                .divide(BigDecimal.valueOf(1_000_000));
    }

    static BigDecimal cost(List<Received> calls) {
        return calls.stream().filter(r -> !r.failed()).map(MultiRoundE2eTest::cost).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    static void assertTotalCost(Reply reply, JsonNode routing, BigDecimal expected) {
        assertThat(routing.path("cost_usd").decimalValue()).as(routing.toString()).isEqualByComparingTo(expected);
        if (reply.header("x-thinkroute-cost-usd") != null) {
            assertThat(new BigDecimal(reply.header("x-thinkroute-cost-usd"))).isEqualByComparingTo(expected);
        }
    }

    /** Each round matches the request the fake received for it, in order: role, model, tokens and cost. */
    static void assertRoundsMatch(JsonNode rounds, List<Received> calls, List<String> roles) {
        assertThat(rounds).as(rounds.toString()).hasSize(roles.size());
        assertThat(calls).hasSize(roles.size());
        for (int i = 0; i < roles.size(); i++) {
            JsonNode round = rounds.get(i);
            Received call = calls.get(i);
            assertThat(round.path("index").asInt()).isEqualTo(i);
            assertThat(round.path("role").asText()).as("round " + i).isEqualTo(roles.get(i));
            assertThat(round.path("model").asText()).as("round " + i).isEqualTo(CARD.get(call.model()));
            assertThat(round.path("arm").asText()).isEqualTo(CARD.get(call.model()) + ":off");
            assertThat(round.path("latency_ms").isNumber()).isTrue();
            if (call.failed()) {
                assertThat(round.path("input_tokens").asLong()).isZero();
                assertThat(round.path("output_tokens").asLong()).isZero();
                assertThat(round.path("cost_usd").decimalValue()).isEqualByComparingTo(BigDecimal.ZERO);
                continue;
            }
            assertThat(round.path("input_tokens").asLong()).as("round " + i).isEqualTo(call.promptTokens());
            assertThat(round.path("output_tokens").asLong()).as("round " + i).isEqualTo(call.completionTokens());
            assertThat(round.path("cost_usd").decimalValue()).as("round " + i).isEqualByComparingTo(cost(call));
            double size = roles.get(i).equals("policy") ? 0 : PARAMS_B.get(call.model()) * call.completionTokens();
            assertThat(round.path("size_weighted_cost").asDouble()).as("round " + i).isCloseTo(size, within(1e-9));
        }
    }

    static List<String> roles(JsonNode rounds) {
        List<String> out = new ArrayList<>();
        rounds.forEach(r -> out.add(r.path("role").asText()));
        return out;
    }

    static String content(JsonNode body) {
        return body.at("/choices/0/message/content").asText();
    }

    static Reply ok(Reply reply) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        return reply;
    }

    // ---- the protocol ----

    static final String JAWS = "In what year was the director of Jaws born?";
    static final String WHO_DIRECTED = "Who directed Jaws?";
    static final String BORN = "In what year was Steven Spielberg born?";

    /** A two-hop question: who directed it (wiki-7b), then when he was born (math-70b), then the answer. */
    static void scriptJaws() {
        fake.policy(JAWS,
                "<think>I need the director of Jaws first.</think>\n<search> wiki-7b: " + WHO_DIRECTED + " </search>\n<information>",
                "<think>Steven Spielberg directed it. Now his birth year.</think>\n<search> math-70b: " + BORN + " </search>",
                "<think>He was born in 1946.</think>\n<answer>1946</answer>");
        fake.answer(WIKI, WHO_DIRECTED, "Steven Spielberg");
        fake.answer(MATH, BORN, "Steven Spielberg was born on December 18, 1946.");
    }

    @Test
    void aTwoHopQuestionIsAnsweredByAskingTwoModels() {
        scriptJaws();

        Reply reply = ok(chat(gateway, chatBody("r1", JAWS)));

        JsonNode body = reply.json();
        assertThat(content(body)).isEqualTo("1946");
        assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(body.path("model").asText()).isEqualTo("router-r1");
        assertThat(reply.header("x-thinkroute-arm")).isEqualTo("router-r1:off");
        assertThat(reply.header("x-thinkroute-reason")).isEqualTo("profile-rule");

        List<Received> calls = fake.received();
        assertThat(calls).noneMatch(Received::failed);
        JsonNode routing = body.path("routing");
        assertThat(routing.path("profile").asText()).isEqualTo("r1");
        JsonNode rounds = routing.path("rounds");
        assertRoundsMatch(rounds, calls, List.of("policy", "candidate", "policy", "candidate", "policy"));
        assertThat(rounds.get(1).path("question").asText()).isEqualTo(WHO_DIRECTED);
        assertThat(rounds.get(1).path("reply").asText()).isEqualTo("Steven Spielberg");
        assertThat(rounds.get(3).path("question").asText()).isEqualTo(BORN);
        assertThat(rounds.get(3).path("reply").asText()).isEqualTo("Steven Spielberg was born on December 18, 1946.");
        assertThat(rounds.get(4).path("reply").asText()).isEqualTo("<think>He was born in 1946.</think>\n<answer>1946</answer>");
        assertThat(rounds).allSatisfy(r -> {
            assertThat(r.has("error")).as(r.toString()).isFalse();
            assertThat(r.has("repairs")).as(r.toString()).isFalse();
        });

        // The policy's turns were cut at </search> as vLLM does, so the text after it never reached the gateway.
        assertThat(calls.get(0).content()).isEqualTo("<think>I need the director of Jaws first.</think>\n<search> wiki-7b: " + WHO_DIRECTED + " ");
        assertThat(rounds.get(0).path("reply").asText()).doesNotContain("<information>");

        BigDecimal total = cost(calls);
        assertTotalCost(reply, routing, total);
        assertThat(body.at("/usage/prompt_tokens").asLong()).isEqualTo(calls.stream().mapToLong(Received::promptTokens).sum());
        assertThat(body.at("/usage/completion_tokens").asLong()).isEqualTo(calls.stream().mapToLong(Received::completionTokens).sum());
        assertThat(body.at("/usage/total_tokens").asLong()).isEqualTo(
                calls.stream().mapToLong(r -> r.promptTokens() + r.completionTokens()).sum());
        assertThat(routing.path("usage_estimated").asBoolean(true)).isFalse();

        JsonNode summary = routing.path("multi_round");
        assertThat(summary.path("stop").asText()).isEqualTo("answer");
        assertThat(summary.path("sub_questions").asInt()).isEqualTo(2);
        assertThat(summary.path("size_weighted_cost").asDouble()).isCloseTo(
                7.0 * calls.get(1).completionTokens() + 70.0 * calls.get(3).completionTokens(), within(1e-9));

        // The candidates got their sub-question alone, with the callee cap.
        List<Received> candidates = fake.candidateRequests();
        assertThat(candidates).extracting(Received::model).containsExactly(WIKI, MATH);
        assertThat(candidates).allSatisfy(c -> {
            assertThat(c.body().path("messages")).hasSize(1);
            assertThat(c.body().at("/messages/0/role").asText()).isEqualTo("user");
            assertThat(c.body().path("max_tokens").asInt()).isEqualTo(512);
            assertThat(c.body().path("stream").asBoolean(true)).isFalse();
            assertThat(c.body().has("routing")).isFalse();
            assertThat(c.body().has("continue_final_message")).isFalse();
        });
        assertThat(candidates).extracting(Received::question).containsExactly(WHO_DIRECTED, BORN);

        // The policy saw the protocol and each candidate with its description; each turn continued the transcript.
        List<Received> policy = fake.policyRequests();
        assertThat(policy).extracting(Received::turn).containsExactly(0, 1, 2);
        assertThat(policy).allSatisfy(p -> {
            assertThat(p.question()).isEqualTo(JAWS);
            assertThat(p.body().path("max_tokens").asInt()).isEqualTo(1024);
            assertThat(p.systemPrompt()).contains("<search> Model-Name: your sub-question </search>", "<answer>")
                    .contains("- wiki-7b: " + WIKI_DESCRIPTION, "- math-70b: " + MATH_DESCRIPTION, "- general-14b: " + GENERAL_DESCRIPTION)
                    .doesNotContain("router-r1:", "gemma");
        });
        assertThat(policy.get(0).transcript()).isNull();
        // The transcript is the policy's own text as it wrote it, <think> included, closed where generation stopped.
        assertThat(policy.get(1).transcript()).startsWith("<think>I need the director of Jaws first.</think>\n<search> wiki-7b: "
                + WHO_DIRECTED + " </search>\n<information>");
        assertThat(policy.get(1).transcript()).contains("<search> wiki-7b: " + WHO_DIRECTED + " </search>",
                "<information>Steven Spielberg</information>");
        assertThat(policy.get(2).transcript()).startsWith(policy.get(1).transcript())
                .contains("<information>Steven Spielberg was born on December 18, 1946.</information>");
    }

    // ---- malformed turns ----

    static final String SHARK = "What is the name of the shark in Jaws?";

    @Test
    void anUnknownModelNameIsCorrectedOnceThenTheFallbackAnswers() {
        fake.policy(SHARK, "<think>Ask a big model.</think>\n<search> GPT-9-Ultra: " + SHARK + " </search>");
        fake.answer(GENERAL, SHARK, "The crew calls it Bruce.");

        Reply reply = ok(chat(gateway, chatBody("r1", SHARK)));

        JsonNode body = reply.json();
        assertThat(content(body)).isEqualTo("The crew calls it Bruce.");
        JsonNode routing = body.path("routing");
        assertThat(routing.at("/multi_round/stop").asText()).isEqualTo("fallback");
        assertThat(routing.at("/multi_round/sub_questions").asInt()).isZero();
        List<Received> calls = fake.received();
        assertRoundsMatch(routing.path("rounds"), calls, List.of("policy", "policy", "fallback"));
        JsonNode fallback = routing.path("rounds").get(2);
        assertThat(fallback.path("question").asText()).as("the fallback answers the question itself").isEqualTo(SHARK);
        assertThat(fallback.path("reply").asText()).isEqualTo("The crew calls it Bruce.");
        assertThat(fallback.has("error")).as("the fallback answered: no error").isFalse();
        assertThat(fallback.path("repairs").get(0).asText()).contains("policy unreadable twice", "unknown model 'GPT-9-Ultra'");
        assertThat(calls.get(2).body().path("messages")).hasSize(1);
        // The one correction told the policy what was wrong and which names exist.
        assertThat(fake.policyRequests().get(1).transcript()).contains("could not be read", "unknown model 'GPT-9-Ultra'",
                "wiki-7b, math-70b, general-14b");
        assertTotalCost(reply, routing, cost(calls));
    }

    @Test
    void aModelNameOneLetterOffIsRepaired() {
        fake.policy(JAWS,
                "<search> wkii-7b: " + WHO_DIRECTED + " </search>",
                "<answer>Steven Spielberg's birth year is unknown to me</answer>");
        fake.answer(WIKI, WHO_DIRECTED, "Steven Spielberg");

        JsonNode routing = ok(chat(gateway, chatBody("r1", JAWS))).json().path("routing");

        JsonNode asked = routing.path("rounds").get(1);
        assertThat(asked.path("model").asText()).isEqualTo("wiki-7b");
        assertThat(asked.path("repairs")).hasSize(1);
        assertThat(asked.path("repairs").get(0).asText()).isEqualTo("model 'wkii-7b' read as 'wiki-7b'");
        assertThat(routing.at("/multi_round/stop").asText()).isEqualTo("answer");
        assertThat(fake.candidateRequests()).extracting(Received::model).containsExactly(WIKI);
    }

    @Test
    void severalSearchesInOneTurnAskTheFirst() {
        // Generation stops at the first </search>, so a turn with several searches arrives with unclosed ones.
        fake.policy(JAWS,
                "<think>Two things to know.</think>\n<search> wiki-7b: " + WHO_DIRECTED + " <search> math-70b: " + BORN + " </search>",
                "<answer>1946</answer>");
        fake.answer(WIKI, WHO_DIRECTED, "Steven Spielberg");

        Reply reply = ok(chat(gateway, chatBody("r1", JAWS)));

        JsonNode routing = reply.json().path("routing");
        assertThat(content(reply.json())).isEqualTo("1946");
        assertThat(roles(routing.path("rounds"))).containsExactly("policy", "candidate", "policy");
        JsonNode asked = routing.path("rounds").get(1);
        assertThat(asked.path("model").asText()).isEqualTo("wiki-7b");
        assertThat(asked.path("question").asText()).isEqualTo(WHO_DIRECTED);
        assertThat(asked.path("repairs").get(0).asText()).isEqualTo("2 searches in one turn; asked the first");
        assertThat(fake.candidateRequests()).extracting(Received::model).containsExactly(WIKI);
    }

    @Test
    void anAnswerWrittenInsideThinkIsAccepted() {
        fake.policy(SHARK, "<think>Everyone knows this one. <answer>Bruce</answer></think>");

        Reply reply = ok(chat(gateway, chatBody("r1", SHARK)));

        assertThat(content(reply.json())).isEqualTo("Bruce");
        JsonNode routing = reply.json().path("routing");
        assertThat(routing.at("/multi_round/stop").asText()).isEqualTo("answer");
        assertThat(routing.at("/multi_round/sub_questions").asInt()).isZero();
        assertRoundsMatch(routing.path("rounds"), fake.received(), List.of("policy"));
        assertTotalCost(reply, routing, cost(fake.received()));
    }

    @Test
    void plainProseTwiceFallsBack() {
        fake.policy(SHARK, "I think the shark is probably called something like Bruce, but I am not sure.");
        fake.answer(GENERAL, SHARK, "Bruce");

        Reply reply = ok(chat(gateway, chatBody("r1", SHARK)));

        JsonNode routing = reply.json().path("routing");
        assertThat(content(reply.json())).isEqualTo("Bruce");
        assertThat(routing.at("/multi_round/stop").asText()).isEqualTo("fallback");
        assertRoundsMatch(routing.path("rounds"), fake.received(), List.of("policy", "policy", "fallback"));
        assertThat(routing.path("rounds").get(2).path("repairs").get(0).asText()).contains("no <search> or <answer>");
        // The correction is written without the protocol's tags, so it cannot read as a search or an answer itself.
        assertThat(fake.policyRequests().get(1).transcript()).contains("could not be read: no search or answer in the turn");
        assertTotalCost(reply, routing, cost(fake.received()));
    }

    @Test
    void anEmptyCandidateReplyIsRecordedAndThePolicyGoesOn() {
        fake.policy(JAWS,
                "<search> wiki-7b: " + WHO_DIRECTED + " </search>",
                "<search> general-14b: " + WHO_DIRECTED + " </search>",
                "<answer>Steven Spielberg</answer>");
        fake.answer(WIKI, WHO_DIRECTED, "");
        fake.answer(GENERAL, WHO_DIRECTED, "Steven Spielberg");

        Reply reply = ok(chat(gateway, chatBody("r1", JAWS)));

        JsonNode routing = reply.json().path("routing");
        assertThat(content(reply.json())).isEqualTo("Steven Spielberg");
        assertRoundsMatch(routing.path("rounds"), fake.received(), List.of("policy", "candidate", "policy", "candidate", "policy"));
        JsonNode empty = routing.path("rounds").get(1);
        assertThat(empty.has("reply")).isFalse();
        assertThat(empty.path("error").asText()).isEqualTo("empty reply");
        assertThat(fake.policyRequests().get(1).transcript()).contains("<information>(wiki-7b gave no answer)</information>");
        assertThat(routing.at("/multi_round/stop").asText()).isEqualTo("answer");
        assertThat(routing.at("/multi_round/sub_questions").asInt()).isEqualTo(2);
        assertTotalCost(reply, routing, cost(fake.received()));
    }

    @Test
    void aFailingCandidateIsRecordedAndThePolicyGoesOn() {
        fake.policy(JAWS,
                "<search> math-70b: " + WHO_DIRECTED + " </search>",
                "<search> wiki-7b: " + WHO_DIRECTED + " </search>",
                "<answer>Steven Spielberg</answer>");
        fake.fail(MATH, WHO_DIRECTED);
        fake.answer(WIKI, WHO_DIRECTED, "Steven Spielberg");

        Reply reply = ok(chat(gateway, chatBody("r1", JAWS)));

        JsonNode routing = reply.json().path("routing");
        assertThat(content(reply.json())).isEqualTo("Steven Spielberg");
        List<Received> calls = fake.received();
        assertThat(calls.get(1).status()).isEqualTo(500);
        assertRoundsMatch(routing.path("rounds"), calls, List.of("policy", "candidate", "policy", "candidate", "policy"));
        JsonNode failed = routing.path("rounds").get(1);
        assertThat(failed.path("question").asText()).isEqualTo(WHO_DIRECTED);
        assertThat(failed.has("reply")).isFalse();
        assertThat(failed.path("error").asText()).contains("500");
        assertThat(fake.policyRequests().get(1).transcript()).contains("<information>(math-70b gave no answer)</information>");
        assertThat(routing.at("/multi_round/stop").asText()).isEqualTo("answer");
        assertTotalCost(reply, routing, cost(calls));
    }

    @Test
    void theRoundLimitEndsALoopThatKeepsAsking() {
        fake.policy(JAWS, "<search> wiki-7b: " + WHO_DIRECTED + " </search>");
        fake.answer(WIKI, WHO_DIRECTED, "Steven Spielberg");

        Reply reply = ok(chat(gateway, chatBody("r1-short", JAWS)));

        JsonNode routing = reply.json().path("routing");
        assertThat(routing.at("/multi_round/stop").asText()).isEqualTo("round-limit");
        assertThat(routing.at("/multi_round/sub_questions").asInt()).isEqualTo(2);
        assertThat(content(reply.json())).as("the last reply, since the last turn did not answer").isEqualTo("Steven Spielberg");
        assertRoundsMatch(routing.path("rounds"), fake.received(), List.of("policy", "candidate", "policy", "candidate", "policy"));
        List<Received> policy = fake.policyRequests();
        assertThat(policy).hasSize(3);
        assertThat(policy.get(2).transcript()).endsWith("<information>(You have asked enough; give your final answer now.)</information>\n");
        assertTotalCost(reply, routing, cost(fake.received()));
    }

    @Test
    void anAnswerAfterTheRoundLimitIsTaken() {
        fake.policy(JAWS,
                "<search> wiki-7b: " + WHO_DIRECTED + " </search>",
                "<search> math-70b: " + BORN + " </search>",
                "<answer>1946</answer>");
        fake.answer(WIKI, WHO_DIRECTED, "Steven Spielberg");
        fake.answer(MATH, BORN, "1946");

        JsonNode body = ok(chat(gateway, chatBody("r1-short", JAWS))).json();

        assertThat(content(body)).isEqualTo("1946");
        assertThat(body.at("/routing/multi_round/stop").asText()).isEqualTo("round-limit");
    }

    // ---- the budget ----

    @Test
    void aBudgetThePolicysFirstTurnSpendsAsksNoCandidate() {
        scriptJaws();

        Reply reply = ok(chat(gateway, chatBody("r1-budget", JAWS)));

        JsonNode routing = reply.json().path("routing");
        assertThat(routing.at("/multi_round/stop").asText()).isEqualTo("budget");
        assertThat(content(reply.json())).isEmpty();
        assertThat(routing.path("note").asText()).isEqualTo("no answer: the loop stopped (budget) before any candidate gave a usable reply");
        assertRoundsMatch(routing.path("rounds"), fake.received(), List.of("policy"));
        assertThat(fake.received()).as("no candidate asked past the budget").allMatch(Received::policy);
        assertTotalCost(reply, routing, cost(fake.received()));
    }

    @Test
    void aRequestMaxCostLowersTheBudgetButCannotRaiseIt() {
        scriptJaws();
        JsonNode free = ok(chat(gateway, chatBody("r1", JAWS))).json();
        assertThat(free.at("/routing/multi_round/stop").asText()).isEqualTo("answer");
        // What the first policy turn and the first reply cost: a cap at exactly that stops the loop after them.
        BigDecimal firstTwo = free.at("/routing/rounds/0/cost_usd").decimalValue().add(free.at("/routing/rounds/1/cost_usd").decimalValue());

        fake.clear();
        scriptJaws();
        ObjectNode capped = chatBody("r1", JAWS);
        capped.putObject("routing").put("max_cost", firstTwo);
        Reply stopped = ok(chat(gateway, capped));
        JsonNode routing = stopped.json().path("routing");
        assertThat(routing.at("/multi_round/stop").asText()).isEqualTo("budget");
        assertThat(content(stopped.json())).isEqualTo("Steven Spielberg");
        assertThat(roles(routing.path("rounds"))).containsExactly("policy", "candidate");
        assertTotalCost(stopped, routing, firstTwo);

        // A cent more and it goes on to answer.
        fake.clear();
        scriptJaws();
        ObjectNode roomy = chatBody("r1", JAWS);
        roomy.putObject("routing").put("max_cost", firstTwo.add(new BigDecimal("0.01")));
        assertThat(ok(chat(gateway, roomy)).json().at("/routing/multi_round/stop").asText()).isEqualTo("answer");

        // A request cannot raise the profile's own cap.
        fake.clear();
        scriptJaws();
        ObjectNode raise = chatBody("r1-budget", JAWS);
        raise.putObject("routing").put("max_cost", 1.0);
        assertThat(ok(chat(gateway, raise)).json().at("/routing/multi_round/stop").asText()).isEqualTo("budget");
    }

    @Test
    void aZeroMaxCostIsRefusedOrStopsBeforeAnyCall() {
        scriptJaws();
        ObjectNode body = chatBody("r1", JAWS);
        body.putObject("routing").put("max_cost", 0);

        Reply reply = chat(gateway, body);

        assertThat(reply.status()).as(reply.toString()).isEqualTo(400);
        assertThat(reply.json().at("/error/param").asText()).isEqualTo("routing.max_cost");
        assertThat(fake.received()).isEmpty();
    }

    // ---- streaming ----

    @ParameterizedTest(name = "include_usage={0}")
    @ValueSource(booleans = {false, true})
    void aStreamShowsEachCallAsItEndsThenTheAnswer(boolean includeUsage) {
        scriptJaws();

        Reply reply = ok(chat(gateway, streamBody("r1", JAWS, includeUsage)));

        assertThat(reply.contentType()).startsWith("text/event-stream");
        List<String> data = reply.sseData();
        assertThat(data.getLast()).isEqualTo("[DONE]");
        List<JsonNode> frames = reply.frames();
        assertThat(frames).allSatisfy(f -> {
            assertThat(f.path("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(f.path("model").asText()).isEqualTo("router-r1");
        });
        assertThat(frames).extracting(f -> f.path("id").asText()).containsOnly(frames.getFirst().path("id").asText());

        int n = 0;
        JsonNode role = frames.get(n++);
        assertThat(role.at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        assertThat(role.at("/choices/0/delta/content").asText()).isEmpty();

        List<String> progress = new ArrayList<>();
        while (frames.get(n).at("/choices/0/delta").has("reasoning_content")) {
            JsonNode delta = frames.get(n++).at("/choices/0/delta");
            assertThat(delta.has("content")).isFalse();
            progress.add(delta.path("reasoning_content").asText());
        }
        assertThat(progress).as("one line per call, in order").hasSize(5);
        assertThat(progress.get(0)).startsWith("[1] policy router-r1:off wrote ");
        assertThat(progress.get(1)).isEqualTo("[2] asked wiki-7b: " + WHO_DIRECTED + " -> Steven Spielberg\n");
        assertThat(progress.get(2)).startsWith("[3] policy router-r1:off wrote ");
        assertThat(progress.get(3)).isEqualTo("[4] asked math-70b: " + BORN + " -> Steven Spielberg was born on December 18, 1946.\n");
        assertThat(progress.get(4)).startsWith("[5] policy ");

        StringBuilder answer = new StringBuilder();
        while (frames.get(n).at("/choices/0/delta").has("content")) {
            JsonNode choice = frames.get(n++).at("/choices/0");
            assertThat(choice.path("finish_reason").isNull()).isTrue();
            answer.append(choice.at("/delta/content").asText());
        }
        assertThat(answer.toString()).isEqualTo("1946");

        JsonNode finish = frames.get(n++);
        assertThat(finish.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        JsonNode routing = finish.path("routing");
        List<Received> calls = fake.received();
        assertRoundsMatch(routing.path("rounds"), calls, List.of("policy", "candidate", "policy", "candidate", "policy"));
        assertThat(routing.at("/multi_round/stop").asText()).isEqualTo("answer");
        assertTotalCost(reply, routing, cost(calls));
        assertThat(fake.received()).as("the loop's calls are blocking").noneMatch(r -> r.body().path("stream").asBoolean(false));

        if (includeUsage) {
            JsonNode usage = frames.get(n++);
            assertThat(usage.path("choices")).isEmpty();
            assertThat(usage.at("/usage/prompt_tokens").asLong()).isEqualTo(calls.stream().mapToLong(Received::promptTokens).sum());
            assertThat(usage.at("/usage/completion_tokens").asLong()).isEqualTo(calls.stream().mapToLong(Received::completionTokens).sum());
        }
        assertThat(frames).hasSize(n);
    }

    @Test
    void aStreamWhosePolicyFailsBeforeAnyReplyEndsWithAnErrorFrame() {
        fake.policy(JAWS, "<search> wiki-7b: " + WHO_DIRECTED + " </search>", null);
        fake.fail(WIKI, WHO_DIRECTED);

        Reply reply = ok(chat(gateway, streamBody("r1", JAWS, false)));

        List<String> data = reply.sseData();
        assertThat(data.getLast()).isEqualTo("[DONE]");
        JsonNode error = reply.frames().getLast();
        assertThat(error.at("/error/code").asText()).isEqualTo("upstream_error");
        assertThat(reply.joined("reasoning_content")).contains("[2] asked wiki-7b: " + WHO_DIRECTED);
        assertThat(reply.joined("content")).isEmpty();
    }

    @Test
    void aPolicyFailingAfterAReplyAnswersWithThatReply() {
        // E.g. its context filled up after a few rounds: the loop ends with the best answer so far, and says so.
        fake.policy(JAWS, "<search> wiki-7b: " + WHO_DIRECTED + " </search>", null);
        fake.answer(WIKI, WHO_DIRECTED, "Steven Spielberg");

        Reply reply = ok(chat(gateway, streamBody("r1", JAWS, false)));

        assertThat(reply.sseData().getLast()).isEqualTo("[DONE]");
        assertThat(reply.joined("content")).isEqualTo("Steven Spielberg");
        JsonNode routing = reply.frames().stream().filter(f -> f.has("routing")).findFirst().orElseThrow().path("routing");
        assertThat(routing.at("/multi_round/stop").asText()).isEqualTo("policy-error");
        assertThat(routing.path("rounds").get(2).path("error").asText()).contains("500");
    }

    // ---- errors ----

    @Test
    void alphaIsRefused() {
        ObjectNode body = chatBody("r1", JAWS);
        body.putObject("routing").put("alpha", 0.5);
        assertRefused(chat(gateway, body), "routing.alpha");
    }

    @Test
    void allowedArmsAreRefused() {
        ObjectNode body = chatBody("r1", JAWS);
        body.putObject("routing").putArray("arms").add("wiki-7b:off");
        assertRefused(chat(gateway, body), "routing.arms");
    }

    @Test
    void aRequestWithoutAUserMessageIsRefusedBeforeAnythingIsAsked() {
        ObjectNode body = chatBody("r1", JAWS);
        body.putArray("messages").addObject().put("role", "system").put("content", "You are terse.");
        assertRefused(chat(gateway, body), "messages");
    }

    @Test
    void toolsAreRefused() {
        ObjectNode body = chatBody("r1", JAWS);
        ObjectNode tool = body.putArray("tools").addObject();
        tool.put("type", "function");
        tool.putObject("function").put("name", "lookup").putObject("parameters").put("type", "object");
        assertRefused(chat(gateway, body), "tools");
    }

    @Test
    void reasoningEffortIsRefused() {
        ObjectNode body = chatBody("r1", JAWS);
        body.put("reasoning_effort", "high");
        assertRefused(chat(gateway, body), "reasoning_effort");
    }

    @Test
    void routingThinkingIsRefused() {
        ObjectNode body = chatBody("r1", JAWS);
        body.putObject("routing").put("thinking", "on");
        assertRefused(chat(gateway, body), "routing.thinking");
    }

    @Test
    void enableThinkingIsRefused() {
        ObjectNode body = chatBody("r1", JAWS);
        body.putObject("chat_template_kwargs").put("enable_thinking", false);
        assertRefused(chat(gateway, body), "chat_template_kwargs.enable_thinking");
    }

    @Test
    void aSoftSwitchInTheMessageIsRefused() {
        Reply reply = chat(gateway, chatBody("r1", JAWS + " /no_think"));
        assertRefused(reply, "messages");
        assertThat(reply.json().at("/error/message").asText()).contains("/no_think");
    }

    @Test
    void aStreamRequestIsRefusedBeforeItStarts() {
        ObjectNode body = streamBody("r1", JAWS, true);
        body.put("reasoning_effort", "low");
        Reply reply = chat(gateway, body);
        assertThat(reply.contentType()).startsWith("application/json");
        assertRefused(reply, "reasoning_effort");
    }

    static void assertRefused(Reply reply, String param) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(400);
        assertThat(reply.json().at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(reply.json().at("/error/param").asText()).isEqualTo(param);
        assertThat(reply.json().at("/error/message").asText()).contains("r1");
        assertThat(fake.received()).as("nothing was asked").isEmpty();
    }

    @Test
    void aFailingPolicyIsABadGatewayAndTheNextRequestIsServed() {
        fake.policy(SHARK, (String) null);

        Reply failed = chat(gateway, chatBody("r1", SHARK));

        assertThat(failed.status()).as(failed.toString()).isEqualTo(502);
        assertThat(failed.contentType()).startsWith("application/json");
        assertThat(failed.json().at("/error/type").asText()).isEqualTo("api_error");
        assertThat(failed.json().at("/error/code").asText()).isEqualTo("upstream_error");

        scriptJaws();
        assertThat(content(ok(chat(gateway, chatBody("r1", JAWS))).json())).isEqualTo("1946");
    }

    @Test
    void aFallbackThatFailsTooIsABadGatewayNotAnEmptyAnswer() {
        fake.policy(SHARK, "I am not sure what to do.");
        fake.fail(GENERAL, SHARK);

        Reply failed = chat(gateway, chatBody("r1", SHARK));

        assertThat(failed.status()).as(failed.toString()).isEqualTo(502);
        assertThat(failed.json().at("/error/code").asText()).isEqualTo("upstream_error");
        assertThat(failed.json().at("/error/message").asText()).contains("500");
    }

    // ---- replay candidates over LLMRouter's NQ table ----

    static final String POLLO = "who is the founder of el pollo loco?";
    static final String ROAD = "when did end of the road come out?";

    @Test
    void replayCandidatesAnswerWithTheirRecordedAnswers() throws IOException {
        OutcomeTable table = RecordedTables.open(LlmRouterNqTable.NAME, E2e.dataRoot());
        String gemma = table.lookup("google/gemma-2-27b-it", POLLO).orElseThrow().text();
        String qwen = table.lookup("qwen/qwen2.5-7b-instruct", ROAD).orElseThrow().text();
        String question = "Who founded El Pollo Loco, and when did End of the Road come out?";
        fake.policy(question,
                "<think>Two facts.</think>\n<search> gemma-2-27b: " + POLLO + " </search>",
                "<search> qwen2.5-7b: " + ROAD + " </search>",
                "<answer>Juan Francisco Ochoa; 2009</answer>");

        Reply reply = ok(chat(gateway, chatBody("r1-nq", question)));

        JsonNode body = reply.json();
        assertThat(content(body)).isEqualTo("Juan Francisco Ochoa; 2009");
        JsonNode rounds = body.at("/routing/rounds");
        assertThat(roles(rounds)).containsExactly("policy", "candidate", "policy", "candidate", "policy");
        assertThat(rounds.get(1).path("model").asText()).isEqualTo("gemma-2-27b");
        assertThat(rounds.get(1).path("question").asText()).isEqualTo(POLLO);
        assertThat(rounds.get(1).path("reply").asText()).isEqualTo(gemma.strip());
        assertThat(rounds.get(3).path("model").asText()).isEqualTo("qwen2.5-7b");
        assertThat(rounds.get(3).path("reply").asText()).isEqualTo(qwen.strip());

        // What the policy read is the recorded answer, its protocol tags blanked (a recorded <answer> must not pass for
        // one of the policy's own), every word of it in place.
        List<Received> policy = fake.policyRequests();
        assertThat(policy).hasSize(3);
        assertThat(information(policy.get(1).transcript())).containsExactly(words(gemma));
        assertThat(information(policy.get(2).transcript())).containsExactly(words(gemma), words(qwen));
        assertThat(policy.get(2).transcript()).doesNotContain("<answer>");

        // Each replayed answer costs its estimated output tokens at the card's output price (input is free), which is
        // the source's own cost_list up to token estimation.
        Map<String, Double> recorded = recordedCosts();
        long gemmaTokens = TokenEstimator.estimate(gemma);
        long qwenTokens = TokenEstimator.estimate(qwen);
        assertThat(rounds.get(1).path("output_tokens").asLong()).isEqualTo(gemmaTokens);
        assertThat(rounds.get(3).path("output_tokens").asLong()).isEqualTo(qwenTokens);
        BigDecimal gemmaCost = BigDecimal.valueOf(gemmaTokens).multiply(BigDecimal.valueOf(GEMMA_OUTPUT_PRICE)).divide(BigDecimal.valueOf(1_000_000));
        BigDecimal qwenCost = BigDecimal.valueOf(qwenTokens).multiply(BigDecimal.valueOf(QWEN_OUTPUT_PRICE)).divide(BigDecimal.valueOf(1_000_000));
        assertThat(rounds.get(1).path("cost_usd").decimalValue()).isEqualByComparingTo(gemmaCost);
        assertThat(rounds.get(3).path("cost_usd").decimalValue()).isEqualByComparingTo(qwenCost);
        assertThat(gemmaCost.doubleValue()).isCloseTo(recorded.get("google/gemma-2-27b-it|" + POLLO) / 1e6, within(0.25 * recorded.get("google/gemma-2-27b-it|" + POLLO) / 1e6));
        assertThat(qwenCost.doubleValue()).isCloseTo(recorded.get("qwen/qwen2.5-7b-instruct|" + ROAD) / 1e6, within(0.25 * recorded.get("qwen/qwen2.5-7b-instruct|" + ROAD) / 1e6));
        assertThat(rounds.get(1).path("size_weighted_cost").asDouble()).isCloseTo(27.0 * gemmaTokens, within(1e-9));
        assertThat(rounds.get(3).path("size_weighted_cost").asDouble()).isCloseTo(7.6 * qwenTokens, within(1e-9));

        BigDecimal total = cost(fake.received()).add(gemmaCost).add(qwenCost);
        assertTotalCost(reply, body.path("routing"), total);
        assertThat(body.at("/routing/usage_estimated").asBoolean(false)).as("replayed usage is estimated").isTrue();
    }

    private static final java.util.regex.Pattern INFORMATION = java.util.regex.Pattern.compile("<information>(.*?)</information>", java.util.regex.Pattern.DOTALL);

    /** The text of each {@code <information>} block of a transcript, whitespace collapsed. */
    static List<String> information(String transcript) {
        List<String> out = new ArrayList<>();
        java.util.regex.Matcher m = INFORMATION.matcher(transcript);
        while (m.find()) out.add(m.group(1).replaceAll("\\s+", " ").strip());
        return out;
    }

    /** A recorded answer without the protocol's tags, whitespace collapsed. */
    static String words(String recorded) {
        return recorded.replaceAll("</?(think|search|answer|information)>", " ").replaceAll("\\s+", " ").strip();
    }

    /** {@code model|query} → the source's {@code cost_list} entry (USD per 1M tokens × tokens). */
    static Map<String, Double> recordedCosts() throws IOException {
        JsonNode records = JSON.readTree(Files.readString(E2e.dataRoot().resolve(LlmRouterNqTable.RELATIVE_PATH)));
        Map<String, Double> out = new java.util.HashMap<>();
        for (JsonNode r : records) {
            String q = r.path("query").asText();
            if (!q.equals(POLLO) && !q.equals(ROAD)) continue;
            for (int i = 0; i < r.path("llm_name_list").size(); i++) {
                out.put(r.path("llm_name_list").get(i).asText() + "|" + q, r.path("cost_list").get(i).asDouble());
            }
        }
        return out;
    }
}
