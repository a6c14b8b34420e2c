package dev.thinkroute.gateway.chat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thinkroute.core.Arm;
import dev.thinkroute.core.Decision;
import dev.thinkroute.core.ModelCard;
import dev.thinkroute.core.Pool;
import dev.thinkroute.core.Reason;
import dev.thinkroute.agent.Orchestrator;
import dev.thinkroute.core.Usage;
import dev.thinkroute.core.route.Cascade;
import dev.thinkroute.core.route.MultiRound;
import dev.thinkroute.core.route.Query;
import dev.thinkroute.llm.ChatCall;
import dev.thinkroute.llm.ChatResult;
import dev.thinkroute.llm.StreamEvent;
import dev.thinkroute.llm.StreamSink;
import dev.thinkroute.llm.Upstream;
import dev.thinkroute.llm.UpstreamException;
import dev.thinkroute.llm.http.StreamRelay;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.DoubleSupplier;

/**
 * {@code POST /v1/chat/completions}: parse and validate, decide the arm, call its upstream, relay the answer
 * (whole, or chunk by chunk as server-sent events) with the routing information and the cost.
 */
public final class ChatHandler implements Handler {

    private static final System.Logger LOG = System.getLogger(ChatHandler.class.getName());

    private final Pool pool;
    private final ArmSelector selector;
    private final Map<String, Upstream> upstreams;
    private final long maxBodyBytes;

    public ChatHandler(Pool pool, ArmSelector selector, Map<String, Upstream> upstreams, long maxBodyBytes) {
        this.pool = pool;
        this.selector = selector;
        this.upstreams = upstreams;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        long started = System.nanoTime();
        try {
            ChatRequest request = ChatRequestParser.parse(readBody(req));
            ArmSelector.Selection selection = selector.select(request);
            if (selection.cascade() != null) {
                cascade(res, request, selection);
                return;
            }
            if (selection.multiRound() != null) {
                multiRound(res, request, selection);
                return;
            }
            Decision decision = selection.decision();
            ModelCard card = pool.require(decision.arm().model());
            Upstream upstream = upstreams.get(card.name());
            ChatCall call = new ChatCall(card, decision.arm().thinking(), request.forward());
            ObjectNode routing = OpenAiShapes.routing(decision, selection.profile());
            setRoutingHeaders(res, decision);
            if (request.stream()) {
                stream(res, request, decision, card, upstream, call, routing);
            } else {
                complete(res, decision, card, upstream, call, routing);
            }
        } catch (ApiException e) {
            sendError(res, e);
        } catch (RuntimeException | Error e) {
            // One bad request must never take the server down; the caller gets a 500 and the log the cause.
            LOG.log(System.Logger.Level.ERROR, "internal error on /v1/chat/completions", e);
            sendError(res, new ApiException(500, "server_error", null, "internal_error",
                    "internal error in thinkroute (" + e.getClass().getSimpleName() + "); see the gateway log"));
        } finally {
            LOG.log(System.Logger.Level.DEBUG, () -> "chat completion handled in " + (System.nanoTime() - started) / 1_000_000 + " ms");
        }
    }

    private void complete(ServerResponse res, Decision decision, ModelCard card, Upstream upstream, ChatCall call, ObjectNode routing) {
        ChatResult result;
        try {
            result = upstream.complete(call);
        } catch (UpstreamException e) {
            throw upstreamError(e);
        }
        respond(res, decision, card, result, 0, routing);
    }

    /** Sends a whole answer; {@code earlierCost} is what this request already spent (a cascade's cheap calls). */
    private void respond(ServerResponse res, Decision decision, ModelCard card, ChatResult result, double earlierCost, ObjectNode routing) {
        double cost = earlierCost + card.cost(result.usage());
        OpenAiShapes.addOutcome(routing, result, cost);
        res.header("x-thinkroute-cost-usd", OpenAiShapes.roundedUsd(cost).toPlainString());
        ObjectNode body = OpenAiShapes.completion(newId(), nowSeconds(), decision, result, routing);
        logOutcome(decision, result, cost, false);
        sendJson(res, Status.OK_200, body);
    }

    private void stream(ServerResponse res, ChatRequest request, Decision decision, ModelCard card, Upstream upstream,
                        ChatCall call, ObjectNode routing) {
        stream(res, request, decision, card, sink -> upstream.stream(call, sink), () -> 0, routing);
    }

    /** Where a stream's events come from: an upstream call, or an answer already gathered (a cascade's kept answer). */
    @FunctionalInterface
    private interface StreamSource {
        ChatResult run(StreamSink sink) throws UpstreamException, IOException;
    }

    /**
     * Relays {@code source} as server-sent events.
     *
     * @param earlierCost USD spent on this request besides the streamed call (a cascade's cheap calls, a multi-round
     *                    loop's other calls), read once the source is done
     */
    private void stream(ServerResponse res, ChatRequest request, Decision decision, ModelCard card, StreamSource source,
                        DoubleSupplier earlierCost, ObjectNode routing) {
        String id = newId();
        long created = nowSeconds();
        String model = decision.arm().model();
        SseWriter writer = new SseWriter(res);
        String[] finishReason = {null};
        try {
            ChatResult result = source.run(event -> {
                // Headers go out with the first event, so an upstream that fails before answering still gets a
                // plain JSON error with the right status.
                if (!writer.started()) writer.frame(OpenAiShapes.roleChunk(id, created, model));
                switch (event) {
                    case StreamEvent.Delta d -> writer.frame(OpenAiShapes.deltaChunk(id, created, model, d));
                    // Held back: the finish chunk goes out last, carrying the routing object and the cost.
                    case StreamEvent.Finish f -> finishReason[0] = f.finishReason();
                    case StreamEvent.UsageReport u -> { } // the gathered result has the final usage
                }
            });
            double cost = earlierCost.getAsDouble() + card.cost(result.usage());
            OpenAiShapes.addOutcome(routing, result, cost);
            if (!writer.started()) writer.frame(OpenAiShapes.roleChunk(id, created, model));
            String finish = finishReason[0] != null ? finishReason[0] : result.finishReason();
            writer.frame(OpenAiShapes.finishChunk(id, created, model, finish, routing));
            // OpenAI sends a chunk with empty choices only when asked to (stream_options.include_usage); clients
            // that read choices[0] of every chunk rely on that.
            if (request.includeUsage()) writer.frame(OpenAiShapes.usageChunk(id, created, model, result.usage(), routing));
            writer.done();
            logOutcome(decision, result, cost, true);
        } catch (UpstreamException e) {
            ApiException api = upstreamError(e);
            if (!writer.started()) throw api;
            LOG.log(System.Logger.Level.WARNING, "stream from " + e.model() + " failed midway: " + e.getMessage());
            try {
                writer.frame(OpenAiShapes.streamError(api.getMessage(), api.type(), api.code()));
                writer.done();
            } catch (IOException gone) {
                LOG.log(System.Logger.Level.DEBUG, "client left before the stream error could be sent");
            }
        } catch (IOException e) {
            // The client went away; the upstream call was cancelled by the dialect.
            LOG.log(System.Logger.Level.INFO, "client disconnected during stream from " + card.name() + "; upstream call cancelled");
        }
    }

    /**
     * Runs a cascade profile: {@code samples} cheap answers (in parallel), judged by {@link CascadeJudge}; the first
     * is kept when it looks sure, else the strong arm answers. A stream request streams only the answer that is kept
     * (the cheap one is relayed once judged). {@code routing.cost_usd} counts every call; {@code routing.cascade}
     * lists them with the judge's signals; the response's {@code usage} is the kept answer's.
     */
    private void cascade(ServerResponse res, ChatRequest request, ArmSelector.Selection selection) {
        Cascade c = selection.cascade();
        Query.Constraints limits = request.query().constraints();
        if (limits.arms() != null || limits.maxCostUsd() != null) {
            String param = limits.arms() != null ? "routing.arms" : "routing.max_cost";
            throw ApiException.invalid(param, "'" + param + "' applies to learned routers; cascade profile '" + c.profile()
                    + "' takes only routing.alpha (for its learned table)");
        }
        ModelCard cheapCard = pool.require(c.cheap().model());
        Upstream cheap = upstreams.get(cheapCard.name());
        ChatCall cheapCall = new ChatCall(cheapCard, c.cheap().thinking(), request.forward());
        List<ChatResult> samples = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<ChatResult>> futures = new ArrayList<>();
            for (int i = 0; i < c.samples(); i++) futures.add(executor.submit(() -> cheap.complete(cheapCall)));
            for (int i = 0; i < futures.size(); i++) {
                try {
                    samples.add(futures.get(i).get());
                } catch (ExecutionException e) {
                    // The first sample is the answer that would be kept: its refusal is the caller's to fix.
                    if (i == 0 && e.getCause() instanceof UpstreamException ue && ue.kind() == UpstreamException.Kind.REFUSED) throw upstreamError(ue);
                    samples.add(null);
                    failures.add("sample " + (i + 1) + ": " + e.getCause().getMessage());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "api_error", null, "interrupted", "the gateway is shutting down");
        }
        double cheapCost = 0;
        ArrayNode calls = ChatRequestParser.JSON.createArrayNode();
        for (ChatResult r : samples) {
            ObjectNode call = calls.addObject().put("arm", c.cheap().label());
            if (r == null) {
                call.put("failed", true);
                continue;
            }
            cheapCost += cheapCard.cost(r.usage());
            describe(call, cheapCard, r);
        }
        ChatResult first = samples.getFirst();
        CascadeJudge.Verdict verdict = first == null
                ? new CascadeJudge.Verdict(false, "the cheap answer failed (" + failures.getFirst() + ")", Map.of())
                : CascadeJudge.judge(samples.stream().map(r -> r == null ? null : r.content()).toList(), c.checks());
        if (first != null && c.table() != null) verdict = CascadeJudge.withTable(verdict, c.table(), c.alphaFor(request.query().constraints()));
        if (verdict.keep() && c.judge() != null) {
            // The judge model is asked only when the free checks pass: it costs a call, and they already escalate.
            ModelCard judgeCard = pool.require(c.judge().model());
            ObjectNode judgeCall = calls.addObject().put("arm", c.judge().label()).put("role", "judge");
            try {
                ChatResult said = upstreams.get(judgeCard.name()).complete(new ChatCall(judgeCard, c.judge().thinking(),
                        CascadeJudge.judgeRequest(request.query().text(), first.content(), c.judge().thinking().thinks())));
                cheapCost += judgeCard.cost(said.usage());
                describe(judgeCall, judgeCard, said);
                // An empty reply was still an answer (counted, not a failure): it vouches for nothing.
                verdict = CascadeJudge.withJudge(verdict, c.judge().label(), said.content() == null ? "" : said.content());
            } catch (UpstreamException e) {
                judgeCall.put("failed", true);
                failures.add("judge: " + e.getMessage());
                verdict = CascadeJudge.withJudge(verdict, c.judge().label(), null);
            }
        }
        double spent = cheapCost;
        Arm kept = verdict.keep() ? c.cheap() : c.strong();
        Decision decision = new Decision(kept, new Reason.ProfileRule(c.profile(), (verdict.keep()
                ? "cascade kept the cheap answer of " + c.cheap().label() + ": "
                : "cascade escalated from " + c.cheap().label() + " to " + c.strong().label() + ": ") + verdict.why()));
        ObjectNode routing = OpenAiShapes.routing(decision, selection.profile());
        ObjectNode info = routing.putObject("cascade");
        info.put("cheap", c.cheap().label()).put("strong", c.strong().label()).put("escalated", !verdict.keep());
        info.set("signals", ChatRequestParser.JSON.valueToTree(verdict.signals()));
        if (!failures.isEmpty()) info.set("failures", ChatRequestParser.JSON.valueToTree(failures));
        ObjectNode strongCall = verdict.keep() ? null : calls.addObject().put("arm", c.strong().label());
        info.set("calls", calls);
        setRoutingHeaders(res, decision);
        ModelCard card = pool.require(kept.model());
        if (verdict.keep()) {
            if (request.stream()) {
                stream(res, request, decision, card, sink -> {
                    StreamRelay.whole(first, first.toolCalls(), sink);
                    return first;
                }, () -> spent - card.cost(first.usage()), routing);
            } else {
                respond(res, decision, card, first, cheapCost - card.cost(first.usage()), routing);
            }
            return;
        }
        Upstream strong = upstreams.get(card.name());
        ChatCall call = new ChatCall(card, c.strong().thinking(), request.forward());
        if (request.stream()) {
            // The call's entry is filled in before the finish chunk, which carries the routing object.
            stream(res, request, decision, card, sink -> describe(strongCall, card, strong.stream(call, sink)), () -> spent, routing);
        } else {
            ChatResult result;
            try {
                result = strong.complete(call);
            } catch (UpstreamException e) {
                throw upstreamError(e);
            }
            respond(res, decision, card, describe(strongCall, card, result), cheapCost, routing);
        }
    }

    /**
     * Runs a multi-round profile (the Router-R1 protocol) on the last user message: the policy asks candidates
     * sub-questions until it answers. {@code routing.rounds} lists every call (policy turns, sub-questions and their
     * replies, tokens, latency, USD and the paper's size-weighted cost); {@code usage} and {@code routing.cost_usd}
     * count all of them. A stream sends each call as it ends, as {@code reasoning_content} (what reasoning-aware
     * clients show while a model thinks), then the answer.
     */
    private void multiRound(ServerResponse res, ChatRequest request, ArmSelector.Selection selection) {
        MultiRound m = selection.multiRound();
        Query.Constraints limits = request.query().constraints();
        if (limits.arms() != null || limits.alpha() != null) {
            String param = limits.arms() != null ? "routing.arms" : "routing.alpha";
            throw ApiException.invalid(param, "'" + param + "' applies to learned routers; multi-round profile '" + m.profile()
                    + "' takes only routing.max_cost (its budget per request)");
        }
        if (limits.maxCostUsd() != null && !(limits.maxCostUsd() > 0)) {
            throw ApiException.invalid("routing.max_cost", "multi-round profile '" + m.profile() + "' needs a budget above 0 USD "
                    + "(routing.max_cost); its policy's first turn already costs something");
        }
        if (request.forward().has("tools")) {
            throw ApiException.invalid("tools", "multi-round profile '" + m.profile() + "' answers in text and cannot call tools; "
                    + "send tool requests to a model or a single-round profile");
        }
        Orchestrator orchestrator = Orchestrator.of(m, pool::require, upstreams::get, m.settings().capped(limits.maxCostUsd()));
        Decision decision = selection.decision();
        ModelCard policyCard = pool.require(m.policy().model());
        ObjectNode routing = OpenAiShapes.routing(decision, selection.profile());
        setRoutingHeaders(res, decision);
        // The loop answers the last user message: earlier turns and system messages are not passed on.
        String question = request.query().text();
        if (question == null || question.isBlank()) {
            throw ApiException.invalid("messages", "multi-round profile '" + m.profile() + "' answers the last user message, and this "
                    + "request has none with text");
        }
        long started = System.nanoTime();
        if (!request.stream()) {
            Orchestrator.Result r;
            try {
                r = orchestrator.run(question);
            } catch (UpstreamException e) {
                throw loopError(e);
            }
            ChatResult answer;
            try {
                answer = multiRoundResult(r, routing, started);
            } catch (UpstreamException e) {
                throw loopError(e);
            }
            respond(res, decision, policyCard, answer, r.totalCost() - policyCard.cost(answer.usage()), routing);
            return;
        }
        double[] total = {0};
        stream(res, request, decision, policyCard, sink -> {
            Orchestrator.Result r;
            try {
                r = orchestrator.run(question, round -> {
                    try {
                        sink.accept(new StreamEvent.Delta(null, OpenAiShapes.roundLine(round), null));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e); // the client left: end the loop, no more calls
                    }
                });
            } catch (UncheckedIOException e) {
                throw e.getCause();
            } catch (UpstreamException e) {
                // Through the stream's own error path (a JSON error before any frame, an error frame after), as a 502.
                ApiException api = loopError(e);
                throw api.status() == 502 ? new UpstreamException(UpstreamException.Kind.PROTOCOL, e.model(), e.getMessage()) : e;
            }
            ChatResult answer = multiRoundResult(r, routing, started);
            total[0] = r.totalCost() - policyCard.cost(answer.usage());
            StreamRelay.whole(new ChatResult(answer.content(), null, null, answer.finishReason(), answer.usage(), answer.latencyMs(), null), null, sink);
            return answer;
        }, () -> total[0], routing);
    }

    /**
     * The caller's status when the loop cannot answer (its policy failed before any reply, or its fallback failed). A
     * rejection of the policy's or fallback's request (its context full, a parameter refused) is the gateway's
     * problem, not the caller's: 502, not 400. Rate limits and timeouts keep their own status.
     */
    private static ApiException loopError(UpstreamException e) {
        ApiException api = upstreamError(e);
        if (api.status() == 429 || api.status() == 504 || api.status() == 502) return api;
        return new ApiException(502, "api_error", null, "upstream_error", "multi-round: " + e.getMessage());
    }

    /** The loop's answer as one result (usage summed over every call), its rounds written into {@code routing}. */
    private static ChatResult multiRoundResult(Orchestrator.Result r, ObjectNode routing, long startedNanos) throws UpstreamException {
        if (r.answer() == null && r.stop().equals("fallback")) {
            throw new UpstreamException(UpstreamException.Kind.PROTOCOL, r.calls().getLast().arm().model(),
                    "the policy could not be read twice and the fallback " + r.calls().getLast().arm().label() + " answered nothing");
        }
        routing.set("rounds", OpenAiShapes.rounds(r));
        ObjectNode summary = routing.putObject("multi_round");
        summary.put("stop", r.stop()).put("sub_questions", r.subQuestions()).put("size_weighted_cost", r.totalSizeWeighted());
        Usage usage = r.calls().stream().map(Orchestrator.Round::usage).reduce(Usage.ZERO, Usage::plus);
        String answer = r.answer() == null ? "" : r.answer();
        if (r.answer() == null) {
            routing.put("note", "no answer: the loop stopped (" + r.stop() + ") before any candidate gave a usable reply");
        }
        return new ChatResult(answer, null, null, "stop", usage, (System.nanoTime() - startedNanos) / 1_000_000, null);
    }

    /** Records one cascade call's cost, latency and output tokens in its {@code routing.cascade.calls} entry. */
    private static ChatResult describe(ObjectNode entry, ModelCard card, ChatResult r) {
        entry.put("cost_usd", OpenAiShapes.roundedUsd(card.cost(r.usage()))).put("latency_ms", r.latencyMs())
                .put("output_tokens", r.usage().outputTokens());
        return r;
    }

    /**
     * The caller's status for an upstream failure. Requests the upstream rejected as invalid (too long for its
     * context, a parameter it refuses) come back as 400 and rate limits as 429, because SDKs retry 5xx answers and
     * such a request would fail again; everything else the caller cannot fix is 502, or 504 for timeouts.
     */
    static ApiException upstreamError(UpstreamException e) {
        return switch (e.kind()) {
            case TIMEOUT -> new ApiException(504, "api_error", null, "upstream_timeout", e.getMessage());
            case NOT_RECORDED -> new ApiException(404, "invalid_request_error", "messages", "prompt_not_recorded", e.getMessage());
            case NO_KEY -> new ApiException(502, "api_error", null, "upstream_key_missing", e.getMessage());
            case REFUSED -> e.param() == null || e.param().equals("thinking")
                    ? new ApiException(400, "invalid_request_error", "thinking", "unsupported_thinking", e.getMessage())
                    : new ApiException(400, "invalid_request_error", e.param(), "unsupported_parameter", e.getMessage());
            case HTTP_ERROR -> switch (e.status()) {
                case 400, 413, 422 -> new ApiException(400, "invalid_request_error", null, "upstream_rejected", e.getMessage());
                case 429 -> new ApiException(429, "rate_limit_error", null, "upstream_rate_limited", e.getMessage());
                default -> new ApiException(502, "api_error", null, "upstream_error", e.getMessage());
            };
            case UNREACHABLE, PROTOCOL -> new ApiException(502, "api_error", null, "upstream_error", e.getMessage());
        };
    }

    private byte[] readBody(ServerRequest req) {
        long declared = req.headers().contentLength().orElse(-1);
        if (declared > maxBodyBytes) throw tooLarge(declared);
        if (!req.content().hasEntity()) return new byte[0];
        try (InputStream in = req.content().inputStream()) {
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
            if (body.length > maxBodyBytes) throw tooLarge(-1);
            return body;
        } catch (IOException | UncheckedIOException e) {
            throw ApiException.invalid(null, "invalid_body", "request body could not be read: " + e.getMessage());
        }
    }

    private ApiException tooLarge(long declared) {
        return new ApiException(413, "invalid_request_error", null, "request_too_large",
                "request body " + (declared > 0 ? "of " + declared + " bytes " : "") + "is over the gateway's limit of "
                        + maxBodyBytes + " bytes (server.max_body_bytes)");
    }

    private static void setRoutingHeaders(ServerResponse res, Decision decision) {
        res.header("x-thinkroute-arm", decision.arm().label());
        res.header("x-thinkroute-reason", decision.reason().code());
    }

    private static void logOutcome(Decision decision, ChatResult result, double cost, boolean stream) {
        LOG.log(System.Logger.Level.INFO, () -> String.format("%s arm=%s reason=%s in=%d out=%d reasoning=%d cost_usd=%s latency_ms=%d",
                stream ? "stream" : "complete", decision.arm().label(), decision.reason().code(),
                result.usage().inputTokens(), result.usage().outputTokens(), result.usage().reasoningTokens(),
                OpenAiShapes.roundedUsd(cost).toPlainString(), result.latencyMs()));
    }

    public static void sendError(ServerResponse res, ApiException e) {
        if (res.isSent()) return;
        sendJson(res, Status.create(e.status()), OpenAiShapes.error(e));
    }

    /** Sends a JSON body with the gateway's one mapper (costs as plain decimals). */
    public static void sendJson(ServerResponse res, Status status, ObjectNode body) {
        byte[] bytes;
        try {
            bytes = ChatRequestParser.JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        res.status(status);
        res.header("Content-Type", "application/json");
        res.send(bytes);
    }

    private static String newId() {
        return "chatcmpl-tr-" + UUID.randomUUID().toString().replace("-", "");
    }

    private static long nowSeconds() {
        return System.currentTimeMillis() / 1000;
    }

    /** Writes {@code data: …} frames to the response, flushing each so the client sees it at once. */
    private static final class SseWriter {
        private final ServerResponse res;
        private OutputStream out;

        SseWriter(ServerResponse res) {
            this.res = res;
        }

        boolean started() {
            return out != null;
        }

        void frame(ObjectNode json) throws IOException {
            write("data: " + ChatRequestParser.JSON.writeValueAsString(json) + "\n\n");
        }

        void done() throws IOException {
            write("data: [DONE]\n\n");
            out.close();
        }

        private void write(String frame) throws IOException {
            try {
                if (out == null) {
                    res.status(Status.OK_200);
                    res.header("Content-Type", "text/event-stream; charset=utf-8");
                    res.header("Cache-Control", "no-cache");
                    out = res.outputStream();
                }
                out.write(frame.getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (UncheckedIOException e) {
                throw e.getCause();
            } catch (RuntimeException e) {
                // Helidon reports a closed connection as an unchecked exception; the dialect needs an IOException
                // to cancel the upstream call.
                throw new IOException("client connection closed: " + e.getMessage(), e);
            }
        }
    }
}
