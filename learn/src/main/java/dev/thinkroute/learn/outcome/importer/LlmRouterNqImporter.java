package dev.thinkroute.learn.outcome.importer;

import dev.thinkroute.llm.data.JsonRecords;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thinkroute.core.Outcome;
import dev.thinkroute.core.Prices;
import dev.thinkroute.core.TokenEstimator;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * LLMRouter's NQ history ({@code llmrouter/nq_history/router_train_data_nq.json}): 500 Natural Questions × 6 models,
 * each with the model's response, a cost and a score ({@code perf_list}, F1-type, in [0, 1]). Dataset {@code nq};
 * query id {@code nq-<q_id>}. The model lists are in a different order on different records, so every value is
 * matched to its model by position within its own record.
 *
 * <p><b>Cost.</b> The file does not say what unit {@code cost_list} is in. Every value of a model is a whole multiple
 * of one number — that model's list price per 1M tokens ({@link ListPrices#NQ_IMPLIED}) — and the multiple tracks the
 * response's length, so {@code cost_list = output tokens × USD per 1M}, i.e. micro-USD charged for output only. This
 * importer keeps the source's costs exactly: {@code cost_usd = cost_list / 1e6}, so the relative costs of models and
 * queries are the source's own; {@code output_tokens = cost_list / price} (the source's own token count, from the
 * model's real tokenizer), falling back to {@link TokenEstimator} on the response for a model without a known price;
 * {@code input_tokens = TokenEstimator(query)}, recorded but not charged, as in the source (NQ questions are ~10
 * tokens against ~90 of output).
 */
public final class LlmRouterNqImporter implements Importer {

    /** The registry name. */
    public static final String NAME = "llmrouter-nq";
    /** The dataset the outcomes carry. */
    public static final String DATASET = "nq";
    /** The file, relative to the datasets root. */
    public static final String RELATIVE_PATH = "llmrouter/nq_history/router_train_data_nq.json";

    private static final String[] LISTS = {"llm_name_list", "response_list", "cost_list", "perf_list"};

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "LLMRouter NQ history: 500 Natural Questions x 6 models with responses, F1-type scores and the "
                + "source's own costs (cost_list as micro-USD)";
    }

    @Override
    public ImportResult run(Path dataRoot) {
        ImportRun run = new ImportRun(NAME, DATASET, dataRoot);
        Path file = run.require(RELATIVE_PATH, "LLMRouter's NQ routing history (router_train_data_nq.json)");
        List<Outcome> outcomes = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        Set<String> unpriced = new TreeSet<>();
        int[] offGrid = {0};
        JsonRecords.forEachElement(file, (line, rec) -> {
            run.read(1);
            List<String> why = new ArrayList<>();
            if (rec == null || !rec.isObject()) {
                run.skip(file, line, "expected an object, got " + JsonRecords.kind(rec));
                return;
            }
            JsonNode qid = rec.get("q_id");
            String id = null;
            if (qid == null || !qid.canConvertToLong() || !qid.isIntegralNumber() || qid.longValue() < 0) {
                why.add("q_id must be a whole number >= 0, got " + JsonRecords.kind(qid));
            } else {
                id = String.format(Locale.ROOT, "nq-%04d", qid.longValue());
                if (!ids.add(id)) why.add("q_id " + qid.asText() + " repeats an earlier record (kept the first)");
            }
            JsonNode q = rec.get("query");
            String query = q != null && q.isTextual() && !q.asText().isBlank() ? q.asText() : null;
            if (query == null) why.add("query must be a non-empty string, got " + JsonRecords.kind(q));
            JsonNode[] lists = new JsonNode[LISTS.length];
            int size = -1;
            int before = why.size();
            for (int i = 0; i < LISTS.length; i++) {
                lists[i] = rec.get(LISTS[i]);
                if (lists[i] == null || !lists[i].isArray() || lists[i].isEmpty()) {
                    why.add(LISTS[i] + " must be a non-empty array, got " + JsonRecords.kind(lists[i]));
                } else if (size < 0) {
                    size = lists[i].size();
                } else if (lists[i].size() != size) {
                    why.add(LISTS[i] + " has " + lists[i].size() + " entries, " + LISTS[0] + " has " + size);
                }
            }
            if (why.size() == before) { // the lists line up, so their entries can be checked one by one
                Set<String> names = new HashSet<>();
                for (int k = 0; k < size; k++) {
                    JsonNode name = lists[0].get(k), resp = lists[1].get(k), cost = lists[2].get(k), perf = lists[3].get(k);
                    if (!name.isTextual() || name.asText().isBlank()) why.add("llm_name_list[" + k + "] is " + JsonRecords.kind(name));
                    else if (!names.add(name.asText())) why.add("model " + name.asText() + " is listed twice");
                    if (!resp.isTextual()) why.add("response_list[" + k + "] must be a string, got " + JsonRecords.kind(resp));
                    if (!cost.isNumber() || !(cost.doubleValue() >= 0) || Double.isInfinite(cost.doubleValue())) {
                        why.add("cost_list[" + k + "] must be a number >= 0, got " + JsonRecords.kind(cost));
                    }
                    if (!perf.isNumber() || !(perf.doubleValue() >= 0 && perf.doubleValue() <= 1)) {
                        why.add("perf_list[" + k + "] must be a number in [0, 1], got " + JsonRecords.kind(perf));
                    }
                }
            }
            if (!why.isEmpty()) {
                run.skip(file, line, String.join("; ", why));
                return;
            }
            long in = TokenEstimator.estimate(query);
            for (int k = 0; k < size; k++) {
                String model = lists[0].get(k).asText();
                double micro = lists[2].get(k).doubleValue();
                Prices price = ListPrices.NQ_IMPLIED.get(model);
                long out;
                if (price == null || price.outputPerMillion() == 0) {
                    unpriced.add(model);
                    out = TokenEstimator.estimate(lists[1].get(k).asText());
                } else {
                    double tokens = micro / price.outputPerMillion();
                    out = Math.round(tokens);
                    if (Math.abs(tokens - out) > 1e-6) offGrid[0]++;
                }
                outcomes.add(new Outcome(id, DATASET, query, model, "off", lists[3].get(k).doubleValue(), in, out, 0,
                        micro / 1_000_000.0, 0, run.outcomeSource()));
            }
        });
        if (!unpriced.isEmpty()) {
            run.note("no implied price for " + unpriced + ": their output_tokens are TokenEstimator(response); "
                    + "cost_usd is still cost_list / 1e6");
        }
        if (offGrid[0] > 0) {
            run.note(offGrid[0] + " cost_list value(s) are not a whole multiple of their model's price; their "
                    + "output_tokens are rounded");
        }
        run.note("cost_list unit: not documented in the file; every value of a model is a whole multiple of its "
                + "price per 1M tokens (" + ListPrices.NQ_IMPLIED.keySet().size() + " models, see prices), which "
                + "makes cost_list = output tokens x USD per 1M = micro-USD for the output; kept as is so the "
                + "source's relative costs hold");
        run.note("score: perf_list (the repo's F1-type NQ score, in [0, 1])");
        run.note("latency_ms is 0: the file records no latency");
        Map<String, Prices> used = new LinkedHashMap<>(ListPrices.NQ_IMPLIED);
        return run.finish(outcomes,
                "cost_usd = cost_list / 1e6 (cost_list read as micro-USD: output tokens x the model's USD per 1M, "
                        + "input not charged, as in the source); output_tokens = cost_list / the model's implied price "
                        + "per 1M (the source's own count); input_tokens = TokenEstimator(query), recorded, not charged",
                used);
    }
}
