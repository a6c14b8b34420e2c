package dev.thinkroute.llm.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thinkroute.core.ModelCard;
import dev.thinkroute.core.TokenEstimator;
import dev.thinkroute.core.Usage;
import dev.thinkroute.llm.ChatCall;
import dev.thinkroute.llm.ChatResult;
import dev.thinkroute.llm.StreamEvent;
import dev.thinkroute.llm.StreamSink;
import dev.thinkroute.llm.Upstream;
import dev.thinkroute.llm.UpstreamException;
import dev.thinkroute.llm.UpstreamSettings;
import dev.thinkroute.llm.http.KeyHeader;
import dev.thinkroute.llm.http.StreamRelay;
import dev.thinkroute.llm.http.UpstreamHttp;
import dev.thinkroute.llm.http.UpstreamHttp.ErrorMapper;
import dev.thinkroute.llm.openai.Usages;
import dev.thinkroute.llm.sse.SseEvent;

import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The Anthropic Messages dialect: {@code POST {base_url}/messages} with {@code x-api-key} and
 * {@code anthropic-version: 2023-06-01}.
 *
 * <p>The caller's OpenAI body is mapped by {@link AnthropicRequest} (which refuses, before any call, what Anthropic
 * would reject: a thinking budget below 1,024 or not below {@code max_tokens}, tools, {@code n > 1}…). The answer's
 * content blocks are normalised: {@code thinking} blocks become the reasoning (their {@code signature} is opaque and
 * dropped), {@code text} blocks the content, {@code redacted_thinking} blocks carry no readable text and are only
 * counted (in the result's note). {@code stop_reason} is mapped to OpenAI's vocabulary ({@link #finishReason}).
 *
 * <p>Usage: {@code usage.input_tokens} (plus cache reads and writes, which are prompt tokens too) and
 * {@code usage.output_tokens}, which on Anthropic include the thinking tokens; the API reports no separate thinking
 * count, so the reasoning share is estimated ({@link #withReasoning}) while the billed totals stay Anthropic's own
 * ({@code estimated=false}, the policy of {@link Usages}). With no usage at all, everything is estimated.
 *
 * <p>Streams follow the documented event flow ({@code message_start}, {@code content_block_start/delta/stop},
 * {@code message_delta}, {@code message_stop}, {@code ping}, {@code error}); unknown events are ignored, as the
 * documentation asks. An {@code error} event fails the call with the HTTP status its error type stands for
 * ({@code overloaded_error} is 529), so retries treat it as the same error answered before the stream.
 *
 * <p>One instance per model card; thread-safe.
 */
public final class AnthropicUpstream implements Upstream {

    private final ModelCard card;
    private final UpstreamHttp http;
    private final URI endpoint;

    /** @throws IllegalArgumentException when the card has no usable base URL */
    public AnthropicUpstream(ModelCard card, UpstreamSettings settings) {
        this.card = Objects.requireNonNull(card, "card");
        this.http = new UpstreamHttp(card, Objects.requireNonNull(settings, "settings"), KeyHeader.named("x-api-key"),
                Map.of("anthropic-version", AnthropicRequest.API_VERSION));
        this.endpoint = http.resolve("messages");
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
        ObjectNode body = AnthropicRequest.build(card, call, false);
        return http.call(endpoint, body, ErrorMapper.HTTP_ERROR,
                (exchange, json, latency) -> message(exchange, json, call.body(), latency));
    }

    @Override
    public ChatResult stream(ChatCall call, StreamSink sink) throws UpstreamException, IOException {
        Objects.requireNonNull(sink, "sink");
        ObjectNode body = AnthropicRequest.build(card, call, true);
        return http.exchange(endpoint, body, UpstreamHttp.SSE_TYPE, ErrorMapper.HTTP_ERROR,
                exchange -> exchange.mediaType().equals(UpstreamHttp.JSON_TYPE)
                        ? unstreamed(exchange, call.body(), sink)
                        : new StreamReader(exchange, call.body(), sink).read());
    }

    @Override
    public void close() {
        http.close();
    }

    /** Normalises a Messages API {@code message} object. */
    private ChatResult message(UpstreamHttp.Exchange exchange, JsonNode json, JsonNode requestBody, long latency)
            throws UpstreamException {
        if ("error".equals(json.path("type").asText())) throw upstreamError(exchange, json, "answered with an error");
        JsonNode blocks = json.get("content");
        if (blocks == null || !blocks.isArray()) throw exchange.protocol("sent a message without a content array");
        Gathered g = new Gathered();
        for (JsonNode block : blocks) {
            switch (block.path("type").asText("")) {
                case "text" -> g.text(block.path("text").asText(""));
                case "thinking" -> g.thinking(block.path("thinking").asText(""));
                case "redacted_thinking" -> g.redacted++;
                default -> {
                    // tool_use cannot occur (tools are refused); other block types carry no text for the caller
                }
            }
        }
        Usage reported = reportedUsage(json.get("usage"), null);
        return g.result(finishReason(text(json.get("stop_reason"))), reported, requestBody, latency);
    }

    /** A stream request answered with a plain JSON message (a proxy that ignores {@code stream}): relayed as one delta. */
    private ChatResult unstreamed(UpstreamHttp.Exchange exchange, JsonNode requestBody, StreamSink sink)
            throws UpstreamException, IOException {
        ChatResult result = exchange.answer((ex, json, latency) -> message(ex, json, requestBody, latency));
        StreamRelay.whole(result, null, sink);
        return result;
    }

    /** The text and thinking of one answer, gathered block by block. */
    private static final class Gathered {
        final StringBuilder content = new StringBuilder();
        final StringBuilder reasoning = new StringBuilder();
        int thinkingBlocks;
        int redacted;

        void text(String t) {
            content.append(t); // text blocks split by citations belong together
        }

        /** Appends a whole thinking block; returns the separator put before it, if any. */
        String thinking(String t) {
            String sep = thinkingBlocks++ > 0 && !reasoning.isEmpty() && !t.isEmpty() ? "\n\n" : "";
            reasoning.append(sep).append(t);
            return sep;
        }

        ChatResult result(String finish, Usage reported, JsonNode requestBody, long latency) {
            String text = content.toString();
            String thought = reasoning.isEmpty() ? null : reasoning.toString();
            boolean thinkingHappened = thought != null || redacted > 0;
            Usage usage = reported != null ? withReasoning(reported, text, thought, thinkingHappened)
                    : Usages.estimate(requestBody, text, thought, null);
            String note = redacted > 0 ? "anthropic redacted part of the reasoning (" + redacted + " redacted_thinking block"
                    + (redacted == 1 ? "" : "s") + ", not shown)" : null;
            return new ChatResult(text, thought, null, finish, usage, latency, null, note);
        }
    }

    /** Reads one Anthropic SSE stream, relaying and gathering it. */
    private final class StreamReader {
        private final UpstreamHttp.Exchange exchange;
        private final JsonNode requestBody;
        private final StreamSink sink;
        private final Gathered gathered = new Gathered();
        /** The type of the content block at each index, from its {@code content_block_start}. */
        private final Map<Integer, String> blockTypes = new LinkedHashMap<>();
        private boolean thinkingBlockOpen;
        private String finish;
        private Usage reported;
        private boolean started;
        private boolean done;

        StreamReader(UpstreamHttp.Exchange exchange, JsonNode requestBody, StreamSink sink) {
            this.exchange = exchange;
            this.requestBody = requestBody;
            this.sink = sink;
        }

        ChatResult read() throws UpstreamException, IOException {
            exchange.readEvents(event -> {
                onEvent(event);
                return done;
            });
            if (!done && finish == null) {
                throw exchange.protocol(started ? "stream ended early: no message_delta with a stop_reason and no message_stop"
                        : "sent an empty stream: no message_start");
            }
            long latency = exchange.elapsedMs();
            ChatResult result = gathered.result(finish, reported, requestBody, latency);
            sink.accept(new StreamEvent.UsageReport(result.usage()));
            return result;
        }

        private void onEvent(SseEvent event) throws UpstreamException, IOException {
            String data = event.data();
            if (data.isBlank()) return;
            JsonNode json = exchange.streamObject(data, "event");
            // The data's type names the event; the SSE event name is the same (Anthropic sends both).
            String type = json.path("type").asText(event.event());
            switch (type) {
                case "message_start" -> {
                    started = true;
                    Usage usage = reportedUsage(json.path("message").get("usage"), null);
                    if (usage != null) reported = usage;
                }
                case "content_block_start" -> {
                    JsonNode block = json.path("content_block");
                    String blockType = block.path("type").asText("");
                    blockTypes.put(json.path("index").asInt(blockTypes.size()), blockType);
                    thinkingBlockOpen = false;
                    switch (blockType) {
                        case "redacted_thinking" -> gathered.redacted++;
                        case "text" -> relayText(block.path("text").asText("")); // normally empty; any start text counts
                        case "thinking" -> relayThinking(block.path("thinking").asText(""));
                        default -> {
                        }
                    }
                }
                case "content_block_delta" -> {
                    JsonNode delta = json.path("delta");
                    switch (delta.path("type").asText("")) {
                        case "text_delta" -> relayText(delta.path("text").asText(""));
                        case "thinking_delta" -> relayThinking(delta.path("thinking").asText(""));
                        default -> {
                            // signature_delta: opaque, only needed to send the block back; input_json_delta,
                            // citations_delta: nothing for the caller's text
                        }
                    }
                }
                case "message_delta" -> {
                    String reason = text(json.path("delta").get("stop_reason"));
                    if (reason != null && finish == null) {
                        finish = finishReason(reason);
                        sink.accept(new StreamEvent.Finish(finish));
                    }
                    // message_delta's usage is cumulative; input_tokens may be absent there (then message_start's stands).
                    Usage usage = reportedUsage(json.get("usage"), reported);
                    if (usage != null) reported = usage;
                }
                case "message_stop" -> done = true;
                case "error" -> throw upstreamError(exchange, json, "failed mid-stream");
                default -> {
                    // ping, content_block_stop, and event types added later: ignored, as the documentation asks
                }
            }
        }

        private void relayText(String t) throws IOException {
            if (t.isEmpty()) return;
            gathered.text(t);
            sink.accept(new StreamEvent.Delta(t, null, null));
        }

        private void relayThinking(String t) throws IOException {
            if (t.isEmpty()) return;
            String piece;
            if (!thinkingBlockOpen) {
                // The first text of a new thinking block: separated from an earlier block as in a blocking answer.
                thinkingBlockOpen = true;
                String sep = gathered.thinking(t);
                piece = sep + t;
            } else {
                gathered.reasoning.append(t);
                piece = t;
            }
            sink.accept(new StreamEvent.Delta(null, piece, null));
        }
    }

    /**
     * OpenAI's finish reason for Anthropic's {@code stop_reason}: {@code end_turn}, {@code stop_sequence} → stop;
     * {@code max_tokens} (and {@code model_context_window_exceeded}) → length; {@code tool_use} → tool_calls;
     * {@code refusal} → content_filter; anything else passes through.
     */
    static String finishReason(String stopReason) {
        if (stopReason == null) return null;
        return switch (stopReason) {
            case "end_turn", "stop_sequence" -> "stop";
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "refusal" -> "content_filter";
            default -> stopReason;
        };
    }

    /**
     * Anthropic usage: {@code input_tokens} plus {@code cache_creation_input_tokens} and {@code cache_read_input_tokens}
     * (all prompt tokens), and {@code output_tokens}. Fields missing here are taken from {@code previous} (a stream's
     * {@code message_start} report), so a {@code message_delta} with only {@code output_tokens} keeps the input count.
     */
    static Usage reportedUsage(JsonNode usage, Usage previous) {
        if (usage == null || !usage.isObject()) return null;
        JsonNode in = usage.get("input_tokens");
        JsonNode out = usage.get("output_tokens");
        if (!isNumber(in) && !isNumber(out)) return null;
        long input = isNumber(in)
                ? Math.max(0, in.asLong()) + Math.max(0, usage.path("cache_creation_input_tokens").asLong(0))
                + Math.max(0, usage.path("cache_read_input_tokens").asLong(0))
                : previous != null ? previous.inputTokens() : 0;
        long output = isNumber(out) ? Math.max(0, out.asLong()) : previous != null ? previous.outputTokens() : 0;
        return new Usage(input, output, 0, false);
    }

    /**
     * {@code reported} with its reasoning share estimated. Anthropic's {@code output_tokens} count the thinking as
     * generated, while Claude 4 models return only a summary of it, so the visible thinking text understates the
     * share: it is estimated as the output tokens less the estimated answer text, at least the visible thinking's
     * estimate, at most the output tokens.
     */
    static Usage withReasoning(Usage reported, String content, String reasoning, boolean thought) {
        if (!thought || reported.outputTokens() == 0) return reported;
        long answer = TokenEstimator.estimate(content);
        long visible = TokenEstimator.estimate(reasoning);
        long share = Math.min(reported.outputTokens(), Math.max(visible, reported.outputTokens() - answer));
        return new Usage(reported.inputTokens(), reported.outputTokens(), Math.max(0, share), reported.estimated());
    }

    /**
     * The exception for an Anthropic error object ({@code {"type":"error","error":{"type":…,"message":…}}}) met in a
     * 2xx answer or a stream: {@link UpstreamException.Kind#HTTP_ERROR} with the status the error type stands for
     * (the documented pairs, e.g. {@code overloaded_error} 529), else {@link UpstreamException.Kind#PROTOCOL}.
     */
    private UpstreamException upstreamError(UpstreamHttp.Exchange exchange, JsonNode json, String what) {
        String text = exchange.errorText(json);
        String type = json.path("error").path("type").asText("");
        int status = statusOf(type);
        String label = type.isEmpty() ? "" : type + ": ";
        if (status > 0) {
            return new UpstreamException(UpstreamException.Kind.HTTP_ERROR, card.name(), status,
                    http.where() + " " + what + " (" + status + ") " + label + text, null);
        }
        return new UpstreamException(UpstreamException.Kind.PROTOCOL, card.name(), 0, http.where() + " " + what + ": " + label + text, null);
    }

    /** The HTTP status of an Anthropic error type (docs: api/errors), or 0 for an unknown type. */
    static int statusOf(String errorType) {
        return switch (errorType) {
            case "invalid_request_error" -> 400;
            case "authentication_error" -> 401;
            case "billing_error" -> 402;
            case "permission_error" -> 403;
            case "not_found_error" -> 404;
            case "request_too_large" -> 413;
            case "rate_limit_error" -> 429;
            case "api_error" -> 500;
            case "timeout_error" -> 504;
            case "overloaded_error" -> 529;
            default -> 0;
        };
    }

    private static boolean isNumber(JsonNode n) {
        return n != null && n.isNumber();
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() ? null : node.asText();
    }
}
