package dev.thinkroute.llm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thinkroute.core.Usage;

/** What a streaming upstream call delivers, in order: deltas, then one finish, then (where known) usage. */
public sealed interface StreamEvent permits StreamEvent.Delta, StreamEvent.Finish, StreamEvent.UsageReport {

    /**
     * A piece of the answer. {@code content} and {@code reasoning} are already split (a {@code <think>} block
     * arriving in content is delivered as reasoning); either may be {@code null}. {@code toolCalls} is the
     * upstream's {@code delta.tool_calls} array, unchanged, or {@code null}.
     */
    record Delta(String content, String reasoning, JsonNode toolCalls) implements StreamEvent {
    }

    /** The upstream's {@code finish_reason}. */
    record Finish(String finishReason) implements StreamEvent {
    }

    /** Final token counts (reported by the usage chunk, or estimated when the upstream sent none). */
    record UsageReport(Usage usage) implements StreamEvent {
    }
}
