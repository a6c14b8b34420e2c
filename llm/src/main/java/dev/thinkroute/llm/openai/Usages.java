package dev.thinkroute.llm.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thinkroute.core.TokenEstimator;
import dev.thinkroute.core.Usage;

/**
 * Token counts when an upstream reports none or only part: estimated from the request's messages and the answer's
 * text with {@link TokenEstimator}. Shared by dialects so every upstream estimates the same way.
 *
 * <p>Policy: when the upstream reports input and output tokens but no reasoning tokens although it returned
 * reasoning text (vLLM never reports them), the reasoning share is estimated from that text, capped at the reported
 * output, and the usage stays {@code estimated=false}: the billed counts are the upstream's own, only their split
 * is estimated.
 */
public final class Usages {

    /** Chat-template tokens around each message (role markers, separators), as OpenAI's counting guide charges. */
    static final int PER_MESSAGE = 4;
    /** Tokens that open the assistant's reply. */
    static final int REPLY_PRIMING = 3;

    private Usages() {
    }

    /** Estimated input tokens of an OpenAI-shaped request: its messages' text, tool calls and tool definitions. */
    public static long inputTokens(JsonNode requestBody) {
        if (requestBody == null) return 0;
        long tokens = 0;
        JsonNode messages = requestBody.get("messages");
        if (messages != null && messages.isArray()) {
            for (JsonNode m : messages) {
                tokens += PER_MESSAGE + TokenEstimator.estimate(messageText(m));
            }
            tokens += REPLY_PRIMING;
        }
        JsonNode tools = requestBody.get("tools");
        if (tools != null && tools.isArray() && !tools.isEmpty()) tokens += TokenEstimator.estimate(tools.toString());
        return tokens;
    }

    /** Estimated usage of a whole call, marked {@code estimated}. */
    public static Usage estimate(JsonNode requestBody, String content, String reasoning, JsonNode toolCalls) {
        long reasoningTokens = TokenEstimator.estimate(reasoning);
        long output = TokenEstimator.estimate(content) + reasoningTokens + TokenEstimator.estimate(toolCallText(toolCalls));
        return new Usage(inputTokens(requestBody), output, reasoningTokens, true);
    }

    /** {@code reported}, with reasoning tokens estimated from {@code reasoning} when the upstream gave none. */
    public static Usage withReasoning(Usage reported, String reasoning) {
        if (reported.reasoningTokens() > 0 || reasoning == null || reasoning.isEmpty()) return reported;
        long estimate = Math.min(TokenEstimator.estimate(reasoning), reported.outputTokens());
        return new Usage(reported.inputTokens(), reported.outputTokens(), estimate, reported.estimated());
    }

    /** The text of one chat message: string content, text parts, tool-call names and arguments. */
    static String messageText(JsonNode message) {
        StringBuilder text = new StringBuilder();
        JsonNode content = message.get("content");
        if (content != null && content.isTextual()) {
            text.append(content.asText());
        } else if (content != null && content.isArray()) {
            for (JsonNode part : content) {
                if (part.hasNonNull("text")) text.append(part.get("text").asText()).append('\n');
            }
        }
        String calls = toolCallText(message.get("tool_calls"));
        if (!calls.isEmpty()) text.append('\n').append(calls);
        return text.toString();
    }

    private static String toolCallText(JsonNode toolCalls) {
        if (toolCalls == null || !toolCalls.isArray()) return "";
        StringBuilder text = new StringBuilder();
        for (JsonNode call : toolCalls) {
            JsonNode fn = call.get("function");
            if (fn == null) continue;
            if (fn.hasNonNull("name")) text.append(fn.get("name").asText()).append(' ');
            if (fn.hasNonNull("arguments")) text.append(fn.get("arguments").asText()).append('\n');
        }
        return text.toString();
    }
}
