package dev.thinkroute.llm.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thinkroute.core.BudgetMethod;
import dev.thinkroute.core.ModelCard;
import dev.thinkroute.core.Thinking;
import dev.thinkroute.core.ThinkingSupport;
import dev.thinkroute.core.TokenEstimator;
import dev.thinkroute.core.Usage;
import dev.thinkroute.llm.ChatCall;
import dev.thinkroute.llm.ChatResult;
import dev.thinkroute.llm.StreamEvent;
import dev.thinkroute.llm.StreamSink;
import dev.thinkroute.llm.Upstream;
import dev.thinkroute.llm.UpstreamException;
import dev.thinkroute.llm.UpstreamSettings;
import dev.thinkroute.llm.http.StreamRelay;
import dev.thinkroute.llm.http.UpstreamHttp;
import dev.thinkroute.llm.http.UpstreamHttp.ErrorMapper;
import dev.thinkroute.llm.sse.SseEvent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
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
 * <p>Thinking that must hold to a budget or that ate the whole answer takes a second request, at most one:
 * <ul>
 *   <li>A budget {@code on@N} on a {@code qwen3}/{@code deepseek} card with {@link BudgetMethod#TWO_CALL}: the first
 *       request thinks with {@code max_tokens = N}. When the caller set a cap ({@code max_tokens} or
 *       {@code max_completion_tokens}), that request also sends {@code stop: ["</think>"]} in place of the caller's
 *       own {@code stop} (which is kept for the answer call), so it ends where the thinking ends and no answer text
 *       can run past the caller's cap; vLLM leaves the stop string out of the output and answers
 *       {@code finish_reason: "stop"}, and its reasoning parser returns the unclosed thinking as reasoning. The
 *       second request continues the same assistant turn (vLLM's {@code continue_final_message: true},
 *       {@code add_generation_prompt: false}) from {@code <think>\n} + the reasoning + {@code </think>} (with a
 *       hand-over sentence before {@code </think>} when the thinking was cut at N, finish {@code length}), with
 *       thinking switched off so the reasoning parser reads the continuation as content, and {@code max_tokens} =
 *       the caller's cap and the caller's {@code stop}. Without a caller cap the first request has no {@code stop}:
 *       thinking that ends within N answers in the same request, which is then the only one; if it stops for length
 *       the second request continues as above (from the closed thinking and the answer so far when only the answer
 *       was cut), with the server's default cap. Continuing a partial answer under a caller's cap (only a server
 *       that ignores {@code stop} leaves one) asks for the cap less the tokens already answered.
 *       With {@link BudgetMethod#SERVER}, vLLM's {@code thinking_token_budget} caps the thinking in one request.</li>
 *   <li>Any thinking call that ends for length with no answer but some thinking (reasoning text, or reasoning tokens
 *       in the usage, which is all OpenAI's effort models report) is recovered once: continued as above on families
 *       that can continue, otherwise retried at the family's lowest thinking ({@code low}, or off).</li>
 * </ul>
 * The result then has the first call's reasoning, the answer, the summed usage and latency, and a
 * {@link ChatResult#note()} saying what happened; a stream carries both calls' deltas as one stream, with one finish
 * and the summed usage at the end. A thinking setting the family cannot take fails with
 * {@link UpstreamException.Kind#REFUSED} before any request.
 *
 * <p>A stream is read line by line as it arrives and stops at {@code data: [DONE]}; the HTTP connection of a plain
 * http upstream is then closed rather than drained, so a server that keeps the stream open after {@code [DONE]}
 * cannot hold the call. One instance per model card; thread-safe.
 */
public final class OpenAiUpstream implements Upstream {

    static final String THINK_OPEN = "<think>\n";
    static final String THINK_CLOSE = "</think>";
    /** Closes thinking cut by a budget before asking for the answer (the sentence Qwen3's model card suggests for this). */
    static final String HAND_OVER =
            "Considering the limited time by the user, I have to give the solution based on the thinking directly now.";
    /** Between the reasoning of a first call and that of its retry. */
    static final String REASONING_JOIN = "\n\n";

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
        try {
            return run(call, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // only a sink throws IOException, and a blocking call has none
        }
    }

    @Override
    public ChatResult stream(ChatCall call, StreamSink sink) throws UpstreamException, IOException {
        return run(call, Objects.requireNonNull(sink, "sink"));
    }

    @Override
    public void close() {
        http.close();
    }

    /**
     * One call as the caller sees it: usually one upstream request; two when a thinking budget is held by the
     * two-call method and the first call's thinking was cut, or when an answer came back empty because thinking used
     * up {@code max_tokens} (recovered once, never more). {@code sink} is {@code null} for a blocking call.
     */
    private ChatResult run(ChatCall call, StreamSink sink) throws UpstreamException, IOException {
        boolean stream = sink != null;
        ObjectNode first = requestBody(call, stream);
        Thinking thinking = call.thinking();
        ThinkingSupport support = card.thinking();
        Integer answerTokens = OpenAiThinking.maxTokens(call.body());
        boolean twoCall = thinking instanceof Thinking.Budget && card.budgetMethod() == BudgetMethod.TWO_CALL
                && OpenAiThinking.continues(support);
        // With a caller's cap, the first call only thinks: it stops at </think>, so no answer text can pass the cap.
        boolean stopAtThinkEnd = twoCall && answerTokens != null;
        if (twoCall) OpenAiThinking.setMaxTokens(first, ((Thinking.Budget) thinking).tokens());
        if (stopAtThinkEnd) {
            first.putArray("stop").add(THINK_CLOSE); // the caller's own stop is for the answer call
            first.remove("include_stop_str_in_output");
        }

        Relay relay = stream ? new Relay(sink) : null;
        ChatResult r1 = send(first, relay);

        if (twoCall && r1.toolCalls() == null) {
            int budget = ((Thinking.Budget) thinking).tokens();
            if ("length".equals(r1.finishReason())) {
                boolean thoughtDone = !blank(r1.content());
                String note = thoughtDone
                        ? "thinking budget " + budget + " held in two calls: thinking ended within " + budget
                        + " tokens and the answer, cut there, was continued"
                        : "thinking budget " + budget + " held in two calls: thinking stopped at " + budget
                        + " tokens and was closed";
                return continued(call, r1, answerTokens, relay, note, thoughtDone);
            }
            if (stopAtThinkEnd && "stop".equals(r1.finishReason()) && blank(r1.content())) {
                return continued(call, r1, answerTokens, relay, "thinking budget " + budget
                        + " held in two calls: thinking ended within " + budget
                        + " tokens and the answer was asked for with max_tokens " + answerTokens, true);
            }
        }
        if (thinking.thinks() && emptyAnswer(r1)) {
            String spent = "answer was empty: thinking used all of max_tokens"
                    + (maxTokens(first) != null ? " (" + maxTokens(first) + ")" : "");
            if (OpenAiThinking.continues(support)) {
                return continued(call, r1, answerTokens, relay,
                        spent + "; thinking was closed and the answer asked for in a second call", false);
            }
            Thinking lower = OpenAiThinking.lowest(support);
            if (lower == null || lower.equals(thinking) || !lower.thinks() && !thinking.thinks()) {
                return finish(relay, r1.withNote(spent + "; no lower thinking setting to retry with"));
            }
            ObjectNode retry = requestBody(new ChatCall(call.card(), lower, call.body()), stream);
            if (relay != null) relay.nextCall(true);
            ChatResult r2 = send(retry, relay);
            String reasoning = r2.reasoning() == null ? r1.reasoning()
                    : r1.reasoning() == null ? r2.reasoning() : r1.reasoning() + REASONING_JOIN + r2.reasoning();
            ChatResult merged = new ChatResult(r2.content(), reasoning, r2.toolCalls(), r2.finishReason(),
                    r1.usage().plus(r2.usage()), r1.latencyMs() + r2.latencyMs(), null,
                    spent + "; retried once with thinking '" + lower.label() + "'");
            return finish(relay, merged);
        }
        return finish(relay, r1);
    }

    /**
     * The second call of a held budget or an empty-answer recovery: the first call's turn continued as an assistant
     * message (vLLM's {@code continue_final_message: true} with {@code add_generation_prompt: false}), its thinking
     * closed (with a hand-over sentence when it was cut, {@code thoughtDone} false), thinking switched off, and the
     * caller's {@code max_tokens} for the answer, less what the first call already answered.
     */
    private ChatResult continued(ChatCall call, ChatResult r1, Integer answerTokens, Relay relay, String note,
                                 boolean thoughtDone) throws UpstreamException, IOException {
        ObjectNode body = requestBody(call, relay != null);
        OpenAiThinking.thinkingOff(body, card.thinking());
        String reasoning = r1.reasoning() == null ? "" : r1.reasoning().strip();
        String partial = r1.content() == null ? "" : r1.content();
        Integer left = answerTokens;
        if (answerTokens != null && !blank(partial)) {
            long said = TokenEstimator.estimate(partial);
            if (said >= answerTokens) {
                // Only a server that ignored stop gets here: the answer already has the caller's max_tokens.
                return finish(relay, r1.withNote(note + "; the answer already had max_tokens " + answerTokens
                        + " and was not continued"));
            }
            left = (int) (answerTokens - said);
        }
        OpenAiThinking.setMaxTokens(body, left);
        String prefix = !blank(partial)
                ? THINK_OPEN + reasoning + "\n" + THINK_CLOSE + "\n\n" + partial
                : thoughtDone
                ? THINK_OPEN + reasoning + "\n" + THINK_CLOSE + "\n\n"
                : THINK_OPEN + reasoning + "\n\n" + HAND_OVER + "\n" + THINK_CLOSE + "\n\n";
        ArrayNode messages = body.get("messages") instanceof ArrayNode a ? a : body.putArray("messages");
        messages.addObject().put("role", "assistant").put("content", prefix);
        body.put("continue_final_message", true);
        body.put("add_generation_prompt", false);
        if (body.get(OpenAiThinking.KWARGS) instanceof ObjectNode kwargs) {
            // vLLM merges these kwargs over the two fields above; a caller's leftover must not undo them.
            kwargs.remove("continue_final_message");
            kwargs.remove("add_generation_prompt");
        }
        if (relay != null) relay.nextCall(false);
        ChatResult r2 = send(body, relay);
        String content = blank(partial) ? r2.content() : partial + Objects.requireNonNullElse(r2.content(), "");
        String thought = r1.reasoning();
        if (r2.reasoning() != null) thought = thought == null ? r2.reasoning() : thought + REASONING_JOIN + r2.reasoning();
        ChatResult merged = new ChatResult(content, thought, r2.toolCalls(), r2.finishReason(), r1.usage().plus(r2.usage()),
                r1.latencyMs() + r2.latencyMs(), null, note);
        return finish(relay, merged);
    }

    /** Ends a stream with the one finish and the (summed) usage; a blocking result passes through. */
    private static ChatResult finish(Relay relay, ChatResult result) throws IOException {
        if (relay != null) relay.end(result);
        return result;
    }

    /**
     * An answer left empty because thinking used up the tokens: cut for length, no text, no tool calls, and some
     * thinking: reasoning text, or reasoning tokens in the usage (OpenAI's effort models send no reasoning text, only
     * {@code usage.completion_tokens_details.reasoning_tokens}).
     */
    static boolean emptyAnswer(ChatResult r) {
        return "length".equals(r.finishReason()) && blank(r.content()) && r.toolCalls() == null
                && (!blank(r.reasoning()) || r.usage() != null && r.usage().reasoningTokens() > 0);
    }

    private static Integer maxTokens(ObjectNode body) {
        return OpenAiThinking.maxTokens(body);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /** One upstream request: blocking when {@code relay} is {@code null}, else streamed through it. */
    private ChatResult send(ObjectNode body, Relay relay) throws UpstreamException, IOException {
        if (relay == null) {
            return http.call(endpoint, body, ErrorMapper.HTTP_ERROR,
                    (exchange, json, latency) -> completion(exchange, json, body, latency));
        }
        return http.exchange(endpoint, body, UpstreamHttp.SSE_TYPE, ErrorMapper.HTTP_ERROR,
                exchange -> exchange.mediaType().equals(UpstreamHttp.JSON_TYPE)
                        ? unstreamed(exchange, body, relay)
                        : new StreamReader(exchange, body, relay).read());
    }

    /** The body sent upstream: a copy of the caller's, with model, stream and thinking set. */
    ObjectNode requestBody(ChatCall call, boolean stream) throws UpstreamException {
        ObjectNode body = call.body().deepCopy();
        body.remove("routing"); // the gateway's extension; OpenAI rejects unknown fields
        body.put("model", card.upstreamModel());
        body.put("stream", stream);
        try {
            OpenAiThinking.apply(body, card.thinking(), call.thinking(), card.budgetMethod());
        } catch (IllegalArgumentException refused) {
            throw new UpstreamException(UpstreamException.Kind.REFUSED, card.name(), 0,
                    "model '" + card.name() + "' cannot take thinking '" + call.thinking().label() + "': " + refused.getMessage(), null);
        }
        OpenAiThinking.sampling(body, card.thinking(), call.thinking());
        if (stream) {
            ObjectNode options = body.get("stream_options") instanceof ObjectNode o ? o : body.putObject("stream_options");
            options.put("include_usage", true);
        } else {
            // OpenAI and vLLM answer 400 to stream_options on a blocking call.
            body.remove("stream_options");
        }
        return body;
    }

    /**
     * Passes one or two upstream calls' events to the caller's sink as one stream: deltas as they come, then one
     * finish and one usage report at the very end (the last call's finish, the summed usage).
     */
    private static final class Relay implements StreamSink {
        private final StreamSink out;
        private boolean joinReasoning;
        private boolean sawReasoning;

        Relay(StreamSink out) {
            this.out = out;
        }

        /** Before a second call; {@code join}: its reasoning is a new attempt's, set apart from the first's. */
        void nextCall(boolean join) {
            joinReasoning = join && sawReasoning;
        }

        @Override
        public void accept(StreamEvent event) throws IOException {
            if (!(event instanceof StreamEvent.Delta d)) return; // finish and usage are sent once, by end()
            if (d.reasoning() != null) {
                sawReasoning = true;
                if (joinReasoning) {
                    joinReasoning = false;
                    d = new StreamEvent.Delta(d.content(), REASONING_JOIN + d.reasoning(), d.toolCalls());
                }
            }
            out.accept(d);
        }

        void end(ChatResult result) throws IOException {
            StreamRelay.end(result, out);
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
        ChatResult result = exchange.answer((ex, json, latency) -> completion(ex, json, requestBody, latency));
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
        StreamRelay.whole(result, toolCalls, sink);
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
            exchange.readEvents(event -> {
                onEvent(event);
                return done;
            });
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
            JsonNode json = exchange.streamObject(data, "event");
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
        String text = exchange.errorText(json);
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
