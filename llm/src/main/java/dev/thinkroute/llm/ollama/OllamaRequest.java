package dev.thinkroute.llm.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.thinkroute.core.ModelCard;
import dev.thinkroute.core.Thinking;
import dev.thinkroute.core.ThinkingSupport;

import java.io.IOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Translates the caller's OpenAI Chat Completions body into an Ollama {@code POST /api/chat} body:
 * <pre>{@code {"model", "messages": [{"role", "content", "thinking"?, "images"?, "tool_calls"?, "tool_name"?}],
 *   "stream", "think"?, "format"?, "tools"?, "options": {"num_predict", "temperature", "top_p", "stop", ...}}}</pre>
 *
 * <p>Field by field:
 * <ul>
 *   <li>{@code messages}: {@code developer} becomes {@code system}; a content-part array keeps its text parts, joined
 *       with a newline (as vLLM joins them), and its {@code data:} image URLs as base64 {@code images}; an assistant's
 *       {@code tool_calls} get their JSON-string arguments as objects; a {@code tool} message carries the called
 *       function's name as {@code tool_name}; an assistant's {@code reasoning_content}/{@code reasoning} becomes
 *       {@code thinking}; {@code name} is dropped.</li>
 *   <li>{@code max_completion_tokens} (else {@code max_tokens}) becomes {@code options.num_predict};
 *       {@code temperature}, {@code top_p}, {@code seed}, {@code presence_penalty}, {@code frequency_penalty},
 *       {@code top_k}, {@code min_p} keep their names in {@code options}; {@code repetition_penalty} becomes
 *       {@code repeat_penalty}; {@code stop} is always an array.</li>
 *   <li>{@code response_format} {@code json_object} becomes {@code format: "json"}, {@code json_schema} its schema.</li>
 *   <li>{@code tools} are sent as they are (Ollama takes OpenAI's function-tool shape); {@code tool_choice: "none"}
 *       sends none.</li>
 *   <li>Dropped: {@code model}, {@code stream}, {@code stream_options}, {@code routing}, {@code user},
 *       {@code metadata}, {@code store}, {@code service_tier}, and the thinking switches the gateway has already read
 *       ({@code reasoning_effort}, {@code chat_template_kwargs.enable_thinking}/{@code thinking}).</li>
 *   <li>Anything else, or a value Ollama cannot honour ({@code n > 1}, {@code logprobs: true}, a remote image URL,
 *       {@code tool_choice: "required"}…), is refused before any call with a message naming the field.</li>
 * </ul>
 *
 * <p>Thinking ({@link #think}): on/off families ({@code qwen3}, {@code qwen3-soft}, {@code deepseek},
 * {@code deepseek-api}, {@code budget}) send {@code think: true/false}, and a budget {@code on@N} is refused because
 * Ollama's switch holds no token budget; effort families ({@code effort}, {@code gpt-oss}) send
 * {@code think: "low"|"medium"|"high"}, and plain {@code on} leaves the model's default; {@code adaptive} sends either;
 * {@code none} and {@code always} send no {@code think}.
 */
final class OllamaRequest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Top-level fields with no effect on the answer, or already consumed: dropped without a word. */
    private static final Set<String> DROPPED = Set.of("model", "stream", "stream_options", "routing", "user",
            "metadata", "store", "service_tier", "reasoning_effort");
    /** OpenAI sampling fields that Ollama's {@code options} takes under the same name. */
    private static final Set<String> SAME_NAME_OPTIONS = Set.of("temperature", "top_p", "seed", "presence_penalty",
            "frequency_penalty", "top_k", "min_p");

    private OllamaRequest() {
    }

    /** Why a call cannot be sent: the text of a {@code REFUSED} upstream exception. */
    static final class Refusal extends Exception {
        private final boolean thinking;

        Refusal(String message) {
            this(message, false);
        }

        Refusal(String message, boolean thinking) {
            super(message, null, false, false);
            this.thinking = thinking;
        }

        /** Whether the thinking setting is refused (else a field of the request). */
        boolean thinking() {
            return thinking;
        }
    }

    /**
     * The Ollama body for {@code body} (the caller's, not modified).
     *
     * @throws Refusal naming the field or thinking setting Ollama cannot honour
     */
    static ObjectNode build(ModelCard card, Thinking thinking, ObjectNode body, boolean stream) throws Refusal {
        JsonNode think = think(card.thinking(), thinking);

        ObjectNode out = NODES.objectNode();
        out.put("model", card.upstreamModel());
        out.set("messages", messages(body.get("messages")));
        out.put("stream", stream);
        if (think != null) out.set("think", think);

        ObjectNode options = NODES.objectNode();
        JsonNode tools = null;
        boolean noTools = false;
        Iterator<Map.Entry<String, JsonNode>> fields = body.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = field.getKey();
            JsonNode value = field.getValue();
            if (name.equals("messages") || DROPPED.contains(name)) continue;
            if (value == null || value.isNull()) continue; // an explicit null asks for the default
            switch (name) {
                case "max_tokens" -> {
                    if (!body.hasNonNull("max_completion_tokens")) options.set("num_predict", integer(name, value));
                }
                case "max_completion_tokens" -> options.set("num_predict", integer(name, value));
                case "repetition_penalty" -> options.set("repeat_penalty", number(name, value));
                case "stop" -> options.set("stop", stop(value));
                case "response_format" -> {
                    JsonNode format = format(value);
                    if (format != null) out.set("format", format);
                }
                case "tools" -> {
                    if (!value.isArray()) throw new Refusal("'tools' must be an array");
                    tools = value;
                }
                case "tool_choice" -> noTools = toolChoice(value);
                case "parallel_tool_calls" -> {
                    if (!value.asBoolean(true)) {
                        throw new Refusal("Ollama cannot be told to call at most one tool: 'parallel_tool_calls: false' is not supported");
                    }
                }
                case "n" -> {
                    if (value.asInt(1) != 1) throw new Refusal("Ollama returns one choice per call: 'n' must be 1");
                }
                case "logprobs" -> {
                    if (value.asBoolean(false)) throw new Refusal("'logprobs' is not supported for Ollama models");
                }
                case "top_logprobs" -> {
                    if (value.asInt(0) != 0) throw new Refusal("'top_logprobs' is not supported for Ollama models");
                }
                case "chat_template_kwargs" -> templateKwargs(value);
                default -> {
                    if (SAME_NAME_OPTIONS.contains(name)) {
                        options.set(name, name.equals("seed") || name.equals("top_k") ? integer(name, value) : number(name, value));
                    } else {
                        throw new Refusal("the Ollama API has no equivalent of '" + name + "'; remove it to use this model");
                    }
                }
            }
        }
        if (tools != null && !noTools && !tools.isEmpty()) out.set("tools", tools.deepCopy());
        if (!options.isEmpty()) out.set("options", options);
        return out;
    }

    /** The {@code think} value for {@code thinking}, or {@code null} to send none. */
    static JsonNode think(ThinkingSupport support, Thinking thinking) throws Refusal {
        String refusal = support.refusal(thinking);
        if (refusal != null) throw new Refusal(refusal, true);
        return switch (support) {
            case NONE, ALWAYS -> null;
            case QWEN3, QWEN3_SOFT, DEEPSEEK, DEEPSEEK_API, BUDGET -> {
                if (thinking instanceof Thinking.Budget budget) {
                    throw new Refusal("Ollama's thinking switch ('think') is on or off and cannot hold a token budget ("
                            + budget.label() + "); use 'on' or 'off'", true);
                }
                yield BooleanNode.valueOf(thinking.thinks());
            }
            case EFFORT, GPT_OSS -> thinking instanceof Thinking.Effort effort ? TextNode.valueOf(effort.level().label()) : null;
            case ADAPTIVE -> thinking instanceof Thinking.Effort effort
                    ? TextNode.valueOf(effort.level().label()) : BooleanNode.valueOf(thinking.thinks());
            // A family added later: refused until this dialect learns it, rather than sent unmapped.
            default -> throw new Refusal("thinking support '" + support.label() + "' is not mapped for Ollama models", true);
        };
    }

    private static ArrayNode messages(JsonNode messages) throws Refusal {
        if (messages == null || !messages.isArray()) throw new Refusal("'messages' must be an array of chat messages");
        ArrayNode out = NODES.arrayNode();
        Map<String, String> toolNames = new HashMap<>(); // tool_call_id -> function name, for tool results
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String where = "messages[" + i + "]";
            if (!m.isObject()) throw new Refusal("'" + where + "' must be an object");
            String role = m.path("role").asText("");
            ObjectNode msg = out.addObject();
            switch (role) {
                case "system", "developer" -> msg.put("role", "system");
                case "user", "assistant", "tool" -> msg.put("role", role);
                default -> throw new Refusal("'" + where + ".role' '" + role + "' has no Ollama equivalent");
            }
            content(msg, m.get("content"), where);
            if (role.equals("assistant")) {
                String reasoning = m.hasNonNull("reasoning_content") ? m.get("reasoning_content").asText()
                        : m.hasNonNull("reasoning") ? m.get("reasoning").asText() : null;
                if (reasoning != null && !reasoning.isEmpty()) msg.put("thinking", reasoning);
                JsonNode calls = m.get("tool_calls");
                if (calls != null && calls.isArray() && !calls.isEmpty()) msg.set("tool_calls", toolCalls(calls, where, toolNames));
            }
            if (role.equals("tool")) {
                String name = toolNames.get(m.path("tool_call_id").asText(""));
                if (name == null && m.hasNonNull("name")) name = m.get("name").asText();
                if (name != null) msg.put("tool_name", name);
            }
        }
        return out;
    }

    private static void content(ObjectNode msg, JsonNode content, String where) throws Refusal {
        if (content == null || content.isNull()) {
            msg.put("content", "");
        } else if (content.isTextual()) {
            msg.put("content", content.asText());
        } else if (content.isArray()) {
            StringBuilder text = new StringBuilder();
            ArrayNode images = null;
            for (int j = 0; j < content.size(); j++) {
                JsonNode part = content.get(j);
                String partWhere = where + ".content[" + j + "]";
                String type = part.isTextual() ? "text" : part.path("type").asText("");
                switch (type) {
                    case "text" -> {
                        if (!text.isEmpty()) text.append('\n');
                        text.append(part.isTextual() ? part.asText() : part.path("text").asText(""));
                    }
                    case "image_url" -> {
                        JsonNode url = part.path("image_url");
                        String u = url.isTextual() ? url.asText() : url.path("url").asText("");
                        int comma = u.indexOf(',');
                        if (!u.startsWith("data:") || comma < 0 || !u.substring(0, comma).endsWith(";base64")) {
                            throw new Refusal("'" + partWhere + ".image_url' must be a base64 data: URL for Ollama, which cannot fetch image URLs");
                        }
                        if (images == null) images = NODES.arrayNode();
                        images.add(u.substring(comma + 1));
                    }
                    default -> throw new Refusal("'" + partWhere + "' of type '" + type + "' has no Ollama equivalent");
                }
            }
            msg.put("content", text.toString());
            if (images != null) msg.set("images", images);
        } else {
            throw new Refusal("'" + where + ".content' must be a string or an array of content parts");
        }
    }

    /** OpenAI tool calls (arguments a JSON string) as Ollama's (arguments an object); remembers id to name. */
    private static ArrayNode toolCalls(JsonNode calls, String where, Map<String, String> toolNames) throws Refusal {
        ArrayNode out = NODES.arrayNode();
        for (int k = 0; k < calls.size(); k++) {
            JsonNode call = calls.get(k);
            JsonNode fn = call.path("function");
            String name = fn.path("name").asText("");
            JsonNode args = fn.get("arguments");
            JsonNode argObject;
            if (args == null || args.isNull() || (args.isTextual() && args.asText().isBlank())) {
                argObject = NODES.objectNode();
            } else if (args.isObject()) {
                argObject = args.deepCopy();
            } else {
                try {
                    argObject = JSON.readTree(args.asText());
                } catch (IOException e) {
                    argObject = null;
                }
                if (argObject == null || !argObject.isObject()) {
                    throw new Refusal("'" + where + ".tool_calls[" + k + "].function.arguments' must be a JSON object for Ollama");
                }
            }
            ObjectNode c = out.addObject();
            ObjectNode f = c.putObject("function");
            f.put("name", name);
            f.set("arguments", argObject);
            if (call.hasNonNull("id")) toolNames.put(call.get("id").asText(), name);
        }
        return out;
    }

    private static JsonNode stop(JsonNode value) throws Refusal {
        if (value.isTextual()) return NODES.arrayNode().add(value.asText());
        if (value.isArray()) {
            for (JsonNode s : value) {
                if (!s.isTextual()) throw new Refusal("'stop' must be a string or an array of strings");
            }
            return value.deepCopy();
        }
        throw new Refusal("'stop' must be a string or an array of strings");
    }

    /** The {@code format} for a {@code response_format}, or {@code null} for plain text. */
    private static JsonNode format(JsonNode value) throws Refusal {
        String type = value.path("type").asText("");
        return switch (type) {
            case "text" -> null;
            case "json_object" -> TextNode.valueOf("json");
            case "json_schema" -> {
                JsonNode schema = value.path("json_schema").get("schema");
                if (schema == null || !schema.isObject()) throw new Refusal("'response_format.json_schema.schema' must be a JSON schema object");
                yield schema.deepCopy();
            }
            default -> throw new Refusal("'response_format' of type '" + type + "' has no Ollama equivalent");
        };
    }

    /** Whether {@code tool_choice} asks for no tools; refuses a choice Ollama cannot force. */
    private static boolean toolChoice(JsonNode value) throws Refusal {
        if (value.isTextual() && value.asText().equals("auto")) return false;
        if (value.isTextual() && value.asText().equals("none")) return true;
        throw new Refusal("Ollama cannot be made to call a tool: only 'tool_choice' 'auto' or 'none' is supported");
    }

    /** Only the thinking switches (already read by the gateway) may remain in {@code chat_template_kwargs}. */
    private static void templateKwargs(JsonNode value) throws Refusal {
        if (!value.isObject()) throw new Refusal("'chat_template_kwargs' has no Ollama equivalent");
        Iterator<String> names = value.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!name.equals("enable_thinking") && !name.equals("thinking")) {
                throw new Refusal("'chat_template_kwargs." + name + "' has no Ollama equivalent; Ollama applies the model's own template");
            }
        }
    }

    private static JsonNode number(String name, JsonNode value) throws Refusal {
        if (!value.isNumber()) throw new Refusal("'" + name + "' must be a number");
        return value;
    }

    private static JsonNode integer(String name, JsonNode value) throws Refusal {
        if (!value.isIntegralNumber() && !(value.isNumber() && value.asDouble() == Math.rint(value.asDouble()))) {
            throw new Refusal("'" + name + "' must be an integer");
        }
        return NODES.numberNode(value.asLong());
    }
}
