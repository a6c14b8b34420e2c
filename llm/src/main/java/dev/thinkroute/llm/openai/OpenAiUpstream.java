package dev.thinkroute.llm.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thinkroute.core.ModelCard;
import dev.thinkroute.core.Usage;
import dev.thinkroute.llm.ChatCall;
import dev.thinkroute.llm.ChatResult;
import dev.thinkroute.llm.StreamEvent;
import dev.thinkroute.llm.StreamSink;
import dev.thinkroute.llm.Upstream;
import dev.thinkroute.llm.UpstreamException;
import dev.thinkroute.llm.UpstreamSettings;
import dev.thinkroute.llm.sse.SseEvent;
import dev.thinkroute.llm.sse.SseParser;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The OpenAI Chat Completions dialect, as served by vLLM, SGLang, llama.cpp server, OpenAI and DeepSeek.
 *
 * <p>Sends {@code POST {base_url}/chat/completions} with the caller's body (copied), {@code model} set to the card's
 * upstream model, the thinking setting mapped by {@link OpenAiThinking}, and for streams
 * {@code stream_options.include_usage}. Reasoning is read from {@code reasoning} (vLLM 0.10 and later),
 * {@code reasoning_content} (older vLLM, SGLang, DeepSeek), or an inline {@code <think>} block
 * ({@link ThinkTagSplitter}). Usage is the upstream's, or estimated ({@link Usages}) when it sent none.
 *
 * <p>A stream is read line by line as it arrives and stops at {@code data: [DONE]}; the HTTP connection of a plain
 * http upstream is then closed rather than drained, so a server that keeps the stream open after {@code [DONE]}
 * cannot hold the call. One instance per model card; thread-safe.
 */
public final class OpenAiUpstream implements Upstream {

    /** Largest successful response body accepted. */
    static final int MAX_BODY = 32 << 20;
    /** How much of an error body is read for its message. */
    static final int MAX_ERROR_BODY = 64 << 10;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ModelCard card;
    private final UpstreamHttp http;
    private final URI endpoint;

    /** @throws IllegalArgumentException when the card has no usable base URL */
    public OpenAiUpstream(ModelCard card, UpstreamSettings settings) {
        this.card = Objects.requireNonNull(card, "card");
        this.http = new UpstreamHttp(card, Objects.requireNonNull(settings, "settings"));
        this.endpoint = http.resolve("chat/completions");
    }

    @Override
    public ModelCard card() {
        return card;
    }

    /** The URL calls are sent to. */
    public URI endpoint() {
        return endpoint;
    }

    @Override
    public ChatResult complete(ChatCall call) throws UpstreamException {
        ObjectNode body = requestBody(call, false);
        String key = http.apiKey();
        try (UpstreamHttp.Exchange exchange = http.post(endpoint, bytes(body), headers(key, false), key)) {
            if (!exchange.ok()) throw exchange.httpError(exchange.readAtMost(MAX_ERROR_BODY));
            byte[] answer = exchange.readAll(MAX_BODY);
            long latency = exchange.elapsedMs();
            return completion(exchange, parse(exchange, answer), body, latency);
        }
    }

    @Override
    public ChatResult stream(ChatCall call, StreamSink sink) throws UpstreamException, IOException {
        Objects.requireNonNull(sink, "sink");
        ObjectNode body = requestBody(call, true);
        String key = http.apiKey();
        // Leaving the try closes the exchange: when the sink threw, that cancels the upstream call.
        try (UpstreamHttp.Exchange exchange = http.post(endpoint, bytes(body), headers(key, true), key)) {
            if (!exchange.ok()) throw exchange.httpError(exchange.readAtMost(MAX_ERROR_BODY));
            if (exchange.mediaType().equals("application/json")) return unstreamed(exchange, body, sink);
            return new StreamReader(exchange, body, sink).read();
        }
    }

    @Override
    public void close() {
        http.close();
    }

    /** The body sent upstream: a copy of the caller's, with model, stream and thinking set. */
    ObjectNode requestBody(ChatCall call, boolean stream) {
        ObjectNode body = call.body().deepCopy();
        body.remove("routing"); // the gateway's extension; OpenAI rejects unknown fields
        body.put("model", card.upstreamModel());
        body.put("stream", stream);
        OpenAiThinking.apply(body, card.thinking(), call.thinking());
        if (stream) {
            ObjectNode options = body.get("stream_options") instanceof ObjectNode o ? o : body.putObject("stream_options");
            options.put("include_usage", true);
        } else {
            // OpenAI and vLLM answer 400 to stream_options on a blocking call.
            body.remove("stream_options");
        }
        return body;
    }

    private static Map<String, String> headers(String key, boolean stream) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", stream ? "text/event-stream" : "application/json");
        if (key != null) headers.put("Authorization", "Bearer " + key);
        return headers;
    }

    private static byte[] bytes(ObjectNode body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // a tree of plain JSON nodes always serialises
        }
    }

    private static JsonNode parse(UpstreamHttp.Exchange exchange, byte[] answer) throws UpstreamException {
        try {
            JsonNode json = JSON.readTree(answer);
            if (json == null || !json.isObject()) throw exchange.protocol("sent a response that is not a JSON object");
            return json;
        } catch (IOException e) {
            String start = new String(answer, 0, Math.min(answer.length, 100), StandardCharsets.UTF_8);
            throw exchange.protocol("sent a response that is not JSON: " + start.strip());
        }
    }

    /** Normalises a {@code chat.completion} object. */
    private ChatResult completion(UpstreamHttp.Exchange exchange, JsonNode json, JsonNode requestBody, long latency)
            throws UpstreamException {
        if (isError(json)) throw upstreamError(exchange, json, "answered with an error");
        JsonNode choices = json.get("choices");
        if (choices == null || !choices.isArray() || choices.isEmpty()) throw exchange.protocol("sent a response without choices");
        JsonNode choice = choices.get(0);
        JsonNode message = choice.get("message");
        if (message == null || !message.isObject()) throw exchange.protocol("sent a choice without a message");

        String content = text(message.get("content"));
        String reasoning = firstNonEmpty(text(message.get("reasoning")), text(message.get("reasoning_content")));
        if (reasoning == null && content != null) {
            ThinkTagSplitter.Split split = ThinkTagSplitter.split(content);
            reasoning = split.reasoning();
            content = Objects.requireNonNullElse(split.content(), "");
        }
        JsonNode toolCalls = nonEmptyArray(message.get("tool_calls"));
        String finish = text(choice.get("finish_reason"));
        Usage usage = reportedUsage(json.get("usage"));
        usage = usage != null ? Usages.withReasoning(usage, reasoning) : Usages.estimate(requestBody, content, reasoning, toolCalls);
        return new ChatResult(content, reasoning, toolCalls, finish, usage, latency, null);
    }

    /** A stream request answered with a plain JSON completion: relayed as one delta. */
    private ChatResult unstreamed(UpstreamHttp.Exchange exchange, JsonNode requestBody, StreamSink sink)
            throws UpstreamException, IOException {
        byte[] answer = exchange.readAll(MAX_BODY);
        long latency = exchange.elapsedMs();
        ChatResult result = completion(exchange, parse(exchange, answer), requestBody, latency);
        JsonNode toolCalls = null;
        if (result.toolCalls() != null) {
            ArrayNode indexed = JsonNodeFactory.instance.arrayNode();
            int i = 0;
            for (JsonNode call : result.toolCalls()) {
                ObjectNode c = call.isObject() ? ((ObjectNode) call).deepCopy() : JsonNodeFactory.instance.objectNode();
                c.put("index", i++);
                indexed.add(c);
            }
            toolCalls = indexed;
        }
        String content = result.content() == null || result.content().isEmpty() ? null : result.content();
        if (content != null || result.reasoning() != null || toolCalls != null) {
            sink.accept(new StreamEvent.Delta(content, result.reasoning(), toolCalls));
        }
        if (result.finishReason() != null) sink.accept(new StreamEvent.Finish(result.finishReason()));
        sink.accept(new StreamEvent.UsageReport(result.usage()));
        return result;
    }

    /** Reads one SSE stream of {@code chat.completion.chunk} objects, relaying and gathering it. */
    private final class StreamReader {
        private final UpstreamHttp.Exchange exchange;
        private final JsonNode requestBody;
        private final StreamSink sink;
        private final ThinkTagSplitter splitter = new ThinkTagSplitter();
        private final StringBuilder content = new StringBuilder();
        private final StringBuilder reasoning = new StringBuilder();
        private final Map<Integer, ObjectNode> toolCalls = new TreeMap<>();
        private String finish;
        private Usage reported;
        private boolean done;

        StreamReader(UpstreamHttp.Exchange exchange, JsonNode requestBody, StreamSink sink) {
            this.exchange = exchange;
            this.requestBody = requestBody;
            this.sink = sink;
        }

        ChatResult read() throws UpstreamException, IOException {
            BufferedReader lines = new BufferedReader(new InputStreamReader(exchange.body(), StandardCharsets.UTF_8));
            SseParser parser = new SseParser();
            while (!done) {
                String line;
                try {
                    line = lines.readLine();
                } catch (IOException e) {
                    throw exchange.failure(e); // a sink's IOException is not caught here: it propagates as is
                }
                if (line == null) {
                    SseEvent last = parser.end();
                    if (last != null) onEvent(last);
                    break;
                }
                SseEvent event = parser.line(line);
                if (event != null) onEvent(event);
            }
            release(splitter.flush(), null);
            if (!done && finish == null) {
                throw exchange.protocol("stream ended early: no finish_reason and no [DONE]");
            }
            long latency = exchange.elapsedMs();

            String text = content.isEmpty() && !toolCalls.isEmpty() ? null : content.toString();
            String thought = reasoning.isEmpty() ? null : reasoning.toString();
            JsonNode calls = gatheredToolCalls();
            Usage usage = reported != null ? Usages.withReasoning(reported, thought) : Usages.estimate(requestBody, text, thought, calls);
            sink.accept(new StreamEvent.UsageReport(usage));
            return new ChatResult(text, thought, calls, finish, usage, latency, null);
        }

        private void onEvent(SseEvent event) throws UpstreamException, IOException {
            String data = event.data();
            if (data.strip().equals("[DONE]")) {
                done = true;
                return;
            }
            if (data.isBlank()) return;
            JsonNode json;
            try {
                json = JSON.readTree(data);
            } catch (IOException e) {
                throw exchange.protocol("sent a stream event that is not JSON: " + UpstreamHttp.clip(data.strip()));
            }
            if (json == null || !json.isObject()) throw exchange.protocol("sent a stream event that is not a JSON object");
            if (isError(json) || "error".equals(event.event())) throw upstreamError(exchange, json, "failed mid-stream");

            Usage usage = reportedUsage(json.get("usage"));
            if (usage != null) reported = usage; // the last report wins (continuous_usage_stats sends one per chunk)
            JsonNode choices = json.get("choices");
            if (choices == null || !choices.isArray()) return;
            for (JsonNode choice : choices) {
                if (choice.path("index").asInt(0) == 0) onChoice(choice);
            }
        }

        private void onChoice(JsonNode choice) throws IOException {
            JsonNode delta = choice.get("delta");
            if (delta != null && delta.isObject()) {
                String fieldReasoning = firstNonEmpty(text(delta.get("reasoning")), text(delta.get("reasoning_content")));
                ThinkTagSplitter.Split split = splitter.feed(text(delta.get("content")));
                JsonNode calls = nonEmptyArray(delta.get("tool_calls"));
                release(new ThinkTagSplitter.Split(split.content(), concat(fieldReasoning, split.reasoning())), calls);
            }
            String reason = text(choice.get("finish_reason"));
            if (reason != null && finish == null) {
                release(splitter.flush(), null); // everything held back belongs before the finish
                finish = reason;
                sink.accept(new StreamEvent.Finish(reason));
            }
        }

        private void release(ThinkTagSplitter.Split split, JsonNode calls) throws IOException {
            if (split.isEmpty() && calls == null) return;
            if (split.content() != null) content.append(split.content());
            if (split.reasoning() != null) reasoning.append(split.reasoning());
            if (calls != null) mergeToolCalls(calls);
            sink.accept(new StreamEvent.Delta(split.content(), split.reasoning(), calls));
        }

        /** Folds tool-call deltas into whole calls: id, type and name once, arguments concatenated. */
        private void mergeToolCalls(JsonNode calls) {
            int position = 0;
            for (JsonNode call : calls) {
                int index = call.path("index").asInt(position++);
                ObjectNode merged = toolCalls.computeIfAbsent(index, i -> JsonNodeFactory.instance.objectNode());
                if (call.hasNonNull("id")) merged.put("id", call.get("id").asText());
                if (call.hasNonNull("type")) merged.put("type", call.get("type").asText());
                JsonNode fn = call.get("function");
                if (fn == null || !fn.isObject()) continue;
                ObjectNode function = merged.get("function") instanceof ObjectNode f ? f : merged.putObject("function");
                if (fn.hasNonNull("name")) {
                    String name = fn.get("name").asText();
                    String had = function.path("name").asText("");
                    // Servers send the name once; one that repeats it whole must not double it.
                    if (!had.equals(name)) function.put("name", had + name);
                }
                if (fn.hasNonNull("arguments")) {
                    function.put("arguments", function.path("arguments").asText("") + fn.get("arguments").asText());
                }
            }
        }

        private JsonNode gatheredToolCalls() {
            if (toolCalls.isEmpty()) return null;
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            for (ObjectNode call : toolCalls.values()) {
                if (!call.has("type")) call.put("type", "function");
                ObjectNode function = call.get("function") instanceof ObjectNode f ? f : call.putObject("function");
                if (!function.has("arguments")) function.put("arguments", "");
                out.add(call);
            }
            return out;
        }
    }

    /** An error object in place of an answer: {@code {"error": {...}}} or vLLM's older {@code "object": "error"}. */
    private static boolean isError(JsonNode json) {
        JsonNode error = json.get("error");
        return (error != null && !error.isNull()) || "error".equals(json.path("object").asText());
    }

    /**
     * The exception for an error object: {@link UpstreamException.Kind#HTTP_ERROR} with its status when it carries a
     * numeric HTTP code (vLLM does), else {@link UpstreamException.Kind#PROTOCOL} (OpenAI's codes are words).
     */
    private UpstreamException upstreamError(UpstreamHttp.Exchange exchange, JsonNode json, String what) {
        String text = UpstreamHttp.errorText(json);
        text = exchange.redact(UpstreamHttp.clip(text != null ? text : json.toString()));
        JsonNode code = json.get("error") != null && json.get("error").isObject() ? json.get("error").get("code") : json.get("code");
        int status = code != null && code.canConvertToInt() && code.isIntegralNumber() ? code.asInt() : 0;
        if (status >= 400 && status <= 599) {
            return new UpstreamException(UpstreamException.Kind.HTTP_ERROR, card.name(), status,
                    http.where() + " " + what + " (" + status + "): " + text, null);
        }
        return new UpstreamException(UpstreamException.Kind.PROTOCOL, card.name(), 0, http.where() + " " + what + ": " + text, null);
    }

    /** OpenAI usage: {@code prompt_tokens}, {@code completion_tokens}, {@code completion_tokens_details.reasoning_tokens}. */
    static Usage reportedUsage(JsonNode usage) {
        if (usage == null || !usage.isObject()) return null;
        JsonNode prompt = usage.get("prompt_tokens");
        JsonNode completion = usage.get("completion_tokens");
        JsonNode total = usage.get("total_tokens");
        if (!isNumber(prompt) && !isNumber(completion)) return null;
        long in = isNumber(prompt) ? Math.max(0, prompt.asLong()) : 0;
        long out = isNumber(completion) ? completion.asLong() : isNumber(total) ? total.asLong() - in : 0;
        long reasoningTokens = usage.path("completion_tokens_details").path("reasoning_tokens").asLong(0);
        return new Usage(in, Math.max(0, out), Math.max(0, reasoningTokens), false);
    }

    private static boolean isNumber(JsonNode n) {
        return n != null && n.isNumber();
    }

    /** A text field: a string, the text parts of a content array, or {@code null}. */
    private static String text(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) return null;
        if (node.isTextual()) return node.asText();
        if (node.isArray()) {
            StringBuilder out = new StringBuilder();
            for (JsonNode part : node) {
                if (part.isTextual()) out.append(part.asText());
                else if (part.hasNonNull("text")) out.append(part.get("text").asText());
            }
            return out.toString();
        }
        return node.isValueNode() ? node.asText() : node.toString();
    }

    private static JsonNode nonEmptyArray(JsonNode node) {
        return node != null && node.isArray() && !node.isEmpty() ? node : null;
    }

    private static String firstNonEmpty(String a, String b) {
        if (a != null && !a.isEmpty()) return a;
        return b != null && !b.isEmpty() ? b : null;
    }

    private static String concat(String a, String b) {
        if (a == null) return b;
        return b == null ? a : a + b;
    }
}
