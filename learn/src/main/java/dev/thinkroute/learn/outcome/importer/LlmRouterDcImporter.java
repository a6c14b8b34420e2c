package dev.thinkroute.learn.outcome.importer;

import dev.thinkroute.llm.data.JsonRecords;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thinkroute.core.Outcome;
import dev.thinkroute.core.Prices;
import dev.thinkroute.core.TokenEstimator;
import dev.thinkroute.core.Usage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * LLMRouter's RouterDC table ({@code llmrouter/data/dcrouter_preprocessed/{train,test}.json}): 5,608 train + 500
 * test queries over 14 tasks × 9 NVIDIA-NIM-hosted models, scores in [0, 1]. Each question is joined on
 * {@code question == query} with {@code data/example_data/query_data/default_query_{train,test}.jsonl}, which gives
 * its task and metric. Dataset {@code llmrouter}; query id {@code <split>-<task>-<n>}, {@code n} being the record's
 * 0-based place in its file, so the original split stays visible: {@link #splitOf}, {@link #inSplit} (train on
 * train.json, measure on test.json).
 *
 * <p>Cost: prices per model from {@code llm_candidates/default_llm.json} (its {@code input_price}/{@code
 * output_price}, USD per 1M); input tokens = {@link TokenEstimator} on the question; output tokens are not recorded,
 * so each answer is given the length {@link AnswerLengths#forTask} assumes for its task (the same for every model).
 *
 * <p>A record whose question is not in the query file, that lacks a model's score or has one outside [0, 1], or
 * that repeats an earlier question of the same file, is skipped and reported as {@code file:line: why}; so is a
 * query-file line that is not a usable record. Findings that do not cost a row (a query listed under two tasks; test
 * questions that also occur in train.json) go into the provenance notes.
 */
public final class LlmRouterDcImporter implements Importer {

    /** The registry name. */
    public static final String NAME = "llmrouter-dcrouter";
    /** The dataset the outcomes carry. */
    public static final String DATASET = "llmrouter";
    /** The split names, also the query-id prefixes. */
    public static final String TRAIN = "train";
    public static final String TEST = "test";

    /** The nine models, in the order SOURCE.md documents them (and their test means). */
    public static final List<String> MODELS = List.of("qwen2.5-7b-instruct", "llama3-chatqa-1.5-8b",
            "llama-3.1-nemotron-51b-instruct", "llama3-chatqa-1.5-70b", "mistral-7b-instruct-v0.3", "gemma-2-9b-it",
            "codegemma-7b", "llama-3.1-8b-instruct", "llama-3.3-nemotron-super-49b-v1");

    static final String SCORES = "llmrouter/data/dcrouter_preprocessed/%s.json";
    static final String QUERIES = "llmrouter/data/example_data/query_data/default_query_%s.jsonl";
    static final String PRICES = "llmrouter/data/example_data/llm_candidates/default_llm.json";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "LLMRouter RouterDC: 5,608 train + 500 test queries (14 tasks) x 9 NIM models, scores in [0,1], "
                + "costs from default_llm.json prices and per-task answer lengths";
    }

    /** The split a query id of this importer belongs to: {@value #TRAIN} or {@value #TEST}. */
    public static String splitOf(String queryId) {
        if (queryId != null) {
            if (queryId.startsWith(TRAIN + "-")) return TRAIN;
            if (queryId.startsWith(TEST + "-")) return TEST;
        }
        throw new IllegalArgumentException("query id '" + queryId + "' is not from " + NAME
                + "; its ids start with " + TRAIN + "- or " + TEST + "-");
    }

    /** The split of an outcome of this importer. */
    public static String splitOf(Outcome outcome) {
        return splitOf(outcome.queryId());
    }

    /** The outcomes of one split ({@value #TRAIN} or {@value #TEST}), in order. */
    public static List<Outcome> inSplit(List<Outcome> outcomes, String split) {
        if (!TRAIN.equals(split) && !TEST.equals(split)) {
            throw new IllegalArgumentException("split must be " + TRAIN + " or " + TEST + ", got '" + split + "'");
        }
        String prefix = split + "-";
        return outcomes.stream().filter(o -> o.queryId() != null && o.queryId().startsWith(prefix)).toList();
    }

    /**
     * The test query ids whose question text also occurs in the train split (119 in the published files: every gpqa
     * and human_eval test question, and 19 of mbpp). A router trained on train.json has seen these; drop them from
     * the test rows for a clean held-out measure.
     */
    public static Set<String> testIdsSeenInTrain(List<Outcome> outcomes) {
        Set<String> trainTexts = new HashSet<>();
        for (Outcome o : inSplit(outcomes, TRAIN)) trainTexts.add(o.query());
        Set<String> ids = new java.util.TreeSet<>();
        for (Outcome o : inSplit(outcomes, TEST)) {
            if (trainTexts.contains(o.query())) ids.add(o.queryId());
        }
        return ids;
    }

    /** What the query file says about one query. */
    private record QueryInfo(String task, String metric, long line) {
    }

    @Override
    public ImportResult run(Path dataRoot) {
        ImportRun run = new ImportRun(NAME, DATASET, dataRoot);
        Map<String, Prices> prices = prices(run, run.require(PRICES, "LLMRouter's candidate-model table (default_llm.json)"));
        List<Outcome> outcomes = new ArrayList<>();
        Set<String> trainQuestions = new HashSet<>();
        Map<String, Integer> unknownLength = new TreeMap<>();
        for (String split : List.of(TRAIN, TEST)) {
            Path scores = run.require(String.format(Locale.ROOT, SCORES, split), "LLMRouter's RouterDC " + split + " scores");
            Path queries = run.require(String.format(Locale.ROOT, QUERIES, split), "LLMRouter's " + split + " query file");
            Map<String, QueryInfo> info = queryInfo(run, queries);
            Set<String> seen = new HashSet<>();
            Set<String> joined = new HashSet<>();
            Map<String, Integer> overlapByTask = new TreeMap<>();
            int[] index = {0};
            JsonRecords.forEachElement(scores, (line, rec) -> {
                int n = index[0]++;
                run.read(1);
                List<String> why = new ArrayList<>();
                String question = null;
                if (rec == null || !rec.isObject()) {
                    why.add("expected an object with question and scores, got " + JsonRecords.kind(rec));
                } else {
                    JsonNode q = rec.get("question");
                    if (q == null || !q.isTextual() || q.asText().isBlank()) why.add("question must be a non-empty string, got " + JsonRecords.kind(q));
                    else question = q.asText();
                }
                double[] s = rec == null || !rec.isObject() ? null : scores(rec.get("scores"), why);
                QueryInfo qi = null;
                if (question != null) {
                    qi = info.get(question);
                    if (qi == null) why.add("question not found in " + queries.getFileName() + " (joined on question == query)");
                    if (seen.contains(question)) why.add("repeats an earlier question of this file (kept the first)");
                }
                if (!why.isEmpty()) {
                    run.skip(scores, line, String.join("; ", why));
                    return;
                }
                seen.add(question); // only a kept record counts: a good repeat of a bad one is kept
                joined.add(question);
                if (split.equals(TRAIN)) trainQuestions.add(question);
                else if (trainQuestions.contains(question)) overlapByTask.merge(qi.task(), 1, Integer::sum);
                if (!AnswerLengths.knows(qi.task(), qi.metric())) unknownLength.merge(qi.task(), 1, Integer::sum);
                String id = String.format(Locale.ROOT, "%s-%s-%04d", split, qi.task(), n);
                long in = TokenEstimator.estimate(question);
                long out = AnswerLengths.forTask(qi.task(), qi.metric());
                for (int m = 0; m < MODELS.size(); m++) {
                    double cost = prices.get(MODELS.get(m)).cost(new Usage(in, out, 0, true));
                    outcomes.add(new Outcome(id, DATASET, question, MODELS.get(m), "off", s[m], in, out, 0, cost, 0,
                            run.outcomeSource()));
                }
            });
            long unused = info.keySet().stream().filter(q -> !joined.contains(q)).count();
            if (unused > 0) {
                run.note(queries.getFileName() + ": " + unused + " distinct quer(ies) have no record in " + split
                        + ".json (the query file lists more queries than were scored)");
            }
            if (!overlapByTask.isEmpty()) {
                int total = overlapByTask.values().stream().mapToInt(Integer::intValue).sum();
                run.note("test.json: " + total + " question(s) also occur word for word in train.json, by task "
                        + overlapByTask + "; a router trained on train.json has seen them, so exclude them "
                        + "(LlmRouterDcImporter.testIdsSeenInTrain) for a clean held-out measure");
            }
        }
        unknownLength.forEach((task, count) -> run.note("task '" + task + "' (" + count + " queries) has no assumed "
                + "answer length; used " + AnswerLengths.OTHER + " tokens"));
        run.note("score: the file's per-model value in [0, 1] (0/1 for exact-match metrics, fractional for F1-type ones)");
        run.note("latency_ms is 0: the tables record no latency");
        Map<String, Prices> used = new LinkedHashMap<>();
        for (String m : MODELS) used.put(m, prices.get(m));
        return run.finish(outcomes,
                "input_tokens = TokenEstimator(question); output_tokens = an assumed answer length per task, the same "
                        + "for every model (the tables record no answers or token counts): "
                        + AnswerLengths.describeTasks() + "; cost_usd = (input_tokens x input_price + output_tokens x "
                        + "output_price) / 1e6 with each model's input_price/output_price (USD per 1M) from "
                        + PRICES,
                used);
    }

    /** The nine models' prices from default_llm.json. */
    private static Map<String, Prices> prices(ImportRun run, Path file) {
        JsonNode root;
        try {
            root = JsonRecords.JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": not readable as JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) throw ImportRun.malformed(file + ": expected a JSON object of models");
        Map<String, Prices> prices = new HashMap<>();
        List<String> problems = new ArrayList<>();
        for (String model : MODELS) {
            JsonNode card = root.get(model);
            JsonNode in = card == null ? null : card.get("input_price");
            JsonNode out = card == null ? null : card.get("output_price");
            if (in == null || out == null || !in.isNumber() || !out.isNumber() || in.doubleValue() < 0 || out.doubleValue() < 0) {
                problems.add(model);
            } else {
                prices.put(model, new Prices(in.doubleValue(), out.doubleValue()));
            }
        }
        if (!problems.isEmpty()) {
            // Without a price the model's outcomes cannot be costed at all: a table problem, not a row problem.
            throw ImportRun.malformed(file + ": no numeric input_price/output_price (USD per 1M, >= 0) for "
                    + String.join(", ", problems) + "; the RouterDC tables score these models");
        }
        return prices;
    }

    /** Query text → task and metric; bad lines are reported, a query listed under two tasks keeps the first. */
    private static Map<String, QueryInfo> queryInfo(ImportRun run, Path file) {
        Map<String, QueryInfo> info = new HashMap<>();
        Map<String, Set<String>> ambiguous = new LinkedHashMap<>();
        JsonRecords.forEachLine(file, (line, rec, error) -> {
            run.read(1);
            if (error != null) {
                run.skip(file, line, error);
                return;
            }
            List<String> why = new ArrayList<>();
            String query = text(rec, "query", why);
            String task = text(rec, "task_name", why);
            String metric = text(rec, "metric", why);
            if (!why.isEmpty()) {
                run.skip(file, line, String.join("; ", why));
                return;
            }
            QueryInfo first = info.putIfAbsent(query, new QueryInfo(task, metric, line));
            if (first != null && !first.task().equals(task)) {
                ambiguous.computeIfAbsent(query, q -> new LinkedHashSet<>(List.of(first.task() + " (line " + first.line() + ")")))
                        .add(task + " (line " + line + ")");
            }
        });
        if (!ambiguous.isEmpty()) {
            run.note(file.getFileName() + ": " + ambiguous.size() + " quer(ies) are listed under two tasks; each "
                    + "keeps the first: " + ambiguous.values());
        }
        return info;
    }

    private static String text(JsonNode rec, String field, List<String> why) {
        if (rec == null || !rec.isObject()) {
            if (why.isEmpty()) why.add("expected a JSON object, got " + JsonRecords.kind(rec));
            return null;
        }
        JsonNode v = rec.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            why.add(field + " must be a non-empty string, got " + JsonRecords.kind(v));
            return null;
        }
        return v.asText();
    }

    /** The nine scores in {@link #MODELS} order, or {@code null} with the reasons added to {@code why}. */
    private static double[] scores(JsonNode node, List<String> why) {
        if (node == null || !node.isObject()) {
            why.add("scores must be an object of model -> score, got " + JsonRecords.kind(node));
            return null;
        }
        double[] s = new double[MODELS.size()];
        int bad = why.size();
        for (int m = 0; m < MODELS.size(); m++) {
            JsonNode v = node.get(MODELS.get(m));
            if (v == null || v.isNull()) {
                why.add("no score for " + MODELS.get(m));
            } else if (!v.isNumber() || !(v.doubleValue() >= 0 && v.doubleValue() <= 1)) {
                why.add("score of " + MODELS.get(m) + " must be a number in [0, 1], got " + JsonRecords.kind(v));
            } else {
                s[m] = v.doubleValue();
            }
        }
        List<String> extra = new ArrayList<>();
        node.fieldNames().forEachRemaining(f -> {
            if (!MODELS.contains(f)) extra.add(f);
        });
        if (!extra.isEmpty()) why.add("scores name unknown model(s) " + extra + "; expected " + MODELS);
        return why.size() == bad ? s : null;
    }
}
