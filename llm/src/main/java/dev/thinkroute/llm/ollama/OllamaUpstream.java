package dev.thinkroute.llm.ollama;

import com.fasterxml.jackson.databind.JsonNode;
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
import dev.thinkroute.llm.UpstreamException.Kind;
import dev.thinkroute.llm.UpstreamSettings;
import dev.thinkroute.llm.http.UpstreamHttp;
import dev.thinkroute.llm.openai.ThinkTagSplitter;
import dev.thinkroute.llm.openai.Usages;

import java.io.IOException;
import java.net.URI;
import java.util.Objects;

/**
 * Ollama's native chat API, {@code POST /api/chat}, with its {@code think} switch and {@code message.thinking}.
 *
 * <p>The card's {@code base_url} is the server root, {@code http://localhost:11434}; a base URL that already ends in
 * {@code /api} (or {@code /api/chat}) is accepted too, so both spellings reach {@code {root}/api/chat}. The request is
 * built by {@link OllamaRequest}, which refuses, before any call, what Ollama cannot honour (a thinking budget, an
 * OpenAI field without an Ollama equivalent). A card's {@code api_key_env}, when set, is sent as a bearer token (an
 * Ollama behind an authenticating proxy, or ollama.com).
 *
 * <p>Answers (Ollama's docs/api.md, docs/capabilities/thinking.mdx, docs/api/usage.mdx and docs/api/errors.mdx):
 * {@code message.content} is the answer, {@code message.thinking} the reasoning (a {@code <think>} block left in the
 * content is split out as for OpenAI servers); {@code done_reason} {@code stop} and {@code length} keep their names,
 * and {@code stop} with tool calls becomes {@code tool_calls}; a final object without {@code done_reason} (servers
 * before it existed) counts as {@code stop}. {@code prompt_eval_count} is the input tokens and {@code eval_count}
 * the output tokens, thinking included; Ollama reports no reasoning split, so reasoning tokens are estimated from the
 * thinking text as {@link Usages#withReasoning} does for every dialect. A missing count is estimated and the usage
 * marked {@link Usage#estimated()}. Durations are ignored. Ollama's tool calls (arguments as an object) are returned in
 * OpenAI's shape (arguments as a JSON string, an id, {@code type: function}).
 *
 * <p>Streams are NDJSON, one object per line: {@code {"message": {"role", "content", "thinking"}, "done": false}}
 * pieces, then {@code {"done": true, "done_reason", "prompt_eval_count", "eval_count"}}. Reading stops at the
 * {@code done} line and the exchange is closed rather than drained. A line {@code {"error": "..."}} mid-stream (the
 * status stays 200) fails the call with {@link Kind#PROTOCOL} and that message. Error answers
 * {@code {"error": "..."}} with 4xx/5xx fail with {@link Kind#HTTP_ERROR}, status and message, e.g. 404
 * {@code model 'x' not found} or 400 {@code "qwen2" does not support thinking} (a model without the thinking
 * capability asked to think; the message then also says to set its card's thinking to {@code none}).
 */
public final class OllamaUpstream implements Upstream {

    /** Longest NDJSON line accepted. */
    static final int MAX_LINE = 8 << 20;
    /** What a streaming call accepts: one JSON object per line. */
    static final String NDJSON_TYPE = "application/x-ndjson";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ModelCard card;
    private final UpstreamHttp http;
    private final URI endpoint;

    /** @throws IllegalArgumentException when the card has no base URL with a host */
    public OllamaUpstream(ModelCard card, UpstreamSettings settings) {
        this.card = Objects.requireNonNull(card, "card");
        Objects.requireNonNull(settings, "settings");
        if (card.baseUrl() == null || card.baseUrl().getHost() == null) {
            throw new IllegalArgumentException("model '" + card.name() + "' needs a base_url with a host, e.g. http://localhost:11434");
        }
        this.http = new UpstreamHttp(card, settings);
        this.endpoint = endpoint(card.baseUrl());
    }

    /** {@code {root}/api/chat}, whether {@code base} is the server root or already ends in {@code /api}. */
    static URI endpoint(URI base) {
        String text = base.toString();
        int q = text.indexOf('?');
        if (q >= 0) text = text.substring(0, q);
        while (text.endsWith("/")) text = text.substring(0, text.length() - 1);
        if (text.endsWith("/api/chat")) text = text.substring(0, text.length() - "/chat".length());
        if (!text.endsWith("/api")) text = text + "/api";
        return URI.create(text + "/chat");
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
        ObjectNode body = request(call, false);
        return http.call(endpoint, body, this::httpError, (exchange, json, latency) -> answer(exchange, json, call, latency));
    }

    @Override
    public ChatResult stream(ChatCall call, StreamSink sink) throws UpstreamException, IOException {
        Objects.requireNonNull(sink, "sink");
        ObjectNode body = request(call, true);
        return http.exchange(endpoint, body, NDJSON_TYPE, this::httpError, exchange -> new StreamReader(exchange, call, sink).read());
    }

    @Override
    public void close() {
        http.close();
    }

    /** The Ollama body for {@code call}, or {@link Kind#REFUSED} before anything is sent. */
    ObjectNode request(ChatCall call, boolean stream) throws UpstreamException {
        try {
            return OllamaRequest.build(card, call.thinking(), call.body(), stream);
        } catch (OllamaRequest.Refusal r) {
            String what = r.thinking() ? "cannot think '" + call.thinking().label() + "'" : "cannot take this request";
            throw UpstreamException.refused(card.name(), r.thinking() ? "thinking" : UpstreamException.fieldNamedIn(r.getMessage()),
                    http.where() + " " + what + ": " + r.getMessage());
        }
    }

    /** The non-2xx answer as {@link Kind#HTTP_ERROR}, with a hint when the model cannot think. */
    private UpstreamException httpError(UpstreamHttp.Exchange exchange, byte[] errorBody) {
        UpstreamException e = exchange.httpError(errorBody);
        if (exchange.status() == 400 && e.getMessage().contains("does not support thinking")) {
            return new UpstreamException(Kind.HTTP_ERROR, card.name(), 400, e.getMessage()
                    + " (this Ollama model has no thinking capability: ask with thinking 'off', or set its model card's thinking to none)", null);
        }
        return e;
    }

    /** Normalises a blocking {@code /api/chat} answer. */
    private ChatResult answer(UpstreamHttp.Exchange exchange, JsonNode json, ChatCall call, long latency) throws UpstreamException {
        String error = errorText(json);
        if (error != null) throw exchange.protocol("answered with an error: " + exchange.redact(error));
        JsonNode message = json.get("message");
        if (message == null || !message.isObject()) throw exchange.protocol("sent a response without a message");
        String content = text(message.get("content"));
        String reasoning = nonEmpty(text(message.get("thinking")));
        if (reasoning == null && content != null) {
            ThinkTagSplitter.Split split = ThinkTagSplitter.split(content);
            reasoning = split.reasoning();
            content = Objects.requireNonNullElse(split.content(), "");
        }
        JsonNode toolCalls = toolCalls(message.get("tool_calls"), 0, false);
        if (content == null) content = "";
        if (content.isEmpty() && toolCalls != null) content = null;
        String finish = finishReason(json, toolCalls != null);
        return new ChatResult(content, reasoning, toolCalls, finish, usage(json, call, content, reasoning, toolCalls), latency, null);
    }

    /** OpenAI's finish reason for a final object: {@code stop}, {@code length}, or {@code tool_calls}. */
    static String finishReason(JsonNode done, boolean calledTools) {
        String reason = nonEmpty(text(done.get("done_reason")));
        if (reason == null) reason = "stop"; // servers before done_reason: done means a natural end
        return calledTools && reason.equals("stop") ? "tool_calls" : reason;
    }

    /** The counts of a final object, reasoning split estimated; counts it lacks are estimated. */
    static Usage usage(JsonNode done, ChatCall call, String content, String reasoning, JsonNode toolCalls) {
        JsonNode prompt = done.get("prompt_eval_count");
        JsonNode eval = done.get("eval_count");
        boolean hasPrompt = prompt != null && prompt.isNumber();
        boolean hasEval = eval != null && eval.isNumber();
        if (!hasEval) {
            Usage estimate = Usages.estimate(call.body(), content, reasoning, toolCalls);
            long in = hasPrompt ? Math.max(0, prompt.asLong()) : estimate.inputTokens();
            return new Usage(in, estimate.outputTokens(), estimate.reasoningTokens(), true);
        }
        long in = hasPrompt ? Math.max(0, prompt.asLong()) : Usages.inputTokens(call.body());
        Usage reported = new Usage(in, Math.max(0, eval.asLong()), 0, !hasPrompt);
        return Usages.withReasoning(reported, reasoning);
    }

    /**
     * Ollama tool calls as OpenAI's: {@code {id, type: "function", function: {name, arguments: "<json>"}}}, with
     * {@code index} (from {@code first}) when {@code indexed} (stream deltas); {@code null} when there are none.
     */
    static JsonNode toolCalls(JsonNode calls, int first, boolean indexed) {
        if (calls == null || !calls.isArray() || calls.isEmpty()) return null;
        ArrayNode out = NODES.arrayNode();
        int i = first;
        for (JsonNode call : calls) {
            JsonNode fn = call.path("function");
            ObjectNode c = out.addObject();
            if (indexed) c.put("index", i);
            String id = nonEmpty(text(call.get("id")));
            c.put("id", id != null ? id : "call_" + i);
            c.put("type", "function");
            ObjectNode f = c.putObject("function");
            f.put("name", fn.path("name").asText(""));
            JsonNode args = fn.get("arguments");
            f.put("arguments", args == null || args.isNull() ? "{}" : args.isTextual() ? args.asText() : args.toString());
            i++;
        }
        return out;
    }

    /** The text of a string {@code error} field, or {@code null}. */
    private static String errorText(JsonNode json) {
        JsonNode error = json.get("error");
        if (error == null || error.isNull()) return null;
        String text = UpstreamHttp.errorText(json);
        return text != null ? text : error.toString();
    }

    private static String text(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) return null;
        return node.isValueNode() ? node.asText() : node.toString();
    }

    private static String nonEmpty(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /** Reads one NDJSON stream of chat objects, relaying and gathering it. */
    private final class StreamReader {
        private final UpstreamHttp.Exchange exchange;
        private final ChatCall call;
        private final StreamSink sink;
        private final ThinkTagSplitter splitter = new ThinkTagSplitter();
        private final StringBuilder content = new StringBuilder();
        private final StringBuilder reasoning = new StringBuilder();
        private final ArrayNode toolCalls = NODES.arrayNode();
        private JsonNode last;

        StreamReader(UpstreamHttp.Exchange exchange, ChatCall call, StreamSink sink) {
            this.exchange = exchange;
            this.call = call;
            this.sink = sink;
        }

        ChatResult read() throws UpstreamException, IOException {
            while (last == null) {
                String line = exchange.readLine();
                if (line == null) break;
                if (line.isBlank()) continue;
                if (line.length() > MAX_LINE) throw exchange.protocol("sent a stream line longer than " + MAX_LINE + " characters");
                onLine(line);
            }
            if (last == null) {
                release(splitter.flush(), null);
                throw exchange.protocol("stream ended early: no final object with \"done\": true");
            }
            long latency = exchange.elapsedMs();

            JsonNode calls = toolCalls.isEmpty() ? null : toolCalls;
            String text = content.isEmpty() && calls != null ? null : content.toString();
            String thought = reasoning.isEmpty() ? null : reasoning.toString();
            String finish = finishReason(last, calls != null);
            sink.accept(new StreamEvent.Finish(finish));
            Usage usage = usage(last, call, text, thought, calls);
            sink.accept(new StreamEvent.UsageReport(usage));
            return new ChatResult(text, thought, calls, finish, usage, latency, null);
        }

        private void onLine(String line) throws UpstreamException, IOException {
            JsonNode json = exchange.streamObject(line, "line");
            String error = errorText(json);
            if (error != null) throw exchange.protocol("failed mid-stream: " + exchange.redact(UpstreamHttp.clip(error)));

            JsonNode message = json.get("message");
            if (message != null && message.isObject()) {
                String thinking = nonEmpty(text(message.get("thinking")));
                ThinkTagSplitter.Split split = splitter.feed(nonEmpty(text(message.get("content"))));
                JsonNode calls = toolCalls(message.get("tool_calls"), toolCalls.size(), true);
                String thought = thinking == null ? split.reasoning() : split.reasoning() == null ? thinking : thinking + split.reasoning();
                release(new ThinkTagSplitter.Split(split.content(), thought), calls);
            }
            if (json.path("done").asBoolean(false)) {
                release(splitter.flush(), null); // everything held back belongs before the finish
                last = json;
            }
        }

        private void release(ThinkTagSplitter.Split split, JsonNode calls) throws IOException {
            if (split.isEmpty() && calls == null) return;
            if (split.content() != null) content.append(split.content());
            if (split.reasoning() != null) reasoning.append(split.reasoning());
            if (calls != null) {
                for (JsonNode c : calls) {
                    ObjectNode whole = ((ObjectNode) c).deepCopy();
                    whole.remove("index");
                    toolCalls.add(whole);
                }
            }
            sink.accept(new StreamEvent.Delta(split.content(), split.reasoning(), calls));
        }
    }
}
