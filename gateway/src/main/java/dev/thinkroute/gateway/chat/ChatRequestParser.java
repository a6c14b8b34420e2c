package dev.thinkroute.gateway.chat;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.thinkroute.core.Thinking;
import dev.thinkroute.core.route.Query;

import java.util.Iterator;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Validates a Chat Completions body and reads the caller's routing choices from it.
 *
 * <p>The caller's thinking choice is taken from the first of these that is present: the extension object
 * {@code routing.thinking}, {@code chat_template_kwargs.enable_thinking} (Qwen3), {@code reasoning_effort}
 * (OpenAI), and a {@code /think} or {@code /no_think} at the end of the last user message (Qwen3's soft switch).
 * All of them are removed from the forwarded body: the upstream dialect writes the chosen setting in its own fields.
 */
public final class ChatRequestParser {

    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // Costs are BigDecimal: 0.0000966, never 9.66E-5, so any client parses them as plain numbers.
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();

    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "function");
    private static final Set<String> ROUTING_KEYS = Set.of("model", "thinking", "alpha", "max_cost", "arms");
    // Qwen3's soft switch: the last /think or /no_think of the user turn wins; only a trailing one is honoured here.
    private static final Pattern SOFT_SWITCH = Pattern.compile("\\s*/(think|no_think)\\s*$");

    private ChatRequestParser() {
    }

    public static ChatRequest parse(byte[] body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JacksonException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw ApiException.invalid(null, "invalid_json", "request body is not valid JSON" + where + ": " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw ApiException.invalid(null, "invalid_json", "request body could not be read: " + e.getMessage());
        }
        if (root == null || root.isMissingNode()) {
            throw ApiException.invalid(null, "invalid_json", "request body is empty; expected a JSON object with 'model' and 'messages'");
        }
        if (!root.isObject()) {
            throw ApiException.invalid(null, "invalid_json", "request body must be a JSON object, got " + kind(root));
        }
        ObjectNode forward = ((ObjectNode) root).deepCopy();

        String model = requireString(forward, "model", "model");
        ArrayNode messages = requireMessages(forward);
        boolean stream = optionalBoolean(forward, "stream");
        boolean includeUsage = false;
        JsonNode streamOptions = forward.get("stream_options");
        if (streamOptions != null && !streamOptions.isNull()) {
            if (!streamOptions.isObject()) throw ApiException.invalid("stream_options", "'stream_options' must be an object, got " + kind(streamOptions));
            includeUsage = optionalBoolean((ObjectNode) streamOptions, "include_usage", "stream_options.include_usage");
        }
        checkOptionalNumbers(forward);

        String routingModel = null;
        CallerThinking fromRouting = null;
        Query.Constraints constraints = Query.Constraints.NONE;
        JsonNode routing = forward.remove("routing");
        if (routing != null && !routing.isNull()) {
            if (!routing.isObject()) throw ApiException.invalid("routing", "'routing' must be an object like {\"model\": \"…\", \"thinking\": \"off\"}, got " + kind(routing));
            for (Iterator<String> it = routing.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!ROUTING_KEYS.contains(key)) {
                    throw ApiException.invalid("routing." + key, "unknown field 'routing." + key + "'; 'routing' accepts: model, thinking, alpha, max_cost, arms");
                }
            }
            JsonNode rm = routing.get("model");
            if (rm != null && !rm.isNull()) {
                if (!rm.isTextual() || rm.asText().isBlank()) throw ApiException.invalid("routing.model", "'routing.model' must be a model or profile name, got " + kind(rm));
                routingModel = rm.asText();
            }
            JsonNode rt = routing.get("thinking");
            if (rt != null && !rt.isNull()) fromRouting = new CallerThinking(thinkingValue(rt, "routing.thinking"), "routing.thinking");
            constraints = constraints((ObjectNode) routing);
        }

        CallerThinking fromKwargs = null;
        JsonNode kwargs = forward.get("chat_template_kwargs");
        if (kwargs != null && !kwargs.isNull()) {
            if (!kwargs.isObject()) throw ApiException.invalid("chat_template_kwargs", "'chat_template_kwargs' must be an object, got " + kind(kwargs));
            JsonNode enable = ((ObjectNode) kwargs).remove("enable_thinking");
            if (enable != null && !enable.isNull()) {
                if (!enable.isBoolean()) throw ApiException.invalid("chat_template_kwargs.enable_thinking", "'chat_template_kwargs.enable_thinking' must be true or false, got " + kind(enable));
                fromKwargs = new CallerThinking(enable.booleanValue() ? Thinking.ON : Thinking.OFF, "chat_template_kwargs.enable_thinking");
            }
            if (kwargs.isEmpty()) forward.remove("chat_template_kwargs");
        }

        CallerThinking fromEffort = null;
        JsonNode effort = forward.remove("reasoning_effort");
        if (effort != null && !effort.isNull()) {
            if (!effort.isTextual()) throw ApiException.invalid("reasoning_effort", "'reasoning_effort' must be one of low, medium, high, got " + kind(effort));
            Thinking t = switch (effort.asText()) {
                case "low" -> new Thinking.Effort(Thinking.Level.LOW);
                case "medium" -> new Thinking.Effort(Thinking.Level.MEDIUM);
                case "high" -> new Thinking.Effort(Thinking.Level.HIGH);
                case "none" -> Thinking.OFF;
                default -> throw ApiException.invalid("reasoning_effort", "unknown 'reasoning_effort' value '" + effort.asText() + "'; expected low, medium, high or none");
            };
            fromEffort = new CallerThinking(t, "reasoning_effort");
        }

        int lastUser = lastUserIndex(messages);
        CallerThinking fromSuffix = stripSoftSwitch(messages, lastUser);

        CallerThinking thinking = first(fromRouting, fromKwargs, fromEffort, fromSuffix);
        String queryText = lastUser < 0 ? "" : textOf(messages.get(lastUser));
        int promptChars = 0;
        for (JsonNode m : messages) promptChars += textOf(m).length();
        return new ChatRequest(forward, model, routingModel, thinking, stream, includeUsage, new Query(queryText, promptChars, constraints));
    }

    /** {@code routing.alpha}, {@code routing.max_cost} and {@code routing.arms}: limits for a learned router. */
    private static Query.Constraints constraints(ObjectNode routing) {
        Double alpha = nonNegative(routing.get("alpha"), "routing.alpha", "a number >= 0 (0: best predicted quality at any cost)");
        Double maxCost = nonNegative(routing.get("max_cost"), "routing.max_cost", "a number of USD >= 0");
        Set<String> arms = null;
        JsonNode a = routing.get("arms");
        if (a != null && !a.isNull()) {
            if (!a.isArray() || a.isEmpty()) {
                throw ApiException.invalid("routing.arms", "'routing.arms' must be a non-empty array of arms (model:thinking) or model names");
            }
            arms = new java.util.LinkedHashSet<>();
            for (int i = 0; i < a.size(); i++) {
                if (!a.get(i).isTextual() || a.get(i).asText().isBlank()) {
                    throw ApiException.invalid("routing.arms[" + i + "]", "'routing.arms[" + i + "]' must be an arm (model:thinking) or a model name, got " + kind(a.get(i)));
                }
                arms.add(a.get(i).asText());
            }
        }
        return new Query.Constraints(alpha, maxCost, arms);
    }

    private static Double nonNegative(JsonNode v, String param, String expected) {
        if (v == null || v.isNull()) return null;
        if (!v.isNumber() || !(v.doubleValue() >= 0) || Double.isInfinite(v.doubleValue())) {
            throw ApiException.invalid(param, "'" + param + "' must be " + expected + ", got " + v);
        }
        return v.doubleValue();
    }

    private static CallerThinking first(CallerThinking... candidates) {
        for (CallerThinking c : candidates) if (c != null) return c;
        return null;
    }

    private static Thinking thinkingValue(JsonNode node, String param) {
        try {
            if (node.isBoolean()) return node.booleanValue() ? Thinking.ON : Thinking.OFF;
            if (node.isIntegralNumber()) return new Thinking.Budget(node.intValue());
            if (node.isTextual()) return Thinking.parse(node.asText());
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(param, "'" + param + "': " + e.getMessage());
        }
        throw ApiException.invalid(param, "'" + param + "' must be one of " + Thinking.ACCEPTED + ", got " + kind(node));
    }

    private static String requireString(ObjectNode body, String field, String param) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) throw ApiException.invalid(param, "missing_required_parameter", "'" + param + "' is required");
        if (!v.isTextual()) throw ApiException.invalid(param, "'" + param + "' must be a string, got " + kind(v));
        if (v.asText().isBlank()) throw ApiException.invalid(param, "'" + param + "' must not be empty");
        return v.asText();
    }

    private static boolean optionalBoolean(ObjectNode body, String field) {
        return optionalBoolean(body, field, field);
    }

    private static boolean optionalBoolean(ObjectNode body, String field, String param) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return false;
        if (!v.isBoolean()) throw ApiException.invalid(param, "'" + param + "' must be true or false, got " + kind(v));
        return v.booleanValue();
    }

    private static void checkOptionalNumbers(ObjectNode body) {
        for (String field : new String[]{"max_tokens", "max_completion_tokens"}) {
            JsonNode v = body.get(field);
            if (v != null && !v.isNull() && (!v.isIntegralNumber() || v.longValue() < 1)) {
                throw ApiException.invalid(field, "'" + field + "' must be a positive integer, got " + v);
            }
        }
        for (String field : new String[]{"temperature", "top_p", "presence_penalty", "frequency_penalty"}) {
            JsonNode v = body.get(field);
            if (v != null && !v.isNull() && !v.isNumber()) {
                throw ApiException.invalid(field, "'" + field + "' must be a number, got " + kind(v));
            }
        }
        JsonNode n = body.get("n");
        if (n != null && !n.isNull() && !(n.isIntegralNumber() && n.intValue() == 1)) {
            throw ApiException.invalid("n", "'n' must be 1: thinkroute routes each choice as its own request, got " + n);
        }
    }

    private static ArrayNode requireMessages(ObjectNode body) {
        JsonNode v = body.get("messages");
        if (v == null || v.isNull()) throw ApiException.invalid("messages", "missing_required_parameter", "'messages' is required: a non-empty array of {\"role\", \"content\"}");
        if (!v.isArray()) throw ApiException.invalid("messages", "'messages' must be an array, got " + kind(v));
        if (v.isEmpty()) throw ApiException.invalid("messages", "'messages' must not be empty");
        for (int i = 0; i < v.size(); i++) {
            JsonNode m = v.get(i);
            String at = "messages[" + i + "]";
            if (!m.isObject()) throw ApiException.invalid(at, "'" + at + "' must be an object with 'role' and 'content', got " + kind(m));
            JsonNode role = m.get("role");
            if (role == null || role.isNull()) throw ApiException.invalid(at + ".role", "'" + at + ".role' is required");
            if (!role.isTextual() || !ROLES.contains(role.asText())) {
                throw ApiException.invalid(at + ".role", "'" + at + ".role' must be one of system, developer, user, assistant, tool, got " + role);
            }
            JsonNode content = m.get("content");
            boolean assistantWithTools = "assistant".equals(role.asText()) && m.has("tool_calls");
            if (content == null || content.isNull()) {
                if (!assistantWithTools) throw ApiException.invalid(at + ".content", "'" + at + ".content' is required");
                continue;
            }
            if (content.isTextual()) continue;
            if (!content.isArray()) throw ApiException.invalid(at + ".content", "'" + at + ".content' must be a string or an array of content parts, got " + kind(content));
            for (int j = 0; j < content.size(); j++) {
                JsonNode part = content.get(j);
                String pat = at + ".content[" + j + "]";
                if (!part.isObject() || !part.path("type").isTextual()) {
                    throw ApiException.invalid(pat, "'" + pat + "' must be an object with a 'type', got " + kind(part));
                }
                String type = part.get("type").asText();
                if (!"text".equals(type)) {
                    throw ApiException.invalid(pat + ".type", "unsupported_content_part",
                            "content part type '" + type + "' at '" + pat + "' is not supported; thinkroute routes text: use parts of type 'text'");
                }
                if (!part.path("text").isTextual()) throw ApiException.invalid(pat + ".text", "'" + pat + ".text' must be a string");
            }
        }
        return (ArrayNode) v;
    }

    private static int lastUserIndex(ArrayNode messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if ("user".equals(messages.get(i).path("role").asText())) return i;
        }
        return -1;
    }

    /** Removes a trailing /think or /no_think from the last user message, returning what it asked for. */
    private static CallerThinking stripSoftSwitch(ArrayNode messages, int lastUser) {
        if (lastUser < 0) return null;
        ObjectNode message = (ObjectNode) messages.get(lastUser);
        JsonNode content = message.get("content");
        if (content.isTextual()) {
            Matcher m = SOFT_SWITCH.matcher(content.asText());
            if (!m.find()) return null;
            message.set("content", new TextNode(content.asText().substring(0, m.start())));
            return softSwitch(m.group(1));
        }
        // Content parts: the switch sits at the end of the last text part.
        ArrayNode parts = (ArrayNode) content;
        for (int j = parts.size() - 1; j >= 0; j--) {
            ObjectNode part = (ObjectNode) parts.get(j);
            String text = part.get("text").asText();
            Matcher m = SOFT_SWITCH.matcher(text);
            if (!m.find()) return null;
            part.put("text", text.substring(0, m.start()));
            return softSwitch(m.group(1));
        }
        return null;
    }

    private static CallerThinking softSwitch(String word) {
        return new CallerThinking("think".equals(word) ? Thinking.ON : Thinking.OFF, "/" + word);
    }

    /** The plain text of a message: its string content, or its text parts joined by newlines. */
    public static String textOf(JsonNode message) {
        JsonNode content = message.path("content");
        if (content.isTextual()) return content.asText();
        if (!content.isArray()) return "";
        StringBuilder sb = new StringBuilder();
        for (JsonNode part : content) {
            if (part.path("text").isTextual()) {
                if (!sb.isEmpty()) sb.append('\n');
                sb.append(part.get("text").asText());
            }
        }
        return sb.toString();
    }

    static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

}
