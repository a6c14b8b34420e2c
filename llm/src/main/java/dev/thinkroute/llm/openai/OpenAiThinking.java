package dev.thinkroute.llm.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thinkroute.core.Thinking;
import dev.thinkroute.core.ThinkingSupport;

/**
 * Writes the neutral {@link Thinking} setting into an OpenAI Chat Completions request body, in the fields the
 * model's {@link ThinkingSupport} family understands:
 * <ul>
 *   <li>{@code QWEN3}: {@code chat_template_kwargs.enable_thinking} true/false</li>
 *   <li>{@code DEEPSEEK}: {@code chat_template_kwargs.thinking} true/false</li>
 *   <li>{@code EFFORT}: {@code reasoning_effort} low/medium/high; plain {@code on} leaves the server's default</li>
 *   <li>{@code NONE}, {@code ALWAYS}: nothing</li>
 * </ul>
 * Any thinking switch the caller left in the body is removed first: the gateway has already read it into the
 * {@link Thinking} value, and a leftover switch could contradict the chosen arm.
 */
public final class OpenAiThinking {

    static final String KWARGS = "chat_template_kwargs";
    static final String ENABLE_THINKING = "enable_thinking";
    static final String THINKING = "thinking";
    static final String REASONING_EFFORT = "reasoning_effort";

    private OpenAiThinking() {
    }

    /**
     * Maps {@code thinking} onto {@code body} in place (pass a copy of the caller's body).
     *
     * @throws IllegalArgumentException when the model cannot think that way (the text of
     *                                  {@link ThinkingSupport#refusal(Thinking)})
     */
    public static void apply(ObjectNode body, ThinkingSupport support, Thinking thinking) {
        String refusal = support.refusal(thinking);
        if (refusal != null) throw new IllegalArgumentException(refusal);

        body.remove(REASONING_EFFORT);
        JsonNode existing = body.get(KWARGS);
        ObjectNode kwargs = existing instanceof ObjectNode o ? o : null;
        if (kwargs != null) {
            kwargs.remove(ENABLE_THINKING);
            kwargs.remove(THINKING);
        }

        switch (support) {
            case QWEN3 -> kwargs(body, kwargs).put(ENABLE_THINKING, thinking.thinks());
            case DEEPSEEK -> kwargs(body, kwargs).put(THINKING, thinking.thinks());
            case EFFORT -> {
                if (thinking instanceof Thinking.Effort effort) body.put(REASONING_EFFORT, effort.level().label());
            }
            case NONE, ALWAYS -> {
            }
        }

        // Drop an object emptied by the removal above: some servers reject chat_template_kwargs outright.
        if (body.get(KWARGS) instanceof ObjectNode o && o.isEmpty() && kwargs != null) body.remove(KWARGS);
    }

    private static ObjectNode kwargs(ObjectNode body, ObjectNode existing) {
        return existing != null ? existing : body.putObject(KWARGS);
    }
}
