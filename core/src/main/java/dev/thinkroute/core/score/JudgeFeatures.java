package dev.thinkroute.core.score;

import dev.thinkroute.core.TokenEstimator;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a judge can read from a cheap answer's text before deciding to escalate, with no second call: whether a final
 * answer is stated and numeric, whether the calculator annotations check out ({@link Calculator}), whether the final
 * answer is the last step's result; and, with a second cheap sample, whether the two final answers agree.
 *
 * @param answer          the cheap answer's final answer ({@code null}: none found)
 * @param marked          the answer is on an "A:" line (the format the models were finetuned on)
 * @param numeric         the final answer reads as a plain number
 * @param integer         … and a whole number (every GSM8K answer is one)
 * @param negative        … and below zero
 * @param calc            the calculator check
 * @param answerInLastStep the final answer is a number of the last step before it
 * @param steps           lines before the answer
 * @param tokens          estimated tokens of the solution
 * @param secondAnswer    the second sample's final answer ({@code null}: none, or no second sample)
 * @param agree           both samples state the same final answer
 * @param secondFormOk    the second sample passes the form checks too ({@code false} without one)
 */
public record JudgeFeatures(String answer, boolean marked, boolean numeric, boolean integer, boolean negative,
                            Calculator.Check calc, boolean answerInLastStep, int steps, long tokens,
                            String secondAnswer, boolean agree, boolean secondFormOk) {

    private static final Pattern MARKER = Pattern.compile("(?m)^\\s*A:\\s*(.*)$");
    private static final Pattern NUMBER = Pattern.compile("-?(?:\\d{1,3}(?:,\\d{3})+|\\d+)(?:\\.\\d+)?|-?\\.\\d+");
    private static final Pattern PLAIN = Pattern.compile("-?\\d+(?:\\.\\d+)?");

    /** The names of {@link #vector(boolean)}'s entries, in order. */
    public static List<String> names(boolean withAgreement) {
        List<String> n = new ArrayList<>(List.of("no_numeric_answer", "no_answer_marker", "non_integer", "negative",
                "arithmetic_error", "result_mismatch_or_missing", "unparsable_annotation", "answer_not_in_last_step",
                "log_steps", "log_annotations", "log_tokens"));
        if (withAgreement) n.addAll(List.of("agree", "second_form_fails", "agree_and_form_ok"));
        return n;
    }

    /** Reads the features of a cheap solution; {@code second} is another cheap sample's solution, or {@code null}. */
    public static JudgeFeatures of(String solution, String second) {
        String text = solution == null ? "" : solution;
        Matcher m = MARKER.matcher(text);
        String answer = null;
        int markerLine = -1;
        while (m.find()) {
            answer = m.group(1).strip();
            markerLine = m.start();
        }
        boolean marked = answer != null && !answer.isEmpty();
        if (!marked) answer = MathScorer.extract(text);
        else {
            String value = MathScorer.extract(answer);
            if (value != null) answer = value;
        }
        String norm = answer == null ? null : MathScorer.normalize(answer);
        boolean numeric = norm != null && PLAIN.matcher(norm).matches();
        boolean integer = numeric && !norm.contains(".");
        boolean negative = numeric && norm.startsWith("-");
        String body = markerLine >= 0 ? text.substring(0, markerLine) : text;
        List<String> lines = body.lines().filter(l -> !l.isBlank()).toList();
        String last = lines.isEmpty() ? "" : lines.getLast();
        boolean inLast = false;
        if (answer != null) {
            Matcher n = NUMBER.matcher(last);
            while (n.find() && !inLast) inLast = MathScorer.equivalent(n.group(), answer);
        }
        JudgeFeatures secondFeatures = second == null ? null : of(second, null);
        String secondAnswer = secondFeatures == null ? null : secondFeatures.answer();
        boolean agree = answer != null && secondAnswer != null && MathScorer.equivalent(answer, secondAnswer);
        return new JudgeFeatures(answer, marked, numeric, integer, negative, Calculator.check(text), inLast,
                lines.size(), TokenEstimator.estimate(text), secondAnswer, agree, secondFeatures != null && secondFeatures.formOk());
    }

    /** A solution's final answer: the "A:" line's value, else what {@link MathScorer#extract} reads. */
    public static String finalAnswer(String solution) {
        if (solution == null) return null;
        Matcher m = MARKER.matcher(solution);
        String answer = null;
        while (m.find()) answer = m.group(1).strip();
        if (answer != null && !answer.isEmpty()) {
            String value = MathScorer.extract(answer);
            return value != null ? value : answer;
        }
        return MathScorer.extract(solution);
    }

    /**
     * Every form check passes: a numeric final answer that is a whole number and not negative (every GSM8K answer is
     * one: a prior of this benchmark), clean calculator arithmetic and results, the answer in the last step.
     */
    public boolean formOk() {
        return numeric && integer && !negative && calc.clean() && answerInLastStep;
    }

    /** The features as numbers (1 = the suspicious case for the flags), the agreement last when asked for. */
    public double[] vector(boolean withAgreement) {
        double[] v = new double[withAgreement ? 14 : 11];
        v[0] = numeric ? 0 : 1;
        v[1] = marked ? 0 : 1;
        v[2] = integer ? 0 : 1;
        v[3] = negative ? 1 : 0;
        v[4] = calc.arithmeticErrors() > 0 ? 1 : 0;
        v[5] = calc.resultMismatches() + calc.missingResults() > 0 ? 1 : 0;
        v[6] = calc.unparsable() > 0 ? 1 : 0;
        v[7] = answerInLastStep ? 0 : 1;
        v[8] = Math.log1p(steps);
        v[9] = Math.log1p(calc.annotations());
        v[10] = Math.log1p(tokens);
        if (withAgreement) {
            v[11] = agree ? 1 : 0;
            v[12] = secondFormOk ? 0 : 1;
            v[13] = agree && formOk() ? 1 : 0;
        }
        return v;
    }
}
