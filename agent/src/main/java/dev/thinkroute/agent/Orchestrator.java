package dev.thinkroute.agent;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thinkroute.core.Arm;
import dev.thinkroute.core.ModelCard;
import dev.thinkroute.core.Usage;
import dev.thinkroute.core.route.MultiRound;
import dev.thinkroute.core.route.MultiRound.Settings;
import dev.thinkroute.llm.ChatCall;
import dev.thinkroute.llm.ChatResult;
import dev.thinkroute.llm.Upstream;
import dev.thinkroute.llm.UpstreamException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Runs the Router-R1 loop for one question: the policy model thinks, asks a named candidate a sub-question
 * (generation stops at {@code </search>}), reads the reply appended as {@code <information>…</information>}, and
 * goes on until it answers, the round limit, or the budget. Every call is accounted per round (arm, sub-question,
 * tokens, latency, USD, and the size-weighted token cost of the Router-R1 paper: an asked model's output tokens ×
 * its billions of parameters).
 *
 * <p>Defined behaviour for what goes wrong, and nothing loops forever:
 * <ul>
 *   <li>a malformed turn ({@link Turn.Malformed}) is answered with a short correction and asked once more; a second
 *       malformed turn falls back to one round: the {@code fallback} candidate answers the question directly (its
 *       failure, like the policy's, is thrown);</li>
 *   <li>a candidate that fails or answers nothing: the round records it and the policy reads
 *       {@code <information>(…failed…)</information>}, so it can ask another;</li>
 *   <li>the round limit: the policy is asked once for its final answer; without one, the last reply is the answer;</li>
 *   <li>the policy failing after a candidate replied: the last reply is the answer ({@code policy-error});</li>
 *   <li>the budget (USD or tokens) spent: the loop stops with the best answer so far (the last reply).</li>
 * </ul>
 * The policy's transcript is carried in an assistant message that the server continues
 * ({@code continue_final_message}), as a served Router-R1 checkpoint expects its own text to grow.
 */
public final class Orchestrator {

    /** A model the policy may ask: the name it sees, the arm that answers, and its upstream. */
    public record Candidate(String name, Arm arm, ModelCard card, Upstream upstream) {
        public Candidate {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(arm, "arm");
            Objects.requireNonNull(card, "card");
            Objects.requireNonNull(upstream, "upstream");
        }
    }

    /** One call of the loop: the policy's turn, or a candidate's reply to a sub-question. */
    public record Round(int index, String role, Arm arm, String question, String reply, Usage usage, double costUsd,
                        double sizeWeightedCost, long latencyMs, List<String> repairs, String error) {
    }

    /** Told of each call as soon as it is done (the gateway streams them as progress). */
    @FunctionalInterface
    public interface Listener {
        Listener NONE = round -> { };

        void called(Round round);
    }

    /**
     * @param stop      {@code answer}, {@code round-limit}, {@code budget}, {@code fallback} or {@code policy-error}
     * @param totalCost USD of every call, policy included
     * @param totalSizeWeighted the paper's cost: Σ over the asked models (candidates and fallback, not the policy) of
     *                  output tokens × billions of parameters (a model without a size counts as 1)
     */
    public record Result(String answer, String stop, List<Round> calls, double totalCost, long totalTokens,
                         double totalSizeWeighted, String transcript) {
        public long subQuestions() {
            return calls.stream().filter(r -> r.role().equals("candidate")).count();
        }
    }

    private final Candidate policy;
    private final Map<String, Candidate> candidates = new LinkedHashMap<>();
    private final Candidate fallback;
    private final Settings settings;
    private final MultiRound.Prompts prompts;

    /**
     * @param policy     the model that thinks and routes (its {@code name} is only for the record)
     * @param candidates the models it may ask, by the names it sees
     * @param fallback   answers the question directly when the policy cannot be read twice in a row
     */
    public Orchestrator(Candidate policy, List<Candidate> candidates, Candidate fallback, Settings settings) {
        this(policy, candidates, fallback, settings, MultiRound.Prompts.BUILT_IN);
    }

    /** With the prompt templates a served checkpoint was trained with ({@link MultiRound.Prompts}). */
    public Orchestrator(Candidate policy, List<Candidate> candidates, Candidate fallback, Settings settings, MultiRound.Prompts prompts) {
        this.policy = Objects.requireNonNull(policy, "policy");
        for (Candidate c : candidates) {
            if (this.candidates.putIfAbsent(c.name(), c) != null) throw new IllegalArgumentException("candidate named twice: " + c.name());
        }
        if (this.candidates.isEmpty()) throw new IllegalArgumentException("at least one candidate model is needed");
        this.fallback = Objects.requireNonNull(fallback, "fallback");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.prompts = Objects.requireNonNull(prompts, "prompts");
    }

    /**
     * The built-in system prompt: the protocol and each candidate with its description; with a policy template, the
     * template itself (its {@code {question}} left in place).
     */
    public String systemPrompt() {
        if (prompts.policy() != null) return fill(prompts.policy(), MultiRound.Prompts.QUESTION);
        return "Answer the question. First think inside <think> and </think>. When you need knowledge or help, ask one of the "
                + "candidate models with <search> Model-Name: your sub-question </search>; its reply will come back inside "
                + "<information> and </information>. You may ask several times. When you know the answer, give it inside "
                + "<answer> and </answer>, short, without explanation.\n\nCandidate models:\n" + candidateLines();
    }

    private String candidateLines() {
        StringBuilder s = new StringBuilder();
        for (Candidate c : candidates.values()) {
            s.append("- ").append(c.name()).append(": ").append(c.card().description().isBlank() ? "(no description)" : c.card().description());
            if (c.card().paramsBillions() != null) s.append(" (").append(c.card().paramsBillions()).append("B parameters)");
            s.append('\n');
        }
        return s.toString();
    }

    /** The policy template with its placeholders filled; the question last, so a question's own braces are left alone. */
    private String fill(String template, String question) {
        return template.replace("{candidates}", candidateLines()).replace("{names}", String.join(", ", candidates.keySet()))
                .replace(MultiRound.Prompts.QUESTION, question);
    }

    /**
     * Builds the loop a {@link MultiRound} profile describes.
     *
     * @param cards     each model's card by name
     * @param upstreams each model's upstream by name
     */
    public static Orchestrator of(MultiRound profile, Function<String, ModelCard> cards,
                                  Function<String, Upstream> upstreams, Settings settings) {
        BiFunction<String, Arm, Candidate> candidate = (name, arm) ->
                new Candidate(name, arm, cards.apply(arm.model()), upstreams.apply(arm.model()));
        List<Candidate> asked = new ArrayList<>();
        profile.candidates().forEach((name, arm) -> asked.add(candidate.apply(name, arm)));
        return new Orchestrator(candidate.apply(profile.policy().model(), profile.policy()), asked,
                candidate.apply(profile.fallback().model(), profile.fallback()), settings, profile.prompts());
    }

    /**
     * Runs the loop for {@code question}. A failure of the policy before any candidate replied, or of the fallback,
     * is thrown: nothing else can answer. A policy failing later (its context full after several rounds, say) ends
     * the loop with the last reply ({@code policy-error}).
     */
    public Result run(String question) throws UpstreamException {
        return run(question, Listener.NONE);
    }

    /** {@link #run(String)}, telling {@code listener} of each call as it ends. */
    public Result run(String question, Listener listener) throws UpstreamException {
        List<Round> calls = new Calls(listener);
        StringBuilder transcript = new StringBuilder();
        String lastReply = null;
        boolean corrected = false;
        int asked = 0;
        while (true) {
            if (overBudget(calls)) return finish(lastReply, "budget", calls, transcript);
            ChatResult turnResult;
            try {
                turnResult = policyTurn(question, transcript, calls);
            } catch (UpstreamException e) {
                if (lastReply == null) throw e;
                return policyFailed(e, lastReply, calls, transcript);
            }
            String turnText = text(turnResult);
            Turn turn = Turn.parse(turnText, candidates.keySet());
            switch (turn) {
                case Turn.Answer a -> {
                    transcript.append(turnText.strip()).append('\n');
                    return finish(a.answer(), "answer", calls, transcript);
                }
                case Turn.Malformed m -> {
                    if (corrected) return fallback(question, calls, transcript, m.why());
                    corrected = true;
                    // Said without the protocol's tags, so the correction cannot read as a search or an answer itself.
                    transcript.append(turnText.strip()).append("\n<information>(That turn could not be read: ")
                            .append(m.why().replace("<", "").replace(">", ""))
                            .append(". Ask one model with a search block, Model-Name: question, or give the final answer in an answer block.)")
                            .append("</information>\n");
                }
                case Turn.Search s -> {
                    corrected = false;
                    Candidate who = candidates.get(s.model());
                    String text = turnText.strip();
                    transcript.append(text.endsWith("</search>") ? text : text + " </search>").append('\n');
                    // The policy's own turn may have spent the budget: no candidate is asked past it.
                    if (overBudget(calls)) return finish(lastReply, "budget", calls, transcript);
                    String reply = ask(who, s, calls);
                    if (reply != null) lastReply = reply;
                    transcript.append("<information>").append(reply != null ? untagged(reply) : "(" + who.name() + " gave no answer)")
                            .append("</information>\n");
                    if (++asked >= settings.maxRounds()) {
                        if (overBudget(calls)) return finish(lastReply, "budget", calls, transcript);
                        // One last turn, told to answer now (the nudge is part of what the policy read, so of the
                        // transcript); whatever it writes, the loop ends.
                        transcript.append(NUDGE);
                        ChatResult last;
                        try {
                            last = policyTurn(question, transcript, calls);
                        } catch (UpstreamException e) {
                            if (lastReply == null) throw e;
                            return policyFailed(e, lastReply, calls, transcript);
                        }
                        String lastText = text(last);
                        transcript.append(lastText.strip()).append('\n');
                        Turn end = Turn.parse(lastText, candidates.keySet());
                        return end instanceof Turn.Answer a ? finish(a.answer(), "round-limit", calls, transcript)
                                : finish(lastReply, "round-limit", calls, transcript);
                    }
                }
            }
        }
    }

    private static final String NUDGE = "<information>(You have asked enough; give your final answer now.)</information>\n";

    /** The policy failed after a candidate replied: the loop ends with that reply, the failed turn recorded. */
    private Result policyFailed(UpstreamException e, String lastReply, List<Round> calls, StringBuilder transcript) {
        calls.add(new Round(calls.size(), "policy", policy.arm(), null, null, Usage.ZERO, 0, 0, 0, List.of(), e.getMessage()));
        return finish(lastReply, "policy-error", calls, transcript);
    }

    private ChatResult policyTurn(String question, StringBuilder transcript, List<Round> calls) throws UpstreamException {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ArrayNode messages = body.putArray("messages");
        if (prompts.policy() != null) {
            messages.addObject().put("role", "user").put("content", fill(prompts.policy(), question));
        } else {
            messages.addObject().put("role", "system").put("content", systemPrompt());
            messages.addObject().put("role", "user").put("content", question);
        }
        String soFar = transcript.toString();
        if (!soFar.isEmpty()) {
            messages.addObject().put("role", "assistant").put("content", soFar);
            body.put("continue_final_message", true);
            body.put("add_generation_prompt", false);
        }
        body.putArray("stop").add("</search>");
        body.put("max_tokens", settings.policyMaxTokens());
        ChatResult r = policy.upstream().complete(new ChatCall(policy.card(), policy.arm().thinking(), body));
        calls.add(round(calls.size(), "policy", policy, null, text(r), r, List.of(), null));
        return r;
    }

    /**
     * The policy's turn as it wrote it, {@code <think>} included: upstreams split inline thinking off the content (a
     * vLLM reasoning parser, or the OpenAI dialect's own splitter), which would drop it from the transcript the policy
     * continues and hide an answer written inside it.
     */
    private static String text(ChatResult r) {
        String content = r.content() == null ? "" : r.content();
        if (r.reasoning() == null || r.reasoning().isBlank()) return content;
        return "<think>" + r.reasoning().strip() + "</think>\n" + content.strip();
    }

    /** Asks a candidate; {@code null} when it failed or said nothing (the round records which). */
    private String ask(Candidate who, Turn.Search s, List<Round> calls) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        String asked = prompts.callee() == null ? s.question() : prompts.callee().replace(MultiRound.Prompts.QUESTION, s.question());
        body.putArray("messages").addObject().put("role", "user").put("content", asked);
        body.put("max_tokens", settings.calleeMaxTokens());
        try {
            ChatResult r = who.upstream().complete(new ChatCall(who.card(), who.arm().thinking(), body));
            String reply = r.content() == null || r.content().isBlank() ? null : r.content().strip();
            calls.add(round(calls.size(), "candidate", who, s.question(), reply, r, s.repairs(), reply == null ? "empty reply" : null));
            return reply;
        } catch (UpstreamException e) {
            calls.add(new Round(calls.size(), "candidate", who.arm(), s.question(), null, Usage.ZERO, 0, 0, 0, s.repairs(), e.getMessage()));
            return null;
        }
    }

    /** The single-round answer when the policy cannot be read; its failure is thrown like the policy's: nothing is left to try. */
    private Result fallback(String question, List<Round> calls, StringBuilder transcript, String why) throws UpstreamException {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.putArray("messages").addObject().put("role", "user").put("content", question);
        body.put("max_tokens", settings.calleeMaxTokens());
        ChatResult r = fallback.upstream().complete(new ChatCall(fallback.card(), fallback.arm().thinking(), body));
        String reply = r.content() == null || r.content().isBlank() ? null : r.content().strip();
        // Why it fell back is a note on the round, not an error: the fallback itself answered.
        calls.add(round(calls.size(), "fallback", fallback, question, reply, r, List.of("policy unreadable twice: " + why),
                reply == null ? "empty reply" : null));
        return finish(reply, "fallback", calls, transcript);
    }

    private static final Pattern PROTOCOL_TAG =
            Pattern.compile("<\\s*/?\\s*(think|search|answer|information)\\s*>", Pattern.CASE_INSENSITIVE);

    /**
     * A reply without the protocol's tags: a candidate that writes {@code <answer>42</answer>} (many are prompted to)
     * must not look, inside the policy's transcript, like an answer or a search of the policy's own. The round keeps
     * the reply as it came.
     */
    static String untagged(String reply) {
        return PROTOCOL_TAG.matcher(reply).replaceAll(" ").replaceAll(" {2,}", " ").strip();
    }

    /** The calls so far; each one added is told to the listener. */
    private static final class Calls extends ArrayList<Round> {
        private final Listener listener;

        Calls(Listener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
        }

        @Override
        public boolean add(Round round) {
            super.add(round);
            listener.called(round);
            return true;
        }
    }

    private static Round round(int index, String role, Candidate who, String question, String reply, ChatResult r, List<String> repairs,
                               String error) {
        Usage u = r.usage() == null ? Usage.ZERO : r.usage();
        double size = who.card().paramsBillions() == null ? 1 : who.card().paramsBillions();
        // The paper's size-weighted cost of an asked model; the policy's own generation is not part of it.
        return new Round(index, role, who.arm(), question, reply, u, who.card().cost(u), role.equals("policy") ? 0 : size * u.outputTokens(),
                r.latencyMs(), repairs, error);
    }

    private boolean overBudget(List<Round> calls) {
        double cost = calls.stream().mapToDouble(Round::costUsd).sum();
        long tokens = calls.stream().mapToLong(r -> r.usage().inputTokens() + r.usage().outputTokens()).sum();
        return cost >= settings.maxCostUsd() || (settings.maxTokens() > 0 && tokens >= settings.maxTokens());
    }

    private static Result finish(String answer, String stop, List<Round> calls, StringBuilder transcript) {
        return new Result(answer, stop, List.copyOf(calls), calls.stream().mapToDouble(Round::costUsd).sum(),
                calls.stream().mapToLong(r -> r.usage().inputTokens() + r.usage().outputTokens()).sum(),
                calls.stream().mapToDouble(Round::sizeWeightedCost).sum(), transcript.toString());
    }
}
