package dev.thinkroute.llm.replay;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What every public outcome table holds once read, and how a prompt is looked up in it; the subclasses only read their
 * files. Immutable.
 */
public abstract sealed class RecordedTable implements OutcomeTable permits RouteLlmGsm8kTable, LlmRouterNqTable {

    private final String name;
    private final List<String> models;
    private final List<String> prompts;
    /** Normalised prompt → model → answer. */
    private final Map<String, Map<String, RecordedAnswer>> answers;
    private final List<String> skipped;

    /**
     * @param prompts as recorded, in file order
     * @param answers by {@link PromptText#normalise normalised} prompt, then model
     * @param skipped the rows left out, {@code file:line: why}
     */
    RecordedTable(String name, List<String> models, List<String> prompts, Map<String, Map<String, RecordedAnswer>> answers,
                  List<String> skipped) {
        this.name = name;
        this.models = List.copyOf(models);
        this.prompts = List.copyOf(prompts);
        this.answers = Collections.unmodifiableMap(answers);
        this.skipped = List.copyOf(skipped);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<String> models() {
        return models;
    }

    @Override
    public int size() {
        return prompts.size();
    }

    @Override
    public List<String> prompts() {
        return prompts;
    }

    @Override
    public Optional<RecordedAnswer> lookup(String model, String prompt) {
        if (!models.contains(model)) {
            throw new IllegalArgumentException("table '" + name + "' has no model '" + model + "'; it holds " + String.join(", ", models));
        }
        Map<String, RecordedAnswer> row = answers.get(PromptText.normalise(prompt));
        return row == null ? Optional.empty() : Optional.ofNullable(row.get(model));
    }

    @Override
    public List<String> skipped() {
        return skipped;
    }
}
