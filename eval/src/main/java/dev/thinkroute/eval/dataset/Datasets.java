package dev.thinkroute.eval.dataset;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The built-in benchmarks by name, each a file under the datasets root (see {@code shared/datasets/*}/SOURCE.md).
 *
 * <ul>
 *   <li>{@code gsm8k}: OpenAI GSM8K test (1319); gold = the number after {@code ####}, thousands commas removed.</li>
 *   <li>{@code math500}: AdaptThink's MATH500 (500); meta {@code level} (1-5) and {@code subject} (from unique_id).</li>
 *   <li>{@code aime2024}: AdaptThink's AIME 2024 (30).</li>
 *   <li>{@code hotpotqa}, {@code 2wiki}, {@code musique} (500 each), {@code bamboogle} (125): R1-Searcher's samples.</li>
 *   <li>{@code hotpotqa-dev}: FireAct's full HotpotQA dev (7405), meta {@code type}.</li>
 *   <li>{@code nq}, {@code triviaqa}: LLMRouter's query table, <b>test</b> split (50 each), the split its routers are
 *       evaluated on; {@code nq-train}, {@code triviaqa-train} (500 each) are the training rows.</li>
 * </ul>
 * MMLU is not here: RouteLLM's per-subject CSVs hold the prompt and each model's 0/1 outcome but not the gold letter.
 */
public final class Datasets {

    private static final Path QA = Path.of("r1searcher_qa_evalsets");
    private static final Path LLMROUTER = Path.of("llmrouter/data/example_data/query_data");
    private static final Pattern GSM8K_GOLD = Pattern.compile("####\\s*(\\S+)\\s*$");
    // unique_id looks like "test/precalculus/807.json": the middle part is the MATH subject.
    private static final Pattern MATH_SUBJECT = Pattern.compile("^[^/]+/([^/]+)/[^/]+$");

    private static final Map<String, Dataset> ALL = build();

    private Datasets() {
    }

    /** The registered names, in a fixed order. */
    public static List<String> names() {
        return List.copyOf(ALL.keySet());
    }

    /**
     * The dataset registered under {@code name}.
     *
     * @throws NoSuchElementException naming the known datasets when there is none
     */
    public static Dataset get(String name) {
        Dataset d = name == null ? null : ALL.get(name);
        if (d == null) {
            throw new NoSuchElementException("unknown dataset \"" + name + "\"; known: " + String.join(", ", ALL.keySet()));
        }
        return d;
    }

    private static Map<String, Dataset> build() {
        Map<String, Dataset> m = new LinkedHashMap<>();
        add(m, new JsonDataset("gsm8k", Path.of("gsm8k_openai/test.jsonl"),
                FieldMapping.of("question", "answer", null).withGold(Datasets::gsm8kGold), "math"));
        add(m, new JsonDataset("math500", Path.of("adaptthink_testsets/math.json"),
                FieldMapping.of("problem", "answer", "unique_id").withExtraMeta(r -> {
                    Map<String, String> meta = new LinkedHashMap<>();
                    String level = level(FieldMapping.text(r.get("difficulty")));
                    if (level != null) meta.put("level", level);
                    String uid = FieldMapping.text(r.get("unique_id"));
                    Matcher s = MATH_SUBJECT.matcher(uid == null ? "" : uid);
                    if (s.matches()) meta.put("subject", s.group(1));
                    return meta;
                }), "math"));
        // No single id field in AIME; the element index is stable since the file is a fixed snapshot.
        add(m, new JsonDataset("aime2024", Path.of("adaptthink_testsets/aime.json"),
                FieldMapping.of("problem", "answer", null).withMeta("year", "aime_number", "problem_number"), "math"));
        for (String[] qa : new String[][]{{"hotpotqa", "hotpotqa_500.jsonl"}, {"2wiki", "2wiki_500.jsonl"},
                {"musique", "musique_500.jsonl"}, {"bamboogle", "bamboogle.jsonl"}}) {
            add(m, new JsonDataset(qa[0], QA.resolve(qa[1]), FieldMapping.of("question", "answer", "idx"), "qa-f1"));
        }
        add(m, new JsonDataset("hotpotqa-dev", Path.of("fireact_hotpotqa/hotpotqa_dev.json"),
                FieldMapping.of("question", "answer", null).withMeta("type"), "qa-f1"));
        for (String[] t : new String[][]{{"nq", "natural_qa"}, {"triviaqa", "trivia_qa"}}) {
            add(m, new JsonDataset(t[0], LLMROUTER.resolve("default_query_test.jsonl"),
                    FieldMapping.of("query", "ground_truth", null).where("task_name", t[1]), "qa-f1"));
            add(m, new JsonDataset(t[0] + "-train", LLMROUTER.resolve("default_query_train.jsonl"),
                    FieldMapping.of("query", "ground_truth", null).where("task_name", t[1]), "qa-f1"));
        }
        // The 500 questions of LLMRouter's NQ routing history, with their gold answers (gt): what the replay table
        // llmrouter-nq answers, so a replayed answer can be scored like a live one.
        add(m, new JsonDataset("llmrouter-nq", Path.of("llmrouter/nq_history/router_train_data_nq.json"),
                FieldMapping.of("query", "gt", "q_id"), "qa-f1"));
        return m;
    }

    private static void add(Map<String, Dataset> m, Dataset d) {
        if (m.putIfAbsent(d.name(), d) != null) throw new IllegalStateException("dataset registered twice: " + d.name());
    }

    /** The number after GSM8K's final {@code ####}, without thousands commas; {@code null} when there is none. */
    static String gsm8kGold(String solution) {
        Matcher g = GSM8K_GOLD.matcher(solution);
        return g.find() ? g.group(1).replace(",", "") : null;
    }

    /** MATH's level as a whole number ("2.0" → "2"); other text is kept as is. */
    private static String level(String difficulty) {
        if (difficulty == null) return null;
        try {
            double d = Double.parseDouble(difficulty);
            if (d == Math.rint(d)) return Long.toString((long) d);
        } catch (NumberFormatException ignored) {
            // not a number: keep the text as written
        }
        return difficulty;
    }
}
