package dev.thinkroute.gateway.chat;

import dev.thinkroute.core.route.Cascade;
import dev.thinkroute.core.score.JudgeFeatures;
import dev.thinkroute.core.score.MathScorer;
import dev.thinkroute.core.score.QaScorer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides whether a cascade keeps its cheap answer, from the cheap answers alone: the first must pass the form
 * checks and every sample must state the same final answer. The signals are the ones {@code thinkroute think}
 * measures offline on GSM8K (agreement of two cheap samples, final-answer form, calculator annotations), where this
 * rule recovered 61% of the quality gap by APGR.
 */
final class CascadeJudge {

    private CascadeJudge() {
    }

    /**
     * @param keep    whether the first cheap answer is kept
     * @param why     one line for {@code routing.detail}
     * @param signals what was read, for {@code routing.cascade.signals}
     */
    record Verdict(boolean keep, String why, Map<String, Object> signals) {
    }

    /** @param answers the cheap answers' texts, first the one that would be kept; a failed sample is {@code null} */
    static Verdict judge(List<String> answers, Cascade.Checks checks) {
        Map<String, Object> signals = new LinkedHashMap<>();
        List<String> finals = new ArrayList<>();
        for (String a : answers) finals.add(a == null ? null : finalAnswer(a, checks));
        signals.put("answers", finals);
        String first = finals.getFirst();
        List<String> problems = new ArrayList<>();
        switch (checks) {
            case MATH -> {
                JudgeFeatures f = JudgeFeatures.of(answers.getFirst(), null);
                signals.put("final_answer", f.numeric());
                signals.put("whole_number", f.integer() && !f.negative());
                signals.put("calculator_clean", f.calc().clean());
                signals.put("answer_in_last_step", f.answerInLastStep());
                if (!f.numeric()) problems.add("no numeric final answer");
                else if (!f.integer() || f.negative()) problems.add("final answer " + f.answer() + " is not a whole non-negative number");
                if (!f.calc().clean()) problems.add("a calculator annotation does not check out");
                if (f.numeric() && !f.answerInLastStep()) problems.add("final answer is not the last step's result");
            }
            case TEXT -> {
                boolean present = first != null && !first.isBlank();
                signals.put("final_answer", present);
                if (!present) problems.add("empty answer");
            }
        }
        if (answers.size() > 1) {
            boolean agree = first != null;
            for (int i = 1; i < finals.size() && agree; i++) agree = same(first, finals.get(i), checks);
            signals.put("samples_agree", agree);
            if (!agree) problems.add("the " + answers.size() + " cheap samples disagree (" + String.join(" vs ", finals.stream()
                    .map(s -> s == null ? "no answer" : "'" + clip(s) + "'").toList()) + ")");
        }
        boolean keep = problems.isEmpty();
        String why = keep
                ? (answers.size() > 1 ? answers.size() + " cheap samples agree on '" + clip(first) + "'" : "answer '" + clip(first) + "'")
                + (checks == Cascade.Checks.MATH ? " and the form checks pass" : "")
                : String.join("; ", problems);
        return new Verdict(keep, why, signals);
    }

    /**
     * The request to a judge model: the question and the proposed answer, asking for "yes" or "no" first. Without
     * thinking it is short and deterministic (temperature 0, 8 tokens). A judge that thinks (a reasoning model, or a
     * hybrid asked to think) gets room for its reasoning and no temperature, which reasoning models refuse or ignore;
     * {@code max_completion_tokens} is the one limit every dialect reads.
     */
    static com.fasterxml.jackson.databind.node.ObjectNode judgeRequest(String question, String answer, boolean judgeThinks) {
        com.fasterxml.jackson.databind.node.ObjectNode body = ChatRequestParser.JSON.createObjectNode();
        var messages = body.putArray("messages");
        messages.addObject().put("role", "system").put("content", "You check answers. Reply with one word, yes or no: is the "
                + "proposed answer to the question correct?");
        messages.addObject().put("role", "user").put("content", "Question:\n" + question + "\n\nProposed answer:\n"
                + (answer == null ? "" : answer) + "\n\nIs the proposed answer correct? Reply yes or no.");
        if (judgeThinks) {
            body.put("max_completion_tokens", JUDGE_THINKING_TOKENS);
        } else {
            body.put("temperature", 0);
            body.put("max_completion_tokens", 8);
        }
        return body;
    }

    /** Room for a thinking judge's reasoning and its one-word verdict (above Anthropic's 1,024-token minimum budget). */
    static final int JUDGE_THINKING_TOKENS = 4096;

    /**
     * {@code verdict} after the judge model's reply: kept only when the reply starts with "yes"; a reply that is
     * neither yes nor no, or none (the judge failed), escalates, since nothing vouched for the answer.
     */
    static Verdict withJudge(Verdict verdict, String judge, String reply) {
        Map<String, Object> signals = new LinkedHashMap<>(verdict.signals());
        String word = reply == null ? "" : reply.strip().toLowerCase(java.util.Locale.ROOT).replaceAll("^[^a-z]+", "");
        boolean yes = word.startsWith("yes");
        signals.put("judge", reply == null ? "failed" : word.startsWith("no") ? "no" : yes ? "yes" : "unclear");
        if (yes) return new Verdict(true, verdict.why() + "; " + judge + " says it is correct", signals);
        return new Verdict(false, judge + (reply == null ? " could not be asked" : word.startsWith("no")
                ? " says the answer is wrong" : " gave no clear verdict ('" + clip(reply.strip()) + "')"), signals);
    }

    /** Whether a form check failed, as read from the verdict's signals. */
    static boolean formFails(Verdict v) {
        for (String check : List.of("final_answer", "whole_number", "calculator_clean", "answer_in_last_step")) {
            if (Boolean.FALSE.equals(v.signals().get(check))) return true;
        }
        return false;
    }

    /** Whether the samples agreed; {@code null} with one sample. */
    static Boolean agree(Verdict v) {
        return (Boolean) v.signals().get("samples_agree");
    }

    /**
     * {@code verdict} decided by a learned table instead of the plain rule: the answer's suspicion level, and whether
     * escalating buys enough quality at {@code alpha}.
     */
    static Verdict withTable(Verdict verdict, dev.thinkroute.core.route.CascadeTable table, double alpha) {
        int level = dev.thinkroute.core.route.CascadeTable.level(formFails(verdict), agree(verdict));
        dev.thinkroute.core.route.CascadeTable.Level l = table.at(level);
        boolean escalate = table.escalate(level, alpha);
        Map<String, Object> signals = new LinkedHashMap<>(verdict.signals());
        signals.put("level", level);
        signals.put("alpha", alpha);
        String stats = l == null ? "a level the table never saw"
                : String.format(java.util.Locale.ROOT, "there the cheap arm was right %.0f%% and the strong %.0f%% of %d times",
                100 * l.pCheap(), 100 * l.pExpensive(), l.n());
        return new Verdict(!escalate, "level " + level + " (" + verdict.why() + "); " + stats + ", α=" + String.format(java.util.Locale.ROOT, "%.4g", alpha),
                signals);
    }

    private static String finalAnswer(String text, Cascade.Checks checks) {
        return switch (checks) {
            case MATH -> JudgeFeatures.finalAnswer(text);
            case TEXT -> {
                String a = QaScorer.extract(text);
                yield a == null ? null : a.strip();
            }
        };
    }

    private static boolean same(String a, String b, Cascade.Checks checks) {
        if (a == null || b == null) return false;
        return switch (checks) {
            case MATH -> MathScorer.equivalent(a, b);
            case TEXT -> QaScorer.normalize(a).equals(QaScorer.normalize(b));
        };
    }

    private static String clip(String s) {
        return s == null ? "" : s.length() <= 40 ? s : s.substring(0, 39) + "…";
    }
}
