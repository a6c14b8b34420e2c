package dev.thinkroute.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thinkroute.core.Arm;
import dev.thinkroute.core.Dialect;
import dev.thinkroute.core.ModelCard;
import dev.thinkroute.core.Prices;
import dev.thinkroute.core.ThinkingSupport;
import dev.thinkroute.core.Usage;
import dev.thinkroute.core.route.MultiRound;
import dev.thinkroute.llm.ChatCall;
import dev.thinkroute.llm.ChatResult;
import dev.thinkroute.llm.StreamSink;
import dev.thinkroute.llm.Upstream;
import dev.thinkroute.llm.UpstreamException;

import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The Router-R1 loop with scripted models: each upstream answers from a queue and records what it was asked. (The
 * HTTP protocol of each dialect is tested in llm; here only the loop's decisions and accounting.)
 */
class OrchestratorTest {

    /** An upstream that answers from a script, or fails when the script says {@code null}. */
    static class Scripted implements Upstream {
        final ModelCard card;
        final Deque<String> replies = new ArrayDeque<>();
        final List<ObjectNode> asked = new ArrayList<>();

        Scripted(String name, double params, String... replies) {
            this.card = new ModelCard(name, Dialect.OPENAI, URI.create("http://127.0.0.1:9/v1"), null, name, new Prices(1.0, 2.0),
                    params, 0, ThinkingSupport.NONE, name + " knows things", null);
            for (String r : replies) this.replies.add(r == null ? "\u0000" : r);
        }

        @Override
        public ModelCard card() {
            return card;
        }

        @Override
        public ChatResult complete(ChatCall call) throws UpstreamException {
            asked.add(call.body());
            String r = replies.isEmpty() ? "" : replies.poll();
            if (r.equals("\u0000")) throw new UpstreamException(UpstreamException.Kind.HTTP_ERROR, card.name(), 500, card.name() + " answered 500", null);
            return new ChatResult(r, null, null, "stop", new Usage(100, 10, 0), 5, null);
        }

        @Override
        public ChatResult stream(ChatCall call, StreamSink sink) {
            throw new UnsupportedOperationException();
        }

        Orchestrator.Candidate candidate() {
            return new Orchestrator.Candidate(card.name(), Arm.parse(card.name() + ":off"), card, this);
        }
    }

    static Orchestrator orchestrator(Scripted policy, List<Scripted> candidates, MultiRound.Settings s) {
        return new Orchestrator(policy.candidate(), candidates.stream().map(Scripted::candidate).toList(), candidates.getLast().candidate(), s);
    }

    @Test
    void aTwoHopQuestionIsAnsweredByRoutingTwoSubQuestionsToTwoModels() throws Exception {
        Scripted policy = new Scripted("policy", 7.0,
                "<think>I need the director of Jaws first.</think>\n<search> big: Who directed Jaws?",
                "<think>Now his birth year.</think>\n<search> small: In what year was Steven Spielberg born?",
                "<think>Done.</think>\n<answer>1946</answer>");
        Scripted small = new Scripted("small", 7.0, "1946");
        Scripted big = new Scripted("big", 70.0, "Steven Spielberg");
        Orchestrator.Result r = orchestrator(policy, List.of(small, big), MultiRound.Settings.DEFAULTS).run("In what year was the director of Jaws born?");

        assertThat(r.answer()).isEqualTo("1946");
        assertThat(r.stop()).isEqualTo("answer");
        assertThat(r.subQuestions()).isEqualTo(2);
        assertThat(r.calls()).extracting(Orchestrator.Round::role).containsExactly("policy", "candidate", "policy", "candidate", "policy");
        assertThat(r.calls().get(1).arm().model()).isEqualTo("big");
        assertThat(r.calls().get(1).question()).isEqualTo("Who directed Jaws?");
        assertThat(r.calls().get(3).arm().model()).isEqualTo("small");
        assertThat(r.transcript()).contains("<search> big: Who directed Jaws? </search>\n<information>Steven Spielberg</information>",
                "<information>1946</information>", "<answer>1946</answer>");
        // The policy is stopped at </search> and continues its own transcript; candidates get only their sub-question.
        ObjectNode second = policy.asked.get(1);
        assertThat(second.path("stop").get(0).asText()).isEqualTo("</search>");
        assertThat(second.path("continue_final_message").asBoolean()).isTrue();
        assertThat(second.at("/messages/2/role").asText()).isEqualTo("assistant");
        assertThat(second.at("/messages/2/content").asText()).contains("<information>Steven Spielberg</information>");
        assertThat(second.at("/messages/0/content").asText()).contains("- small: small knows things (7.0B parameters)", "- big:");
        assertThat(big.asked.getFirst().at("/messages/0/content").asText()).isEqualTo("Who directed Jaws?");
        assertThat(big.asked.getFirst().path("max_tokens").asInt()).isEqualTo(512);
        // Accounting: 5 calls of 100 in + 10 out at $1/$2 per 1M; the paper's cost weighs the asked models' output
        // tokens by their billions of parameters.
        assertThat(r.totalCost()).isCloseTo(5 * (100 * 1.0 + 10 * 2.0) / 1e6, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(r.totalTokens()).isEqualTo(550);
        assertThat(r.totalSizeWeighted()).isEqualTo(10 * (70 + 7));
    }

    @Test
    void aMalformedTurnIsCorrectedOnceThenFallsBackToOneRound() throws Exception {
        Scripted policy = new Scripted("policy", 7.0, "I think it is 1946.", "Still 1946, I believe.");
        Scripted small = new Scripted("small", 7.0), big = new Scripted("big", 70.0, "1946");
        Orchestrator.Result r = orchestrator(policy, List.of(small, big), MultiRound.Settings.DEFAULTS).run("When was Spielberg born?");
        assertThat(r.stop()).isEqualTo("fallback");
        assertThat(r.answer()).isEqualTo("1946");
        assertThat(r.calls()).extracting(Orchestrator.Round::role).containsExactly("policy", "policy", "fallback");
        assertThat(r.calls().getLast().error()).isNull();
        assertThat(r.calls().getLast().repairs()).singleElement().asString().startsWith("policy unreadable twice: no <search> or <answer>");
        // The correction names the problem without the protocol's own tags, so it cannot read as a search or an answer.
        assertThat(policy.asked.get(1).at("/messages/2/content").asText()).contains("That turn could not be read: no search or answer in the turn");
        assertThat(Rewards.formatViolation(r.transcript(), java.util.Set.of("small", "big"))).isPresent();
    }

    @Test
    void aMalformedTurnFollowedByAGoodOneGoesOn() throws Exception {
        Scripted policy = new Scripted("policy", 7.0, "<search> Who directed Jaws? </search>", "<search> big: Who directed Jaws?",
                "<answer>Steven Spielberg</answer>");
        Scripted small = new Scripted("small", 7.0), big = new Scripted("big", 70.0, "Steven Spielberg");
        Orchestrator.Result r = orchestrator(policy, List.of(small, big), MultiRound.Settings.DEFAULTS).run("Who directed Jaws?");
        assertThat(r.stop()).isEqualTo("answer");
        assertThat(r.answer()).isEqualTo("Steven Spielberg");
    }

    @Test
    void aFailingOrSilentCandidateIsRecordedAndThePolicyCanAskAnother() throws Exception {
        Scripted policy = new Scripted("policy", 7.0, "<search> small: Who directed Jaws?", "<search> big: Who directed Jaws?",
                "<answer>Steven Spielberg</answer>");
        Scripted small = new Scripted("small", 7.0, (String) null), big = new Scripted("big", 70.0, "Steven Spielberg");
        Orchestrator.Result r = orchestrator(policy, List.of(small, big), MultiRound.Settings.DEFAULTS).run("Who directed Jaws?");
        assertThat(r.answer()).isEqualTo("Steven Spielberg");
        assertThat(r.calls().get(1).error()).isEqualTo("small answered 500");
        assertThat(r.transcript()).contains("<information>(small gave no answer)</information>");
    }

    @Test
    void theRoundLimitAsksForTheFinalAnswerOnceAndNeverLoops() throws Exception {
        Scripted policy = new Scripted("policy", 7.0, "<search> small: a?", "<search> small: b?", "<answer>42</answer>");
        Scripted small = new Scripted("small", 7.0, "x", "y"), big = new Scripted("big", 70.0);
        Orchestrator.Result r = orchestrator(policy, List.of(small, big), new MultiRound.Settings(2, 512, 1024, Double.POSITIVE_INFINITY, 0))
                .run("?");
        assertThat(r.stop()).isEqualTo("round-limit");
        assertThat(r.answer()).isEqualTo("42");
        assertThat(policy.asked.getLast().at("/messages/2/content").asText()).endsWith(
                "<information>(You have asked enough; give your final answer now.)</information>\n");
        // What the policy read is what the transcript says it read.
        assertThat(r.transcript()).contains("<information>y</information>\n<information>(You have asked enough; give your final answer now.)</information>\n<answer>42</answer>");

        Scripted stubborn = new Scripted("policy", 7.0, "<search> small: a?", "<search> small: b?", "<search> small: c?");
        Scripted small2 = new Scripted("small", 7.0, "x", "y");
        Orchestrator.Result r2 = orchestrator(stubborn, List.of(small2, new Scripted("big", 70.0)),
                new MultiRound.Settings(2, 512, 1024, Double.POSITIVE_INFINITY, 0)).run("?");
        assertThat(r2.stop()).isEqualTo("round-limit");
        assertThat(r2.answer()).as("the best answer so far: the last reply").isEqualTo("y");
        assertThat(r2.subQuestions()).isEqualTo(2);
    }

    @Test
    void theBudgetStopsTheLoopWithTheBestAnswerSoFar() throws Exception {
        Scripted policy = new Scripted("policy", 7.0, "<search> small: a?", "<search> small: b?", "<answer>never reached</answer>");
        Scripted small = new Scripted("small", 7.0, "first reply", "second reply");
        // Each call costs $0.00012; the budget is spent after the first round (policy + candidate).
        Orchestrator.Result r = orchestrator(policy, List.of(small, new Scripted("big", 70.0)),
                new MultiRound.Settings(4, 512, 1024, 0.0002, 0)).run("?");
        assertThat(r.stop()).isEqualTo("budget");
        assertThat(r.answer()).isEqualTo("first reply");
        assertThat(r.calls()).hasSize(2);

        Orchestrator.Result byTokens = orchestrator(new Scripted("policy", 7.0, "<search> small: a?", "<search> small: b?"),
                List.of(new Scripted("small", 7.0, "only"), new Scripted("big", 70.0)),
                new MultiRound.Settings(4, 512, 1024, Double.POSITIVE_INFINITY, 200)).run("?");
        assertThat(byTokens.stop()).isEqualTo("budget");
        assertThat(byTokens.totalTokens()).isEqualTo(220);

        // A policy turn that alone spends the budget: no candidate is asked past it.
        Scripted dear = new Scripted("small", 7.0, "never asked");
        Orchestrator.Result first = orchestrator(new Scripted("policy", 7.0, "<search> small: a?"), List.of(dear, new Scripted("big", 70.0)),
                new MultiRound.Settings(4, 512, 1024, 0.0001, 0)).run("?");
        assertThat(first.stop()).isEqualTo("budget");
        assertThat(first.answer()).isNull();
        assertThat(first.calls()).extracting(Orchestrator.Round::role).containsExactly("policy");
        assertThat(dear.asked).isEmpty();
    }

    @Test
    void aPolicyFailingAfterAReplyEndsWithThatReplyAndBeforeAnyIsThrown() throws Exception {
        Scripted policy = new Scripted("policy", 7.0, "<search> big: Who directed Jaws?", null);
        Scripted small = new Scripted("small", 7.0), big = new Scripted("big", 70.0, "Steven Spielberg");
        Orchestrator.Result r = orchestrator(policy, List.of(small, big), MultiRound.Settings.DEFAULTS).run("Who directed Jaws?");
        assertThat(r.stop()).isEqualTo("policy-error");
        assertThat(r.answer()).isEqualTo("Steven Spielberg");
        assertThat(r.calls()).extracting(Orchestrator.Round::role).containsExactly("policy", "candidate", "policy");
        assertThat(r.calls().getLast().error()).contains("policy answered 500");

        Scripted down = new Scripted("policy", 7.0, (String) null);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> orchestrator(down, List.of(new Scripted("small", 7.0), new Scripted("big", 70.0)),
                MultiRound.Settings.DEFAULTS).run("?")).isInstanceOf(UpstreamException.class);
    }

    @Test
    void aCandidatesProtocolTagsDoNotReachThePolicysTranscript() throws Exception {
        Scripted policy = new Scripted("policy", 7.0, "<think>Ask.</think>\n<search> big: Who directed Jaws?", "<answer>Steven Spielberg</answer>");
        Scripted small = new Scripted("small", 7.0), big = new Scripted("big", 70.0, "<think>Easy.</think>< ANSWER >Steven Spielberg</Answer>");
        Orchestrator.Result r = orchestrator(policy, List.of(small, big), MultiRound.Settings.DEFAULTS).run("Who directed Jaws?");
        assertThat(r.transcript()).contains("<information>Easy. Steven Spielberg</information>");
        assertThat(r.calls().get(1).reply()).isEqualTo("<think>Easy.</think>< ANSWER >Steven Spielberg</Answer>");
        assertThat(Rewards.format(r.transcript(), java.util.Set.of("small", "big"))).isZero();
    }

    @Test
    void aThinkBlockTheDialectSplitOffAsReasoningStaysInTheTranscript() throws Exception {
        // Served with a reasoning parser (or read by a dialect that splits <think>), the policy's thinking comes back apart.
        Scripted policy = new Scripted("policy", 7.0, "<search> big: Who directed Jaws?", "<answer>Steven Spielberg</answer>") {
            @Override
            public ChatResult complete(ChatCall call) throws UpstreamException {
                ChatResult r = super.complete(call);
                return new ChatResult(r.content(), "I should ask.", null, "stop", r.usage(), r.latencyMs(), null);
            }
        };
        Scripted small = new Scripted("small", 7.0), big = new Scripted("big", 70.0, "Steven Spielberg");
        Orchestrator.Result r = orchestrator(policy, List.of(small, big), MultiRound.Settings.DEFAULTS).run("Who directed Jaws?");
        assertThat(r.transcript()).startsWith("<think>I should ask.</think>\n<search> big: Who directed Jaws? </search>")
                .endsWith("<think>I should ask.</think>\n<answer>Steven Spielberg</answer>\n");
        assertThat(r.calls().getFirst().reply()).isEqualTo("<think>I should ask.</think>\n<search> big: Who directed Jaws?");
        assertThat(policy.asked.get(1).at("/messages/2/content").asText()).startsWith("<think>I should ask.</think>");
        assertThat(Rewards.format(r.transcript(), java.util.Set.of("small", "big"))).isZero();
    }

    @Test
    void aFallbackThatFailsIsThrownLikeAPolicyFailureNotAnEmptyAnswer() {
        Scripted policy = new Scripted("policy", 7.0, "No idea.", "Still no idea.");
        Scripted small = new Scripted("small", 7.0), big = new Scripted("big", 70.0, (String) null);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> orchestrator(policy, List.of(small, big), MultiRound.Settings.DEFAULTS).run("?"))
                .isInstanceOf(UpstreamException.class).hasMessageContaining("big answered 500");
    }

    @Test
    void aPolicyTemplateIsTheOnlyUserMessageAndACalleeTemplateWrapsEachSubQuestion() throws Exception {
        Scripted policy = new Scripted("policy", 7.0, "<think>Ask.</think>\n<search> big: Who directed Jaws?", "<answer>Steven Spielberg</answer>");
        Scripted small = new Scripted("small", 7.0), big = new Scripted("big", 70.0, "Steven Spielberg");
        MultiRound.Prompts prompts = new MultiRound.Prompts("Pick from [{names}].\n{candidates}Question: {question}\n",
                "You help a base model. Be brief: {question}");
        Orchestrator o = new Orchestrator(policy.candidate(), List.of(small.candidate(), big.candidate()), big.candidate(),
                MultiRound.Settings.DEFAULTS, prompts);
        Orchestrator.Result r = o.run("Who directed {the} Jaws?");

        assertThat(r.answer()).isEqualTo("Steven Spielberg");
        ObjectNode first = policy.asked.getFirst();
        assertThat(first.path("messages")).hasSize(1);
        assertThat(first.at("/messages/0/role").asText()).isEqualTo("user");
        // The question goes in last, so braces in it are not read as placeholders.
        assertThat(first.at("/messages/0/content").asText()).isEqualTo("Pick from [small, big].\n- small: small knows things (7.0B parameters)\n"
                + "- big: big knows things (70.0B parameters)\nQuestion: Who directed {the} Jaws?\n");
        assertThat(policy.asked.get(1).path("messages")).hasSize(2);
        assertThat(policy.asked.get(1).at("/messages/1/role").asText()).isEqualTo("assistant");
        assertThat(big.asked.getFirst().at("/messages/0/content").asText()).isEqualTo("You help a base model. Be brief: Who directed Jaws?");
        assertThat(o.systemPrompt()).endsWith("Question: {question}\n");
    }

    @Test
    void aTemplateWithoutAQuestionPlaceholderIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new MultiRound.Prompts("Answer well.", null))
                .hasMessage("the policy prompt has no {question} placeholder");
    }
}
