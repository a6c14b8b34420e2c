package dev.thinkroute.llm.replay;

import java.util.List;
import java.util.Optional;

/**
 * A recorded table of answers, by prompt and model: what the replay upstream answers from, so thinkroute runs with
 * no model server. Implementations are immutable once loaded and safe to share between threads.
 *
 * <p><b>Prompt matching</b> is exact after {@link #normalisePrompt normalisation}: Unicode NFC, then every run of
 * whitespace (Unicode {@code White_Space}: spaces, tabs, newlines, no-break spaces) collapsed to one space, then
 * leading and trailing whitespace removed. Case, punctuation and quote styles ({@code ’} vs {@code '}) still
 * matter: a recorded answer only stands for the prompt that was actually asked.
 */
public interface OutcomeTable {

    /** The registry name, e.g. {@code routellm-gsm8k}. */
    String name();

    /** The recorded models (the values a replay card's {@code upstreamModel} may take), in column order. */
    List<String> models();

    /** The number of prompts held. */
    int size();

    /** The prompts held, as recorded (not normalised), in file order. */
    List<String> prompts();

    /**
     * The recorded answer of {@code model} to {@code prompt}, matched after {@link #normalisePrompt normalisation}.
     *
     * @return empty when the table holds no such prompt
     * @throws IllegalArgumentException when {@code model} is not one of {@link #models()}
     */
    Optional<RecordedAnswer> lookup(String model, String prompt);

    /**
     * The rows that were not loaded, one line each: {@code file:line: why}. Empty when every row loaded. Rows are
     * never dropped silently; callers print these (or their count) when they load a table.
     */
    default List<String> skipped() {
        return List.of();
    }

    /** The key prompts are matched by: NFC, whitespace runs collapsed to one space, trimmed. */
    static String normalisePrompt(String prompt) {
        return PromptText.normalise(prompt);
    }
}
