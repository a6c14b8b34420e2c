package dev.thinkroute.llm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thinkroute.core.Usage;

/**
 * The normalised answer of one call (for a stream: everything it sent, gathered).
 *
 * @param content       the answer text, {@code <think>} blocks removed ({@code null} when the model only called tools)
 * @param reasoning     the reasoning text from {@code reasoning}, {@code reasoning_content} or an inline
 *                      {@code <think>} block, or {@code null} when there was none
 * @param toolCalls     the message's {@code tool_calls} array as sent by the upstream, or {@code null}
 * @param finishReason  {@code stop}, {@code length}, {@code tool_calls}…, or {@code null} when the upstream gave none
 * @param usage         reported by the upstream, or estimated from the text ({@link Usage#estimated()})
 * @param latencyMs     from sending the request to the last byte
 * @param recordedScore for replay: the recorded quality (0/1) of this answer; otherwise {@code null}
 * @param note          how the answer was obtained when it took more than one plain call (a thinking budget held
 *                      by a second call, an empty answer recovered), for the response's {@code routing}; else {@code null}
 */
public record ChatResult(
        String content,
        String reasoning,
        JsonNode toolCalls,
        String finishReason,
        Usage usage,
        long latencyMs,
        Double recordedScore,
        String note) {

    /** A result of one plain call. */
    public ChatResult(String content, String reasoning, JsonNode toolCalls, String finishReason, Usage usage, long latencyMs,
                      Double recordedScore) {
        this(content, reasoning, toolCalls, finishReason, usage, latencyMs, recordedScore, null);
    }

    public ChatResult withNote(String newNote) {
        return new ChatResult(content, reasoning, toolCalls, finishReason, usage, latencyMs, recordedScore, newNote);
    }
}
