package dev.thinkroute.learn.outcome.importer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Output lengths (tokens per answer) assumed where a table records neither the answer text nor a token count, so a
 * cost can still be put on each answer. They are estimates, named as such in every provenance that uses them; the
 * quality side of those tables is recorded data, only the cost side leans on these. Within one table every model is
 * given the same length, so the cost differences between models there are exactly their price differences.
 */
public final class AnswerLengths {

    /**
     * A multiple-choice answer: the chosen letter plus the little framing a chat model wraps it in ("B", "B.", "The
     * answer is B"): 5 tokens. RouteLLM's MMLU prompts end in {@code Answer:} and are scored on the letter.
     */
    public static final long MULTIPLE_CHOICE = 5;

    /**
     * A grade-school maths solution: ≈105 tokens, the mean estimated length of the answers RouteLLM stored for GSM8K
     * (Mixtral ≈96, GPT-4 ≈114 by {@link dev.thinkroute.core.TokenEstimator}).
     */
    public static final long GRADE_SCHOOL_MATH = 105;

    /** A competition-maths (MATH) solution: 200 tokens, an assumption (about twice a GSM8K solution); not measured. */
    public static final long COMPETITION_MATH = 200;

    /**
     * An open-domain QA answer (NQ, TriviaQA): ≈92 tokens, the mean output of the six models in LLMRouter's NQ table
     * (its {@code cost_list} ÷ each model's price, see {@link ListPrices#NQ_IMPLIED}).
     */
    public static final long OPEN_QA = 92;

    /** A short Python function (MBPP, HumanEval): 150 tokens, an assumption; not measured. */
    public static final long CODE = 150;

    /** One generated sentence (CommonGen): 30 tokens, an assumption; not measured. */
    public static final long SENTENCE = 30;

    /** Anything else: 100 tokens, an assumption. */
    public static final long OTHER = 100;

    /** LLMRouter task name → length; tasks not listed fall back to their metric, then to {@link #OTHER}. */
    private static final Map<String, Long> BY_TASK = new LinkedHashMap<>();
    /** LLMRouter metric name → length. */
    private static final Map<String, Long> BY_METRIC = new LinkedHashMap<>();

    static {
        for (String t : new String[]{"mmlu", "commonsense_qa", "openbook_qa", "arc_challenge", "gpqa", "agentverse-logicgrid"}) {
            BY_TASK.put(t, MULTIPLE_CHOICE);
        }
        // MGSM is GSM8K translated, so it gets the GSM8K length although LLMRouter scores it with its MATH metric.
        BY_TASK.put("gsm8k", GRADE_SCHOOL_MATH);
        BY_TASK.put("agentverse-mgsm", GRADE_SCHOOL_MATH);
        BY_TASK.put("math", COMPETITION_MATH);
        BY_TASK.put("natural_qa", OPEN_QA);
        BY_TASK.put("trivia_qa", OPEN_QA);
        BY_TASK.put("mbpp", CODE);
        BY_TASK.put("human_eval", CODE);
        BY_TASK.put("commongen", SENTENCE);
        BY_METRIC.put("em_mc", MULTIPLE_CHOICE);
        BY_METRIC.put("GSM8K", GRADE_SCHOOL_MATH);
        BY_METRIC.put("MATH", COMPETITION_MATH);
        BY_METRIC.put("f1_score", OPEN_QA);
        BY_METRIC.put("code_eval", CODE);
        BY_METRIC.put("commongen_coverage", SENTENCE);
    }

    private AnswerLengths() {
    }

    /** The assumed answer length for an LLMRouter query of this task and metric. */
    public static long forTask(String task, String metric) {
        Long n = BY_TASK.get(task);
        if (n == null) n = BY_METRIC.get(metric);
        return n == null ? OTHER : n;
    }

    /** Whether {@link #forTask} knows the task or its metric (else it answered {@link #OTHER}). */
    public static boolean knows(String task, String metric) {
        return BY_TASK.containsKey(task) || BY_METRIC.containsKey(metric);
    }

    /** The task table in words, for provenance records. */
    public static String describeTasks() {
        StringBuilder sb = new StringBuilder();
        BY_TASK.forEach((t, n) -> sb.append(sb.isEmpty() ? "" : ", ").append(t).append(' ').append(n));
        return sb + "; other tasks by metric (" + BY_METRIC + "), else " + OTHER;
    }
}
