package dev.thinkroute.llm.replay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thinkroute.llm.data.JsonRecords;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * LLMRouter's NQ routing history (ulab-uiuc/LLMRouter, MIT): 500 Natural Questions, each answered by six models, with
 * each answer's F1-type score ({@code perf_list}). Read from {@code <data>/}{@value #RELATIVE_PATH}.
 *
 * <p>Each record lists its models in its own order ({@code llm_name_list}), so answers are matched to models by
 * position within the record. A record without a query, whose lists differ in length, or with an answer that is not
 * text or a score outside [0, 1] is skipped and listed in {@link #skipped()} as {@code file:line: why}; a
 * repeated query keeps the first. A model missing from some record simply has no answer there.
 */
public final class LlmRouterNqTable extends RecordedTable {

    /** The registry name. */
    public static final String NAME = "llmrouter-nq";
    /** The file, relative to the datasets root. */
    public static final String RELATIVE_PATH = "llmrouter/nq_history/router_train_data_nq.json";

    private LlmRouterNqTable(List<String> models, List<String> prompts, Map<String, Map<String, RecordedAnswer>> answers,
                             List<String> skipped) {
        super(NAME, models, prompts, answers, skipped);
    }

    /**
     * Loads {@value #RELATIVE_PATH} under the datasets root.
     *
     * @throws MissingDataException when the file is not there
     */
    public static LlmRouterNqTable load(Path dataRoot) {
        Objects.requireNonNull(dataRoot, "dataRoot");
        Path file = dataRoot.resolve(RELATIVE_PATH).toAbsolutePath().normalize();
        if (!Files.isRegularFile(file)) {
            throw new MissingDataException(NAME + ": no file at " + file + "; expected LLMRouter's NQ routing history "
                    + "(a JSON array of {query, llm_name_list, response_list, perf_list}) at " + RELATIVE_PATH
                    + " under the datasets root " + dataRoot.toAbsolutePath().normalize() + ". " + DataLocation.HOW_TO_SET);
        }
        List<String> models = new ArrayList<>();
        List<String> prompts = new ArrayList<>();
        Map<String, Map<String, RecordedAnswer>> answers = new LinkedHashMap<>();
        Map<String, Long> first = new HashMap<>();
        List<String> skipped = new ArrayList<>();
        JsonRecords.forEachElement(file, (line, rec) -> {
            List<String> why = new ArrayList<>();
            JsonNode q = rec == null ? null : rec.get("query");
            if (q == null || !q.isTextual() || q.asText().isBlank()) why.add("query must be a non-empty string, got " + JsonRecords.kind(q));
            JsonNode names = rec == null ? null : rec.get("llm_name_list");
            JsonNode texts = rec == null ? null : rec.get("response_list");
            JsonNode perfs = rec == null ? null : rec.get("perf_list");
            Map<String, RecordedAnswer> row = new LinkedHashMap<>();
            if (names == null || !names.isArray() || texts == null || !texts.isArray() || perfs == null || !perfs.isArray()
                    || names.size() != texts.size() || names.size() != perfs.size()) {
                why.add("llm_name_list, response_list and perf_list must be arrays of one length");
            } else {
                for (int k = 0; k < names.size(); k++) {
                    JsonNode perf = perfs.get(k);
                    if (!names.get(k).isTextual() || !texts.get(k).isTextual() || !perf.isNumber()
                            || !(perf.doubleValue() >= 0 && perf.doubleValue() <= 1)) {
                        why.add("entry " + k + " needs a model name, a text response and a score in [0, 1]");
                        continue;
                    }
                    row.put(names.get(k).asText(), new RecordedAnswer(texts.get(k).asText(), perf.doubleValue()));
                }
            }
            if (why.isEmpty()) {
                String key = PromptText.normalise(q.asText());
                Long seen = first.putIfAbsent(key, line);
                if (seen != null) {
                    why.add("repeats the query on line " + seen + " (kept the first)");
                } else {
                    prompts.add(q.asText());
                    answers.put(key, row);
                    for (String m : row.keySet()) if (!models.contains(m)) models.add(m);
                }
            }
            if (!why.isEmpty()) skipped.add(file + ":" + line + ": " + String.join("; ", why));
        });
        return new LlmRouterNqTable(models, prompts, answers, skipped);
    }

    @Override
    public String toString() {
        return NAME + " (" + size() + " prompts, " + models().size() + " models, " + skipped().size() + " skipped)";
    }
}
