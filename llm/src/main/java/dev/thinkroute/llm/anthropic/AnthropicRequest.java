package dev.thinkroute.llm.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thinkroute.core.ModelCard;
import dev.thinkroute.core.Thinking;
import dev.thinkroute.core.ThinkingSupport;
import dev.thinkroute.llm.ChatCall;
import dev.thinkroute.llm.UpstreamException;

/**
 * Maps the caller's OpenAI Chat Completions body onto an Anthropic Messages request ({@code POST /v1/messages}),
 * refusing ({@link UpstreamException.Kind#REFUSED}) what Anthropic would reject or what this dialect cannot express,
 * before anything is sent.
 *
 * <p>Checked against the Anthropic documentation (docs.claude.com, mirrored in PocketLLM/PocketLLM
 * {@code docs/anthropic-docs/en/...}):
 * <ul>
 *   <li>{@code api/messages}: {@code model}, {@code max_tokens} (required), {@code messages} of {@code user} /
 *       {@code assistant} turns whose {@code content} is a string or an array of {@code {"type":"text","text":…}}
 *       blocks, a top-level {@code system} (there is no system role), {@code temperature}, {@code top_p},
 *       {@code top_k}, {@code stop_sequences}, {@code stream}, {@code metadata.user_id}.</li>
 *   <li>{@code build-with-claude/extended-thinking}: {@code "thinking": {"type": "enabled", "budget_tokens": N}};
 *       "The minimum budget is 1,024 tokens"; "{@code budget_tokens} must be set to a value less than
 *       {@code max_tokens}"; Feature compatibility: "Thinking isn't compatible with {@code temperature} or
 *       {@code top_k} modifications as well as forced tool use", "When thinking is enabled, you can set
 *       {@code top_p} to values between 1 and 0.95", "You cannot pre-fill responses when thinking is enabled".</li>
 *   <li>Adaptive thinking (Claude Opus/Sonnet 4.6 and later): {@code "thinking": {"type": "adaptive"}} with the effort
 *       in {@code "output_config": {"effort": "low" | "medium" | "high"}} ({@code high} is the default when omitted);
 *       https://platform.claude.com/docs/en/build-with-claude/effort and
 *       https://docs.aws.amazon.com/bedrock/latest/userguide/claude-messages-adaptive-thinking.html.
 *       {@code {"type": "disabled"}} turns thinking off.</li>
 * </ul>
 *
 * <p>Policy for sampling fields while thinking (enabled or adaptive): they are <em>dropped</em>, not refused —
 * a {@code temperature} other than 1, any {@code top_k}, and a {@code top_p} below 0.95 — because a routed request
 * carries the caller's sampling settings for whichever model is chosen, and Anthropic cannot honour them while
 * thinking; refusing would fail requests that any other arm would serve. A thinking budget outside Anthropic's
 * bounds, in contrast, is refused: it is the caller's explicit thinking request.
 */
final class AnthropicRequest {

    /** The {@code anthropic-version} header this dialect speaks. */
    static final String API_VERSION = "2023-06-01";
    /**
     * {@code max_tokens} when the caller set neither {@code max_tokens} nor {@code max_completion_tokens} (with a
     * thinking budget {@code on@N}: N more, so the answer keeps this much room).
     */
    static final int DEFAULT_MAX_TOKENS = 4096;
    /** Anthropic's smallest {@code budget_tokens}. */
    static final int MIN_BUDGET = 1024;
    /**
     * The budget for plain {@code on}: half of {@code max_tokens} (leaving the other half for the answer), at most
     * this, at least {@link #MIN_BUDGET}.
     */
    static final int DEFAULT_ON_BUDGET = 8192;
    /** The lowest {@code top_p} Anthropic accepts while thinking. */
    static final double MIN_TOP_P_THINKING = 0.95;

    /*
     * Fields mapped: model (replaced), messages, max_tokens / max_completion_tokens, temperature, top_p, top_k,
     * stop (-> stop_sequences), stream, user (-> metadata.user_id). stream_options is consumed (Anthropic always
     * reports usage). Dropped without a word, having no Anthropic counterpart that changes what is asked: seed
     * (reproducibility only), OpenAI's metadata/store/service_tier (account features), parallel_tool_calls (no
     * tools), and the thinking switches the gateway already read (chat_template_kwargs, reasoning_effort), as is any
     * other unknown field (Anthropic rejects unknown fields). Refused: see checkUnsupported.
     */

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private AnthropicRequest() {
    }

    /**
     * The Anthropic request body for {@code call}.
     *
     * @throws UpstreamException {@link UpstreamException.Kind#REFUSED} naming the field that cannot be sent
     */
    static ObjectNode build(ModelCard card, ChatCall call, boolean stream) throws UpstreamException {
        ObjectNode in = call.body();
        checkUnsupported(card, in);

        ObjectNode out = NODES.objectNode();
        out.put("model", card.upstreamModel());
        int maxTokens = maxTokens(card, in, call.thinking());
        out.put("max_tokens", maxTokens);
        mapMessages(card, in.get("messages"), out);

        JsonNode stop = in.get("stop");
        if (stop != null && !stop.isNull()) out.set("stop_sequences", stopSequences(card, stop));
        copyNumber(in, "temperature", out);
        copyNumber(in, "top_p", out);
        copyNumber(in, "top_k", out);
        JsonNode user = in.get("user");
        if (user != null && user.isTextual() && !user.asText().isBlank()) {
            out.putObject("metadata").put("user_id", user.asText());
        }
        if (stream) out.put("stream", true);

        boolean thinks = applyThinking(card, call.thinking(), maxTokens, out);
        if (thinks) {
            // Anthropic: "Thinking isn't compatible with temperature or top_k modifications"; top_p in [0.95, 1].
            // Dropped rather than refused (see the class comment).
            JsonNode t = out.get("temperature");
            if (t != null && t.asDouble() != 1.0) out.remove("temperature");
            out.remove("top_k");
            JsonNode p = out.get("top_p");
            if (p != null && p.asDouble() < MIN_TOP_P_THINKING) out.remove("top_p");
            JsonNode messages = out.get("messages");
            if (messages.size() > 0 && "assistant".equals(messages.get(messages.size() - 1).path("role").asText())) {
                throw refused(card, "thinking cannot be used with a prefilled answer: Anthropic does not allow the last "
                        + "message to be an assistant message while thinking is enabled; use thinking 'off' or drop that message");
            }
        }
        return out;
    }

    /** Fields this dialect cannot express: refused, so the caller learns why rather than getting a silent change. */
    private static void checkUnsupported(ModelCard card, ObjectNode in) throws UpstreamException {
        if (nonEmpty(in.get("tools")) || nonEmpty(in.get("functions"))) {
            throw refused(card, "field 'tools' is not supported by the anthropic dialect yet; send the request without tools "
                    + "or route it to another model");
        }
        JsonNode toolChoice = in.get("tool_choice");
        if (toolChoice != null && !toolChoice.isNull() && !"none".equals(toolChoice.asText()) && !"auto".equals(toolChoice.asText())) {
            throw refused(card, "field 'tool_choice' is not supported by the anthropic dialect yet");
        }
        JsonNode n = in.get("n");
        if (n != null && !n.isNull() && n.asInt(1) != 1) {
            throw refused(card, "field 'n' must be 1: Anthropic returns one answer per request");
        }
        if (in.path("logprobs").asBoolean(false) || (in.hasNonNull("top_logprobs") && in.get("top_logprobs").asInt(0) > 0)) {
            throw refused(card, "field 'logprobs' is not supported: Anthropic does not return log probabilities");
        }
        for (String penalty : new String[]{"frequency_penalty", "presence_penalty"}) {
            JsonNode p = in.get(penalty);
            if (p != null && p.isNumber() && p.asDouble() != 0.0) {
                throw refused(card, "field '" + penalty + "' is not supported: Anthropic has no " + penalty);
            }
        }
        if (nonEmpty(in.get("logit_bias"))) throw refused(card, "field 'logit_bias' is not supported by Anthropic");
        JsonNode format = in.get("response_format");
        if (format != null && !format.isNull() && !"text".equals(format.path("type").asText("text"))) {
            throw refused(card, "field 'response_format' (" + format.path("type").asText() + ") is not supported by the anthropic dialect");
        }
        for (String field : new String[]{"audio", "modalities", "prediction", "web_search_options"}) {
            if (in.hasNonNull(field)) throw refused(card, "field '" + field + "' is not supported by the anthropic dialect");
        }
    }

    private static int maxTokens(ModelCard card, ObjectNode in, Thinking thinking) throws UpstreamException {
        // max_completion_tokens is OpenAI's current name; max_tokens the deprecated one that most clients still send.
        for (String field : new String[]{"max_completion_tokens", "max_tokens"}) {
            JsonNode v = in.get(field);
            if (v == null || v.isNull()) continue;
            if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 1) {
                throw refused(card, "field '" + field + "' must be a positive integer, got " + v);
            }
            return v.asInt();
        }
        // A caller who set a budget but no max_tokens gets room for that budget plus an answer, rather than a refusal
        // for a limit it never chose.
        return thinking instanceof Thinking.Budget b ? b.tokens() + DEFAULT_MAX_TOKENS : DEFAULT_MAX_TOKENS;
    }

    /** Sets {@code thinking} (and {@code output_config}); returns whether the model is asked to think. */
    private static boolean applyThinking(ModelCard card, Thinking thinking, int maxTokens, ObjectNode out)
            throws UpstreamException {
        ThinkingSupport family = card.thinking();
        String refusal = family.refusal(thinking);
        if (refusal != null) throw refused(card, "thinking '" + thinking.label() + "' cannot be used with model '" + card.name() + "': " + refusal);
        if (family == ThinkingSupport.NONE) return false; // never send thinking to a model without it
        if (family == ThinkingSupport.ADAPTIVE) {
            switch (thinking) {
                case Thinking.Off off -> {
                    // Explicit: on the newest models thinking may default on.
                    out.putObject("thinking").put("type", "disabled");
                    return false;
                }
                case Thinking.On on -> out.putObject("thinking").put("type", "adaptive");
                case Thinking.Effort e -> {
                    out.putObject("thinking").put("type", "adaptive");
                    out.putObject("output_config").put("effort", e.level().label());
                }
                case Thinking.Budget b -> throw refused(card, "thinking '" + b.label() + "': adaptive thinking takes an effort, not a budget");
            }
            return true;
        }
        // BUDGET (and any other family on an Anthropic card): extended thinking with budget_tokens.
        int budget;
        switch (thinking) {
            case Thinking.Off off -> {
                return false; // no thinking object: extended thinking is off unless asked for
            }
            case Thinking.On on -> {
                budget = Math.max(MIN_BUDGET, Math.min(DEFAULT_ON_BUDGET, maxTokens / 2));
                if (budget >= maxTokens) {
                    throw refused(card, "thinking 'on' needs max_tokens above " + MIN_BUDGET + " (got " + maxTokens
                            + "): Anthropic requires budget_tokens >= " + MIN_BUDGET + " and budget_tokens < max_tokens");
                }
            }
            case Thinking.Budget b -> {
                budget = b.tokens();
                if (budget < MIN_BUDGET) {
                    throw refused(card, "thinking budget " + b.label() + " is below Anthropic's minimum: budget_tokens must be >= "
                            + MIN_BUDGET + "; use on@" + MIN_BUDGET + " or more");
                }
                if (budget >= maxTokens) {
                    throw refused(card, "thinking budget " + b.label() + " is not below max_tokens (" + maxTokens
                            + "): Anthropic requires budget_tokens < max_tokens; raise max_tokens above " + budget
                            + " or lower the budget");
                }
            }
            case Thinking.Effort e -> throw refused(card, "thinking '" + e.label() + "': extended thinking takes a budget, not an effort");
        }
        ObjectNode t = out.putObject("thinking");
        t.put("type", "enabled");
        t.put("budget_tokens", budget);
        return true;
    }

    /** OpenAI messages → top-level {@code system} plus {@code user}/{@code assistant} messages. */
    private static void mapMessages(ModelCard card, JsonNode messages, ObjectNode out) throws UpstreamException {
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw refused(card, "field 'messages' must be a non-empty array");
        }
        StringBuilder system = new StringBuilder();
        ArrayNode turns = NODES.arrayNode();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String role = m.path("role").asText("");
            String where = "messages[" + i + "]";
            switch (role) {
                case "system", "developer" -> {
                    // Anthropic has no system role: every system message joins the top-level system prompt, in order.
                    String text = textOnly(card, m.get("content"), where);
                    if (text.isEmpty()) continue;
                    if (!system.isEmpty()) system.append("\n\n");
                    system.append(text);
                }
                case "user", "assistant" -> {
                    if (nonEmpty(m.get("tool_calls")) || m.hasNonNull("function_call")) {
                        throw refused(card, where + ".tool_calls is not supported by the anthropic dialect yet");
                    }
                    ObjectNode turn = NODES.objectNode();
                    turn.put("role", role);
                    turn.set("content", content(card, m.get("content"), where));
                    turns.add(turn);
                }
                case "tool", "function" -> throw refused(card, where + " has role '" + role
                        + "': tool results are not supported by the anthropic dialect yet");
                default -> throw refused(card, where + " has an unknown role '" + role + "'");
            }
        }
        if (turns.isEmpty()) throw refused(card, "field 'messages' has no user or assistant message; Anthropic needs at least one");
        if (!system.isEmpty()) out.put("system", system.toString());
        out.set("messages", turns);
    }

    /** A message's content: a string as is, an array of text parts as text blocks. */
    private static JsonNode content(ModelCard card, JsonNode content, String where) throws UpstreamException {
        if (content == null || content.isNull()) return NODES.textNode("");
        if (content.isTextual()) return content;
        if (!content.isArray()) throw refused(card, where + ".content must be a string or an array of parts");
        ArrayNode blocks = NODES.arrayNode();
        for (int j = 0; j < content.size(); j++) {
            JsonNode part = content.get(j);
            String type = part.path("type").asText("");
            if (part.isTextual()) {
                blocks.addObject().put("type", "text").put("text", part.asText());
            } else if (type.equals("text")) {
                blocks.addObject().put("type", "text").put("text", part.path("text").asText(""));
            } else {
                throw refused(card, where + ".content[" + j + "] has type '" + type
                        + "': only text parts are supported by the anthropic dialect");
            }
        }
        return blocks;
    }

    /** The text of a system message: a string, or its text parts joined. */
    private static String textOnly(ModelCard card, JsonNode content, String where) throws UpstreamException {
        if (content == null || content.isNull()) return "";
        if (content.isTextual()) return content.asText();
        StringBuilder text = new StringBuilder();
        for (JsonNode block : content(card, content, where)) {
            if (!text.isEmpty()) text.append('\n');
            text.append(block.path("text").asText(""));
        }
        return text.toString();
    }

    private static ArrayNode stopSequences(ModelCard card, JsonNode stop) throws UpstreamException {
        ArrayNode out = NODES.arrayNode();
        if (stop.isTextual()) {
            out.add(stop.asText());
        } else if (stop.isArray()) {
            for (JsonNode s : stop) {
                if (!s.isTextual()) throw refused(card, "field 'stop' must be a string or an array of strings");
                out.add(s.asText());
            }
        } else {
            throw refused(card, "field 'stop' must be a string or an array of strings");
        }
        return out;
    }

    private static void copyNumber(ObjectNode in, String field, ObjectNode out) {
        JsonNode v = in.get(field);
        if (v != null && v.isNumber()) out.set(field, v);
    }

    private static boolean nonEmpty(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) return false;
        if (node.isArray() || node.isObject()) return !node.isEmpty();
        return true;
    }

    static UpstreamException refused(ModelCard card, String message) {
        // "field 'x' …" names a request field; every other refusal is about the thinking setting.
        String param = message.startsWith("field '") ? UpstreamException.fieldNamedIn(message) : "thinking";
        return UpstreamException.refused(card.name(), param, "model '" + card.name() + "' (anthropic): " + message);
    }

}
