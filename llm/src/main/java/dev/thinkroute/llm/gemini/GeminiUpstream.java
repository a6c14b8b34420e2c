package dev.thinkroute.llm.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thinkroute.core.ModelCard;
import dev.thinkroute.core.Usage;
import dev.thinkroute.llm.ChatCall;
import dev.thinkroute.llm.ChatResult;
import dev.thinkroute.llm.StreamEvent;
import dev.thinkroute.llm.StreamSink;
import dev.thinkroute.llm.Upstream;
import dev.thinkroute.llm.UpstreamException;
import dev.thinkroute.llm.UpstreamException.Kind;
import dev.thinkroute.llm.UpstreamSettings;
import dev.thinkroute.llm.http.KeyHeader;
import dev.thinkroute.llm.http.UpstreamHttp;
import dev.thinkroute.llm.openai.Usages;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The Google Gemini API dialect ({@code generativelanguage.googleapis.com/v1beta}).
 *
 * <p>Sends {@code POST {base_url}/models/{model}:generateContent} for a blocking call and
 * {@code POST {base_url}/models/{model}:streamGenerateContent?alt=sse} for a stream, with the key in the
 * {@code x-goog-api-key} header. The caller's OpenAI body is translated by {@link GeminiRequest}, its thinking setting
 * by {@link GeminiThinking}; anything the provider would reject for certain is refused
 * ({@link Kind#REFUSED}) before a request is made.
 *
 * <p>The answer is a {@code GenerateContentResponse}: {@code candidates[0].content.parts[]}, where parts with
 * {@code thought: true} are thought summaries (reasoning) and the others the answer; {@code finishReason}
 * ({@code STOP} → {@code stop}, {@code MAX_TOKENS} → {@code length}, the safety family → {@code content_filter});
 * {@code usageMetadata} with {@code promptTokenCount}, {@code candidatesTokenCount} and {@code thoughtsTokenCount}
 * (output = candidates + thoughts, reasoning = thoughts). A prompt blocked before generation
 * ({@code promptFeedback.blockReason}, no candidates) fails with {@link Kind#HTTP_ERROR} 400, since the prompt is what
 * the caller must change. A stream is a sequence of SSE {@code data:} events, each a whole
 * {@code GenerateContentResponse} carrying the new parts; it ends when the server closes it (no {@code [DONE]}).
 *
 * <p>Errors are Google's {@code {"error":{"code":400,"message":"…","status":"INVALID_ARGUMENT"}}}, surfaced as
 * {@link Kind#HTTP_ERROR} with the HTTP status, Google's status word and its message. One instance per model card;
 * thread-safe.
 */
public final class GeminiUpstream implements Upstream {

    /** The header Google's REST examples send the key in (rather than the {@code ?key=} query, which would be logged). */
    static final String KEY_HEADER = "x-goog-api-key";

    /** Finish reasons that mean the output was withheld or cut by a filter. */
    private static final Set<String> FILTERED = Set.of("SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII",
            "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION", "MODEL_ARMOR", "LANGUAGE");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ModelCard card;
    private final UpstreamHttp http;
    private final String model;
    private final URI generate;
    private final URI streamGenerate;

    /** @throws IllegalArgumentException when the card has no usable base URL */
    public GeminiUpstream(ModelCard card, UpstreamSettings settings) {
        this.card = Objects.requireNonNull(card, "card");
        this.http = new UpstreamHttp(card, Objects.requireNonNull(settings, "settings"), KeyHeader.named(KEY_HEADER), Map.of());
        String m = card.upstreamModel().strip();
        this.model = m.startsWith("models/") ? m.substring("models/".length()) : m;
        if (model.isEmpty() || !model.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-' || c == '.' || c == '_')) {
            throw new IllegalArgumentException("model '" + card.name() + "' has upstream_model '" + card.upstreamModel()
                    + "', which is not a Gemini model id such as gemini-2.5-flash");
        }
        this.generate = http.resolve("models/" + model + ":generateContent");
        this.streamGenerate = http.resolve("models/" + model + ":streamGenerateContent?alt=sse");
    }

    @Override
    public ModelCard card() {
        return card;
    }

    /** The URL blocking calls are sent to. */
    public URI endpoint() {
        return generate;
    }

    /** The URL streaming calls are sent to. */
    public URI streamEndpoint() {
        return streamGenerate;
    }

    @Override
    public ChatResult complete(ChatCall call) throws UpstreamException {
        ObjectNode body = requestBody(call);
        return http.call(generate, body, this::httpError, (exchange, json, latency) -> {
            Gathered gathered = new Gathered();
            gathered.add(exchange, json, null);
            return gathered.result(exchange, call.body(), latency, null);
        });
    }

    @Override
    public ChatResult stream(ChatCall call, StreamSink sink) throws UpstreamException, IOException {
        Objects.requireNonNull(sink, "sink");
        ObjectNode body = requestBody(call);
        return http.exchange(streamGenerate, body, UpstreamHttp.SSE_TYPE, this::httpError, exchange -> {
            Gathered gathered = new Gathered();
            if (exchange.mediaType().equals(UpstreamHttp.JSON_TYPE)) {
                // Without alt=sse (a proxy that dropped it) the API answers one JSON array of responses.
                JsonNode json = exchange.readJsonObjectOrArray();
                if (json.isArray()) {
                    for (JsonNode chunk : json) gathered.add(exchange, chunk, sink);
                } else {
                    gathered.add(exchange, json, sink);
                }
            } else {
                exchange.readEvents(event -> {
                    if (!event.data().isBlank()) gathered.add(exchange, exchange.streamObject(event.data(), "event"), sink);
                    return false; // the stream ends when the server closes it
                });
            }
            long latency = exchange.elapsedMs();
            if (gathered.finish == null) throw exchange.protocol("stream ended early: no finishReason");
            return gathered.result(exchange, call.body(), latency, sink);
        });
    }

    @Override
    public void close() {
        http.close();
    }

    /** The Gemini request for {@code call}, or {@link Kind#REFUSED} when it cannot be sent. */
    ObjectNode requestBody(ChatCall call) throws UpstreamException {
        try {
            return GeminiRequest.build(call.body(), card.thinking(), card.upstreamModel(), call.thinking());
        } catch (GeminiRequest.Refusal e) {
            throw UpstreamException.refused(card.name(), e.field(), "model '" + card.name() + "' (Gemini): " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new UpstreamException(Kind.REFUSED, card.name(),
                    "model '" + card.name() + "' cannot take thinking '" + call.thinking().label() + "': " + e.getMessage());
        }
    }

    /** One call's answer, gathered from one response or a stream of them; relays to the sink as it goes. */
    private final class Gathered {
        final StringBuilder content = new StringBuilder();
        final StringBuilder reasoning = new StringBuilder();
        String finish;
        Usage reported;
        boolean sawCandidate;

        void add(UpstreamHttp.Exchange exchange, JsonNode json, StreamSink sink) throws UpstreamException, IOException {
            if (!json.isObject()) throw exchange.protocol("sent a response that is not a JSON object");
            if (json.hasNonNull("error")) throw errorObject(exchange, json, sink == null ? "answered with an error" : "failed mid-stream");
            Usage usage = usage(json.get("usageMetadata"));
            if (usage != null) reported = usage; // cumulative on every chunk: the last report wins
            JsonNode candidates = json.get("candidates");
            if (candidates == null || !candidates.isArray() || candidates.isEmpty()) {
                String blocked = json.path("promptFeedback").path("blockReason").asText("");
                if (!blocked.isEmpty()) throw blocked(exchange, json.get("promptFeedback"), blocked);
                if (sink == null) throw exchange.protocol("sent a response without candidates");
                return; // a stream chunk with only usage
            }
            sawCandidate = true;
            JsonNode candidate = candidates.get(0);
            StringBuilder text = new StringBuilder();
            StringBuilder thought = new StringBuilder();
            for (JsonNode part : candidate.path("content").path("parts")) {
                JsonNode t = part.get("text");
                if (t == null || !t.isTextual()) continue; // thoughtSignature-only parts, and parts the gateway did not ask for
                (part.path("thought").asBoolean(false) ? thought : text).append(t.asText());
            }
            content.append(text);
            reasoning.append(thought);
            if (sink != null && (!text.isEmpty() || !thought.isEmpty())) {
                sink.accept(new StreamEvent.Delta(text.isEmpty() ? null : text.toString(),
                        thought.isEmpty() ? null : thought.toString(), null));
            }
            String reason = candidate.path("finishReason").asText("");
            if (!reason.isEmpty() && !reason.equals("FINISH_REASON_UNSPECIFIED") && finish == null) {
                finish = finishReason(reason);
                if (sink != null) sink.accept(new StreamEvent.Finish(finish));
            }
        }

        ChatResult result(UpstreamHttp.Exchange exchange, JsonNode openAiBody, long latency, StreamSink sink)
                throws UpstreamException, IOException {
            if (!sawCandidate) throw exchange.protocol("sent no candidates");
            String text = content.toString();
            String thought = reasoning.isEmpty() ? null : reasoning.toString();
            Usage usage = reported != null ? Usages.withReasoning(reported, thought) : Usages.estimate(openAiBody, text, thought, null);
            if (sink != null) sink.accept(new StreamEvent.UsageReport(usage));
            return new ChatResult(text, thought, null, finish, usage, latency, null);
        }
    }

    /**
     * Gemini's {@code usageMetadata}: {@code promptTokenCount} in; {@code candidatesTokenCount} plus
     * {@code thoughtsTokenCount} out (thoughts are billed as output but counted apart); reasoning =
     * {@code thoughtsTokenCount}. {@code null} when it holds no counts.
     */
    static Usage usage(JsonNode metadata) {
        if (metadata == null || !metadata.isObject()) return null;
        JsonNode prompt = metadata.get("promptTokenCount");
        JsonNode candidates = metadata.get("candidatesTokenCount");
        JsonNode thoughts = metadata.get("thoughtsTokenCount");
        if (!isNumber(prompt) && !isNumber(candidates) && !isNumber(thoughts)) return null;
        long in = isNumber(prompt) ? Math.max(0, prompt.asLong()) : 0;
        long thinking = isNumber(thoughts) ? Math.max(0, thoughts.asLong()) : 0;
        long out = (isNumber(candidates) ? Math.max(0, candidates.asLong()) : 0) + thinking;
        return new Usage(in, out, thinking, false);
    }

    /** Gemini's finish reason in OpenAI's vocabulary. */
    static String finishReason(String gemini) {
        return switch (gemini) {
            case "STOP" -> "stop";
            case "MAX_TOKENS" -> "length";
            default -> FILTERED.contains(gemini) ? "content_filter" : "stop";
        };
    }

    /** A prompt rejected before generation: the caller's to change, so a 400. */
    private UpstreamException blocked(UpstreamHttp.Exchange exchange, JsonNode feedback, String reason) {
        String detail = feedback.path("blockReasonMessage").asText("");
        String message = http.where() + " blocked the prompt (promptFeedback.blockReason " + reason + ")"
                + (detail.isEmpty() ? "" : ": " + exchange.redact(UpstreamHttp.clip(detail)));
        return new UpstreamException(Kind.HTTP_ERROR, card.name(), 400, message, null);
    }

    /** The exception for a non-2xx answer: its status, Google's status word and message, key redacted. */
    private UpstreamException httpError(UpstreamHttp.Exchange exchange, byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        String word = null;
        try {
            JsonNode json = JSON.readTree(text);
            if (json != null) word = googleStatus(json);
        } catch (IOException | RuntimeException notJson) {
            // the raw text is used below
        }
        String message = exchange.redact(UpstreamHttp.errorText(text));
        int status = exchange.status();
        return new UpstreamException(Kind.HTTP_ERROR, card.name(), status,
                http.where() + " answered " + status + (word != null ? " " + word : "") + ": " + message, null);
    }

    /** An {@code error} object inside a 200 answer (a stream that failed after it began). */
    private UpstreamException errorObject(UpstreamHttp.Exchange exchange, JsonNode json, String what) {
        String text = exchange.errorText(json);
        String word = googleStatus(json);
        JsonNode code = json.path("error").path("code");
        int status = code.isIntegralNumber() ? code.asInt() : 0;
        String label = (status > 0 ? String.valueOf(status) : "") + (word != null ? (status > 0 ? " " : "") + word : "");
        String message = http.where() + " " + what + (label.isEmpty() ? "" : " (" + label + ")") + ": " + text;
        if (status >= 400 && status <= 599) return new UpstreamException(Kind.HTTP_ERROR, card.name(), status, message, null);
        return new UpstreamException(Kind.PROTOCOL, card.name(), 0, message, null);
    }

    /** Google's {@code error.status} word, e.g. {@code INVALID_ARGUMENT}, or {@code null}. */
    private static String googleStatus(JsonNode json) {
        JsonNode error = json.isArray() && !json.isEmpty() ? json.get(0).path("error") : json.path("error");
        String word = error.path("status").asText("");
        return word.matches("[A-Z_]{1,40}") ? word : null;
    }

    private static boolean isNumber(JsonNode n) {
        return n != null && n.isNumber();
    }
}
