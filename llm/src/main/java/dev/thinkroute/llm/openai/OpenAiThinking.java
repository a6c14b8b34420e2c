package dev.thinkroute.llm.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thinkroute.core.BudgetMethod;
import dev.thinkroute.core.Thinking;
import dev.thinkroute.core.ThinkingSupport;

import java.util.regex.Pattern;

/**
 * Writes the neutral {@link Thinking} setting into an OpenAI Chat Completions request body, in the fields the
 * model's {@link ThinkingSupport} family understands:
 * <ul>
 *   <li>{@code QWEN3}: {@code chat_template_kwargs.enable_thinking} true/false. A budget {@code on@N} turns thinking
 *       on; with {@link BudgetMethod#SERVER} it also sends vLLM's {@code thinking_token_budget: N} (the server must run
 *       with {@code --reasoning-config}; vLLM rejects the field otherwise) and raises {@code max_tokens} by N, so the
 *       caller's {@code max_tokens} stays what the answer gets. With {@link BudgetMethod#TWO_CALL} the
 *       {@link OpenAiUpstream} caps the first call itself.</li>
 *   <li>{@code QWEN3_SOFT}: the {@code /think} or {@code /no_think} soft switch appended to the last user message
 *       (for servers without {@code chat_template_kwargs}); a switch already ending that message is replaced.</li>
 *   <li>{@code DEEPSEEK}: {@code chat_template_kwargs.thinking} true/false; budgets as for {@code QWEN3}.</li>
 *   <li>{@code DEEPSEEK_API}: the model itself: {@code deepseek-reasoner} when thinking, {@code deepseek-chat} when
 *       not. The card's {@code upstream_model} is not sent for this family (the hosted API has just these two
 *       names, and which one is the thinking switch).</li>
 *   <li>{@code EFFORT}: {@code reasoning_effort} low/medium/high; plain {@code on} leaves the server's default.</li>
 *   <li>{@code GPT_OSS}: {@code reasoning_effort} and a {@code Reasoning: low|medium|high} first line in the system
 *       message. vLLM passes {@code reasoning_effort} into the chat template and its harmony renderer, which write
 *       that same line into the harmony system message; the line in the caller's system message carries the level
 *       to servers that drop {@code reasoning_effort} (it is how the gpt-oss model card says to set it); a
 *       {@code Reasoning:} line the caller wrote is replaced by it. Plain {@code on} sends no
 *       {@code reasoning_effort} and leaves the system message as the caller wrote it: a caller's own
 *       {@code Reasoning: high} line stays (the gateway does not read that line into the {@link Thinking} value, so
 *       it is the caller's choice of level); without one the model runs at its default, medium.</li>
 *   <li>{@code NONE}, {@code ALWAYS}: nothing.</li>
 *   <li>{@code BUDGET}, {@code ADAPTIVE}: refused. Their providers' budget and effort fields belong to the
 *       Anthropic, Gemini and Ollama dialects; OpenAI-compatible endpoints have no common field for them.</li>
 * </ul>
 * Any thinking switch the caller left in the body (including a {@code thinking_token_budget}) is removed first: the
 * gateway has already read it into the {@link Thinking} value, and a leftover switch could contradict the chosen arm.
 * The gpt-oss {@code Reasoning:} system line is the exception described above.
 */
public final class OpenAiThinking {

    static final String KWARGS = "chat_template_kwargs";
    static final String ENABLE_THINKING = "enable_thinking";
    static final String THINKING = "thinking";
    static final String REASONING_EFFORT = "reasoning_effort";
    /** vLLM's per-request reasoning cap (vllm/entrypoints/openai/chat_completion/protocol.py, SamplingParams). */
    static final String THINKING_TOKEN_BUDGET = "thinking_token_budget";
    static final String DEEPSEEK_CHAT = "deepseek-chat";
    static final String DEEPSEEK_REASONER = "deepseek-reasoner";

    private static final Pattern SOFT_SWITCH = Pattern.compile("\\s*/(?:no_)?think\\s*$");
    private static final Pattern REASONING_LINE =
            Pattern.compile("(?im)^[ \\t]*Reasoning:[ \\t]*(?:low|medium|high)[ \\t]*(?:\\r?\\n)?");

    private OpenAiThinking() {
    }

    /** {@link #apply(ObjectNode, ThinkingSupport, Thinking, BudgetMethod)} with the default budget method. */
    public static void apply(ObjectNode body, ThinkingSupport support, Thinking thinking) {
        apply(body, support, thinking, BudgetMethod.TWO_CALL);
    }

    /**
     * Maps {@code thinking} onto {@code body} in place (pass a copy of the caller's body).
     *
     * @throws IllegalArgumentException when the model cannot think that way on this dialect (the text of
     *                                  {@link #refusal(ThinkingSupport, Thinking)})
     */
    public static void apply(ObjectNode body, ThinkingSupport support, Thinking thinking, BudgetMethod method) {
        String refusal = refusal(support, thinking);
        if (refusal != null) throw new IllegalArgumentException(refusal);

        body.remove(REASONING_EFFORT);
        body.remove(THINKING_TOKEN_BUDGET);
        JsonNode existing = body.get(KWARGS);
        ObjectNode kwargs = existing instanceof ObjectNode o ? o : null;
        if (kwargs != null) {
            kwargs.remove(ENABLE_THINKING);
            kwargs.remove(THINKING);
        }

        switch (support) {
            case QWEN3 -> {
                kwargs(body, kwargs).put(ENABLE_THINKING, thinking.thinks());
                serverBudget(body, thinking, method);
            }
            case DEEPSEEK -> {
                kwargs(body, kwargs).put(THINKING, thinking.thinks());
                serverBudget(body, thinking, method);
            }
            case QWEN3_SOFT -> softSwitch(body, thinking.thinks());
            case DEEPSEEK_API -> body.put("model", thinking.thinks() ? DEEPSEEK_REASONER : DEEPSEEK_CHAT);
            case EFFORT -> {
                if (thinking instanceof Thinking.Effort effort) body.put(REASONING_EFFORT, effort.level().label());
            }
            case GPT_OSS -> {
                String level = thinking instanceof Thinking.Effort effort ? effort.level().label() : null;
                if (level != null) {
                    body.put(REASONING_EFFORT, level);
                    reasoningLine(body, level);
                }
            }
            case NONE, ALWAYS, BUDGET, ADAPTIVE -> {
                // BUDGET and ADAPTIVE never get here: refused above.
            }
        }

        // Drop an object emptied by the removal above: some servers reject chat_template_kwargs outright.
        if (body.get(KWARGS) instanceof ObjectNode o && o.isEmpty() && kwargs != null) body.remove(KWARGS);
    }

    /**
     * Why this dialect cannot ask {@code support}'s model for {@code thinking}, or {@code null} when it can: the
     * family's own refusal ({@link ThinkingSupport#refusal(Thinking)}), and the native-budget families, which have
     * no OpenAI-compatible mapping.
     */
    public static String refusal(ThinkingSupport support, Thinking thinking) {
        String own = support.refusal(thinking);
        if (own != null) return own;
        return switch (support) {
            case BUDGET, ADAPTIVE -> "its thinking (" + support.label() + ") is a provider's native budget or effort"
                    + " field, which the openai dialect cannot send; give the model its own dialect (anthropic, gemini, ollama)";
            case NONE, QWEN3, QWEN3_SOFT, DEEPSEEK, DEEPSEEK_API, EFFORT, GPT_OSS, ALWAYS -> null;
        };
    }

    /**
     * Qwen3's recommended sampling for the chosen mode, written only when the caller set none of {@code temperature},
     * {@code top_p} and {@code top_k}: thinking T=0.6, top_p=0.95, top_k=20; non-thinking T=0.7, top_p=0.8, top_k=20
     * (the Qwen3 model card, "Best Practices"; it warns that greedy decoding makes thinking mode repeat itself).
     *
     * <p>Only for {@code QWEN3} and {@code QWEN3_SOFT}: these are the Qwen3 card's figures, and the switch between
     * its two modes is exactly what a server's single default (vLLM takes generation_config.json, which holds the
     * thinking values) cannot follow. Other families keep the server's defaults: OpenAI's reasoning models reject a
     * non-default temperature, gpt-oss recommends T=1.0, and DeepSeek's hosted API ignores sampling when reasoning.
     */
    public static void sampling(ObjectNode body, ThinkingSupport support, Thinking thinking) {
        if (support != ThinkingSupport.QWEN3 && support != ThinkingSupport.QWEN3_SOFT) return;
        if (body.has("temperature") || body.has("top_p") || body.has("top_k")) return;
        boolean thinks = thinking.thinks();
        body.put("temperature", thinks ? 0.6 : 0.7);
        body.put("top_p", thinks ? 0.95 : 0.8);
        body.put("top_k", 20);
    }

    /** Whether the family's server can continue an assistant message whose thinking was cut (chat-template switches: vLLM, SGLang). */
    static boolean continues(ThinkingSupport support) {
        return support == ThinkingSupport.QWEN3 || support == ThinkingSupport.DEEPSEEK;
    }

    /** The least thinking the family allows, for a retry; {@code null} when it has no lower setting than "on". */
    static Thinking lowest(ThinkingSupport support) {
        return switch (support) {
            case QWEN3, QWEN3_SOFT, DEEPSEEK, DEEPSEEK_API, NONE, BUDGET, ADAPTIVE -> Thinking.OFF;
            case EFFORT, GPT_OSS -> new Thinking.Effort(Thinking.Level.LOW);
            case ALWAYS -> null;
        };
    }

    /** Turns thinking off in a body already mapped for {@code support} (the answer call after a closed thinking block). */
    static void thinkingOff(ObjectNode body, ThinkingSupport support) {
        body.remove(THINKING_TOKEN_BUDGET);
        if (support == ThinkingSupport.QWEN3) kwargs(body, body.get(KWARGS) instanceof ObjectNode o ? o : null).put(ENABLE_THINKING, false);
        if (support == ThinkingSupport.DEEPSEEK) kwargs(body, body.get(KWARGS) instanceof ObjectNode o ? o : null).put(THINKING, false);
    }

    /** The caller's cap on generated tokens: {@code max_completion_tokens} (which vLLM prefers) or {@code max_tokens}. */
    static Integer maxTokens(JsonNode body) {
        for (String field : new String[] {"max_completion_tokens", "max_tokens"}) {
            JsonNode n = body.get(field);
            if (n != null && n.canConvertToInt() && n.isIntegralNumber() && n.asInt() > 0) return n.asInt();
        }
        return null;
    }

    /** Replaces the caller's cap with {@code tokens} ({@code null}: no cap, the server's default). */
    static void setMaxTokens(ObjectNode body, Integer tokens) {
        body.remove("max_completion_tokens");
        body.remove("max_tokens");
        if (tokens != null) body.put("max_tokens", tokens);
    }

    private static void serverBudget(ObjectNode body, Thinking thinking, BudgetMethod method) {
        if (!(thinking instanceof Thinking.Budget budget) || method != BudgetMethod.SERVER) return;
        body.put(THINKING_TOKEN_BUDGET, budget.tokens());
        // The budget counts inside max_tokens on vLLM; keep the caller's cap for the answer alone, as two calls do.
        Integer answer = maxTokens(body);
        if (answer != null) setMaxTokens(body, (int) Math.min(Integer.MAX_VALUE, (long) answer + budget.tokens()));
    }

    private static void softSwitch(ObjectNode body, boolean thinks) {
        String word = thinks ? "/think" : "/no_think";
        JsonNode messages = body.get("messages");
        if (!(messages instanceof ArrayNode list)) return;
        for (int i = list.size() - 1; i >= 0; i--) {
            if (!(list.get(i) instanceof ObjectNode m) || !"user".equals(m.path("role").asText())) continue;
            JsonNode content = m.get("content");
            if (content != null && content.isTextual()) {
                String text = SOFT_SWITCH.matcher(content.asText()).replaceFirst("");
                m.put("content", text.isEmpty() ? word : text + " " + word);
            } else if (content instanceof ArrayNode parts) {
                for (int p = parts.size() - 1; p >= 0; p--) {
                    if (parts.get(p) instanceof ObjectNode part && part.path("text").isTextual()) {
                        String text = SOFT_SWITCH.matcher(part.get("text").asText()).replaceFirst("");
                        if (text.isEmpty()) parts.remove(p);
                        else part.put("text", text);
                        break;
                    }
                }
                parts.addObject().put("type", "text").put("text", word);
            } else {
                m.put("content", word);
            }
            return;
        }
    }

    /** Writes {@code Reasoning: level} as the system message's first line, replacing any such line already there. */
    private static void reasoningLine(ObjectNode body, String level) {
        JsonNode messages = body.get("messages");
        if (!(messages instanceof ArrayNode list)) return;
        ObjectNode system = null;
        for (JsonNode m : list) {
            if (m instanceof ObjectNode o && "system".equals(o.path("role").asText())) {
                system = o;
                break;
            }
        }
        if (system != null) {
            JsonNode content = system.get("content");
            if (content != null && content.isTextual()) {
                system.put("content", REASONING_LINE.matcher(content.asText()).replaceAll(""));
            } else if (content instanceof ArrayNode parts) {
                for (JsonNode part : parts) {
                    if (part instanceof ObjectNode p && p.path("text").isTextual()) {
                        p.put("text", REASONING_LINE.matcher(p.get("text").asText()).replaceAll(""));
                    }
                }
            }
        }
        String line = "Reasoning: " + level;
        if (system == null) {
            ObjectNode created = JsonNodeFactory.instance.objectNode().put("role", "system").put("content", line);
            list.insert(0, created);
        } else if (system.get("content") instanceof ArrayNode parts) {
            parts.insert(0, JsonNodeFactory.instance.objectNode().put("type", "text").put("text", line + "\n"));
        } else {
            String rest = system.path("content").asText("");
            system.put("content", rest.isEmpty() ? line : line + "\n" + rest);
        }
    }

    private static ObjectNode kwargs(ObjectNode body, ObjectNode existing) {
        return existing != null ? existing : body.putObject(KWARGS);
    }
}
