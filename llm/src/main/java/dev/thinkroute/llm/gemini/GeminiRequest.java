package dev.thinkroute.llm.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thinkroute.core.Thinking;
import dev.thinkroute.core.ThinkingSupport;

import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Translates an OpenAI Chat Completions body into a Gemini {@code GenerateContentRequest}:
 * <ul>
 *   <li>{@code system}/{@code developer} messages → {@code systemInstruction.parts[].text}</li>
 *   <li>{@code user} → {@code contents[]} with {@code role: user}; {@code assistant} → {@code role: model};
 *       consecutive messages of one role are merged into one turn; text parts become {@code {text}}, a
 *       {@code data:} image URL becomes {@code inlineData}</li>
 *   <li>{@code max_tokens}/{@code max_completion_tokens} → {@code generationConfig.maxOutputTokens};
 *       {@code temperature}, {@code top_p}, {@code top_k}, {@code stop}, {@code seed}, {@code presence_penalty},
 *       {@code frequency_penalty} → {@code temperature}, {@code topP}, {@code topK}, {@code stopSequences},
 *       {@code seed}, {@code presencePenalty}, {@code frequencyPenalty}; {@code response_format: json_object} →
 *       {@code responseMimeType: application/json}</li>
 *   <li>the thinking setting → {@code generationConfig.thinkingConfig} ({@link GeminiThinking})</li>
 * </ul>
 * A field that asks for something this translation cannot carry ({@code tools}, {@code n > 1}, tool messages,
 * remote image URLs, {@code logprobs}…) is refused with {@link Refusal}, naming the field, rather than silently
 * dropped. Fields that only concern OpenAI's own service or the gateway ({@code user}, {@code store},
 * {@code metadata}, {@code stream_options}, {@code chat_template_kwargs}…) are ignored.
 */
final class GeminiRequest {

    /** The caller asked for something the Gemini dialect cannot send; nothing was sent. */
    static final class Refusal extends Exception {
        Refusal(String message) {
            super(message);
        }

        /** The request field named at the start of the message ({@code 'tools' …}), for the caller's 400. */
        String field() {
            String m = getMessage();
            int end = m.startsWith("'") ? m.indexOf('\'', 1) : -1;
            return end > 1 ? m.substring(1, end) : null;
        }
    }

    /** Fields that change the answer in a way Gemini cannot be asked for here: refused when set. */
    private static final Set<String> UNMAPPABLE = Set.of(
            "audio", "modalities", "prediction", "web_search_options", "verbosity", "logit_bias");

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private GeminiRequest() {
    }

    /**
     * The Gemini request body for {@code openAi} (which is not modified).
     *
     * @throws Refusal                  naming the field that cannot be carried
     * @throws IllegalArgumentException the thinking setting is refused ({@link GeminiThinking})
     */
    static ObjectNode build(ObjectNode openAi, ThinkingSupport support, String upstreamModel, Thinking thinking)
            throws Refusal {
        ObjectNode out = NODES.objectNode();
        refuseUnmappable(openAi);
        messages(openAi.get("messages"), out);

        ObjectNode generation = NODES.objectNode();
        JsonNode maxTokens = present(openAi.get("max_completion_tokens")) ? openAi.get("max_completion_tokens") : openAi.get("max_tokens");
        if (present(maxTokens)) generation.put("maxOutputTokens", positiveInt(maxTokens, "max_tokens"));
        number(openAi, "temperature", generation, "temperature");
        number(openAi, "top_p", generation, "topP");
        if (present(openAi.get("top_k"))) generation.put("topK", positiveInt(openAi.get("top_k"), "top_k"));
        number(openAi, "presence_penalty", generation, "presencePenalty");
        number(openAi, "frequency_penalty", generation, "frequencyPenalty");
        if (present(openAi.get("seed"))) {
            JsonNode seed = openAi.get("seed");
            if (!seed.isIntegralNumber() || !seed.canConvertToInt()) throw new Refusal("'seed' must be a 32-bit integer for Gemini");
            generation.put("seed", seed.asInt());
        }
        stop(openAi.get("stop"), generation);
        responseFormat(openAi.get("response_format"), generation);

        ObjectNode thinkingConfig = GeminiThinking.thinkingConfig(support, upstreamModel, thinking);
        if (thinkingConfig != null) generation.set("thinkingConfig", thinkingConfig);
        if (!generation.isEmpty()) out.set("generationConfig", generation);
        return out;
    }

    private static void refuseUnmappable(ObjectNode body) throws Refusal {
        for (String field : UNMAPPABLE) {
            if (present(body.get(field))) throw new Refusal("'" + field + "' cannot be sent to a Gemini model through this gateway");
        }
        JsonNode tools = body.get("tools");
        if (tools != null && tools.isArray() && !tools.isEmpty()) {
            throw new Refusal("'tools' (function calling) is not supported by the gateway's Gemini dialect yet");
        }
        JsonNode functions = body.get("functions");
        if (functions != null && functions.isArray() && !functions.isEmpty()) {
            throw new Refusal("'functions' (function calling) is not supported by the gateway's Gemini dialect yet");
        }
        JsonNode n = body.get("n");
        if (present(n) && !(n.isIntegralNumber() && n.asLong() == 1)) {
            throw new Refusal("'n' must be 1 for a Gemini model: the gateway returns one choice");
        }
        JsonNode logprobs = body.get("logprobs");
        if (present(logprobs) && logprobs.asBoolean(false)) throw new Refusal("'logprobs' cannot be sent to a Gemini model through this gateway");
        JsonNode top = body.get("top_logprobs");
        if (present(top) && top.asInt(0) > 0) throw new Refusal("'top_logprobs' cannot be sent to a Gemini model through this gateway");
    }

    private static void messages(JsonNode messages, ObjectNode out) throws Refusal {
        if (messages == null || !messages.isArray() || messages.isEmpty()) throw new Refusal("'messages' must be a non-empty array");
        ArrayNode system = NODES.arrayNode();
        ArrayNode contents = NODES.arrayNode();
        ObjectNode turn = null;
        int i = 0;
        for (JsonNode message : messages) {
            String where = "messages[" + i++ + "]";
            if (!message.isObject()) throw new Refusal("'" + where + "' must be an object");
            String role = message.path("role").asText("");
            switch (role) {
                case "system", "developer" -> parts(message.get("content"), system, where, false);
                case "user", "assistant" -> {
                    if (present(message.get("tool_calls")) && !message.get("tool_calls").isEmpty()) {
                        throw new Refusal("'" + where + ".tool_calls' (function calling) is not supported by the gateway's Gemini dialect yet");
                    }
                    String geminiRole = role.equals("user") ? "user" : "model";
                    if (turn == null || !geminiRole.equals(turn.get("role").asText())) {
                        turn = contents.addObject();
                        turn.put("role", geminiRole);
                        turn.putArray("parts");
                    }
                    parts(message.get("content"), (ArrayNode) turn.get("parts"), where, role.equals("user"));
                }
                case "tool", "function" -> throw new Refusal("'" + where + "' is a " + role
                        + " message: function calling is not supported by the gateway's Gemini dialect yet");
                default -> throw new Refusal("'" + where + ".role' '" + role + "' is not one of system, developer, user, assistant");
            }
        }
        // A turn left without parts (an assistant message with empty content) would be rejected upstream.
        for (Iterator<JsonNode> it = contents.elements(); it.hasNext(); ) {
            if (it.next().get("parts").isEmpty()) it.remove();
        }
        if (contents.isEmpty()) throw new Refusal("'messages' holds no user message");
        if (!system.isEmpty()) out.putObject("systemInstruction").set("parts", system);
        out.set("contents", contents);
    }

    /** Appends the parts of one message's {@code content}: a string, or an array of content parts. */
    private static void parts(JsonNode content, ArrayNode parts, String where, boolean imagesAllowed) throws Refusal {
        if (content == null || content.isNull()) return;
        if (content.isTextual()) {
            if (!content.asText().isEmpty()) parts.addObject().put("text", content.asText());
            return;
        }
        if (!content.isArray()) throw new Refusal("'" + where + ".content' must be a string or an array of parts");
        for (JsonNode part : content) {
            String type = part.path("type").asText("");
            switch (type) {
                case "text" -> {
                    String text = part.path("text").asText("");
                    if (!text.isEmpty()) parts.addObject().put("text", text);
                }
                case "image_url" -> {
                    if (!imagesAllowed) throw new Refusal("'" + where + ".content' holds an image outside a user message");
                    String url = part.path("image_url").path("url").asText("");
                    Map.Entry<String, String> data = dataUrl(url);
                    if (data == null) {
                        throw new Refusal("'" + where + ".content' holds an image by URL; Gemini needs it inline as a data: URL (base64)");
                    }
                    ObjectNode inline = parts.addObject().putObject("inlineData");
                    inline.put("mimeType", data.getKey());
                    inline.put("data", data.getValue());
                }
                default -> throw new Refusal("'" + where + ".content' part type '" + type + "' cannot be sent to a Gemini model");
            }
        }
    }

    /** {@code data:<mime>;base64,<data>} → (mime, data), or {@code null}. */
    private static Map.Entry<String, String> dataUrl(String url) {
        if (!url.startsWith("data:")) return null;
        int comma = url.indexOf(',');
        if (comma < 0) return null;
        String meta = url.substring(5, comma);
        if (!meta.endsWith(";base64")) return null;
        String mime = meta.substring(0, meta.length() - ";base64".length());
        if (mime.isEmpty()) return null;
        return Map.entry(mime, url.substring(comma + 1));
    }

    private static void stop(JsonNode stop, ObjectNode generation) throws Refusal {
        if (!present(stop)) return;
        ArrayNode sequences = NODES.arrayNode();
        if (stop.isTextual()) {
            sequences.add(stop.asText());
        } else if (stop.isArray()) {
            for (JsonNode s : stop) {
                if (!s.isTextual()) throw new Refusal("'stop' must be a string or an array of strings");
                sequences.add(s.asText());
            }
        } else {
            throw new Refusal("'stop' must be a string or an array of strings");
        }
        if (!sequences.isEmpty()) generation.set("stopSequences", sequences);
    }

    private static void responseFormat(JsonNode format, ObjectNode generation) throws Refusal {
        if (!present(format)) return;
        String type = format.path("type").asText("");
        switch (type) {
            case "text" -> {
            }
            case "json_object" -> generation.put("responseMimeType", "application/json");
            default -> throw new Refusal("'response_format' of type '" + type + "' cannot be sent to a Gemini model through this gateway");
        }
    }

    private static void number(ObjectNode from, String field, ObjectNode to, String geminiField) throws Refusal {
        JsonNode value = from.get(field);
        if (!present(value)) return;
        if (!value.isNumber()) throw new Refusal("'" + field + "' must be a number");
        to.set(geminiField, value.deepCopy());
    }

    private static int positiveInt(JsonNode value, String field) throws Refusal {
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() <= 0) {
            throw new Refusal("'" + field + "' must be a positive integer");
        }
        return value.asInt();
    }

    private static boolean present(JsonNode node) {
        return node != null && !node.isNull() && !node.isMissingNode();
    }
}
