package dev.thinkroute.gateway.chat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thinkroute.agent.Orchestrator;
import dev.thinkroute.core.Decision;
import dev.thinkroute.core.Usage;
import dev.thinkroute.llm.ChatResult;
import dev.thinkroute.llm.StreamEvent;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The JSON the gateway sends: OpenAI's {@code chat.completion}, {@code chat.completion.chunk} and error objects,
 * plus thinkroute's {@code routing} object. The reasoning text is normalised to {@code reasoning_content}
 * whatever field the upstream used.
 */
public final class OpenAiShapes {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private OpenAiShapes() {
    }

    public static ObjectNode error(ApiException e) {
        ObjectNode error = F.objectNode();
        error.put("message", e.getMessage());
        error.put("type", e.type());
        if (e.param() == null) error.putNull("param"); else error.put("param", e.param());
        if (e.code() == null) error.putNull("code"); else error.put("code", e.code());
        ObjectNode root = F.objectNode();
        root.set("error", error);
        return root;
    }

    public static ObjectNode completion(String id, long created, Decision decision, ChatResult result, ObjectNode routing) {
        ObjectNode message = F.objectNode();
        message.put("role", "assistant");
        if (result.content() == null) message.putNull("content"); else message.put("content", result.content());
        if (result.reasoning() != null) message.put("reasoning_content", result.reasoning());
        if (result.toolCalls() != null && !result.toolCalls().isNull()) message.set("tool_calls", result.toolCalls());
        ObjectNode choice = F.objectNode();
        choice.put("index", 0);
        choice.set("message", message);
        choice.putNull("logprobs");
        choice.put("finish_reason", result.finishReason() == null ? "stop" : result.finishReason());
        ObjectNode root = envelope(id, "chat.completion", created, decision.arm().model());
        root.set("choices", F.arrayNode().add(choice));
        root.set("usage", usage(result.usage()));
        root.set("routing", routing);
        return root;
    }

    /** The first chunk of a stream: the assistant role, as OpenAI sends it. */
    public static ObjectNode roleChunk(String id, long created, String model) {
        ObjectNode delta = F.objectNode();
        delta.put("role", "assistant");
        delta.put("content", "");
        return chunk(id, created, model, delta, null);
    }

    public static ObjectNode deltaChunk(String id, long created, String model, StreamEvent.Delta d) {
        ObjectNode delta = F.objectNode();
        if (d.content() != null) delta.put("content", d.content());
        if (d.reasoning() != null) delta.put("reasoning_content", d.reasoning());
        if (d.toolCalls() != null && !d.toolCalls().isNull()) delta.set("tool_calls", d.toolCalls());
        return chunk(id, created, model, delta, null);
    }

    /** The chunk with the finish reason; it also carries the {@code routing} object, cost included. */
    public static ObjectNode finishChunk(String id, long created, String model, String finishReason, ObjectNode routing) {
        ObjectNode root = chunk(id, created, model, F.objectNode(), finishReason == null ? "stop" : finishReason);
        root.set("routing", routing);
        return root;
    }

    /** The usage chunk OpenAI sends last when {@code stream_options.include_usage} is set: empty choices, usage. */
    public static ObjectNode usageChunk(String id, long created, String model, Usage usage, ObjectNode routing) {
        ObjectNode root = envelope(id, "chat.completion.chunk", created, model);
        root.set("choices", F.arrayNode());
        root.set("usage", usage(usage));
        root.set("routing", routing);
        return root;
    }

    /** An error frame sent in place of the rest of a stream, followed by {@code [DONE]}. */
    public static ObjectNode streamError(String message, String type, String code) {
        return error(new ApiException(0, type, null, code, message));
    }

    public static ObjectNode usage(Usage usage) {
        ObjectNode u = F.objectNode();
        u.put("prompt_tokens", usage.inputTokens());
        u.put("completion_tokens", usage.outputTokens());
        u.put("total_tokens", usage.totalTokens());
        ObjectNode details = F.objectNode();
        details.put("reasoning_tokens", usage.reasoningTokens());
        u.set("completion_tokens_details", details);
        return u;
    }

    /** The {@code routing} object: which arm answered, why, and (once known) what it cost. */
    public static ObjectNode routing(Decision decision, String profile) {
        ObjectNode r = F.objectNode();
        r.put("arm", decision.arm().label());
        r.put("model", decision.arm().model());
        r.put("thinking", decision.arm().thinking().label());
        r.put("reason", decision.reason().code());
        r.put("detail", decision.reason().detail());
        if (profile == null) r.putNull("profile"); else r.put("profile", profile);
        return r;
    }

    /** {@code routing.rounds}: each call of a multi-round loop, in order. */
    public static ArrayNode rounds(Orchestrator.Result r) {
        ArrayNode rounds = F.arrayNode();
        for (Orchestrator.Round c : r.calls()) {
            ObjectNode o = rounds.addObject();
            o.put("index", c.index()).put("role", c.role()).put("arm", c.arm().label()).put("model", c.arm().model());
            if (c.question() != null) o.put("question", c.question());
            if (c.reply() != null) o.put("reply", c.reply());
            o.put("input_tokens", c.usage().inputTokens()).put("output_tokens", c.usage().outputTokens())
                    .put("cost_usd", roundedUsd(c.costUsd())).put("size_weighted_cost", c.sizeWeightedCost()).put("latency_ms", c.latencyMs());
            if (!c.repairs().isEmpty()) c.repairs().forEach(o.putArray("repairs")::add);
            if (c.error() != null) o.put("error", c.error());
        }
        return rounds;
    }

    /**
     * One line of streamed progress for a call of a multi-round loop: who was asked what, and what came back (cut
     * short; the whole reply is in {@code routing.rounds}).
     */
    public static String roundLine(Orchestrator.Round c) {
        String what = switch (c.role()) {
            case "policy" -> "policy " + c.arm().label() + " wrote " + c.usage().outputTokens() + " tokens";
            case "fallback" -> "fallback " + c.arm().label() + " answered the question directly";
            default -> "asked " + c.arm().model() + ": " + c.question();
        };
        String outcome = c.error() != null ? " (" + c.error() + ")"
                : c.role().equals("policy") || c.reply() == null ? "" : " -> " + shorten(c.reply(), 200);
        return "[" + (c.index() + 1) + "] " + what + outcome + "\n";
    }

    private static String shorten(String text, int max) {
        String flat = text.replaceAll("\\s+", " ").strip();
        return flat.length() <= max ? flat : flat.substring(0, max - 1) + "…";
    }

    public static void addOutcome(ObjectNode routing, ChatResult result, double costUsd) {
        routing.put("cost_usd", roundedUsd(costUsd));
        routing.put("usage_estimated", result.usage().estimated());
        routing.put("latency_ms", result.latencyMs());
        if (result.recordedScore() != null) routing.put("recorded_score", result.recordedScore());
        // How the answer was obtained when it took more than one plain call (a budget held in two calls, an empty
        // answer recovered): the caller should know it was not the single call it asked for.
        if (result.note() != null) routing.put("note", result.note());
    }

    /** USD to 10 decimal places (a tenth of a micro-dollar), without exponent notation. */
    public static BigDecimal roundedUsd(double usd) {
        return BigDecimal.valueOf(usd).setScale(10, RoundingMode.HALF_UP).stripTrailingZeros();
    }

    private static ObjectNode chunk(String id, long created, String model, ObjectNode delta, String finishReason) {
        ObjectNode choice = F.objectNode();
        choice.put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        if (finishReason == null) choice.putNull("finish_reason"); else choice.put("finish_reason", finishReason);
        ObjectNode root = envelope(id, "chat.completion.chunk", created, model);
        ArrayNode choices = F.arrayNode().add(choice);
        root.set("choices", choices);
        return root;
    }

    private static ObjectNode envelope(String id, String object, long created, String model) {
        ObjectNode root = F.objectNode();
        root.put("id", id);
        root.put("object", object);
        root.put("created", created);
        root.put("model", model);
        return root;
    }

}
