package dev.thinkroute.llm.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thinkroute.llm.ChatResult;
import dev.thinkroute.llm.StreamEvent;
import dev.thinkroute.llm.StreamSink;

import java.io.IOException;

/** Sends a result gathered elsewhere to a stream's sink, as every dialect ends or replays a stream. */
public final class StreamRelay {

    private StreamRelay() {
    }

    /**
     * A whole answer relayed as a stream (a stream request the upstream answered with one JSON object): one delta
     * with its text, reasoning and {@code toolCalls} (when any), then {@link #end}.
     */
    public static void whole(ChatResult result, JsonNode toolCalls, StreamSink sink) throws IOException {
        String content = result.content() == null || result.content().isEmpty() ? null : result.content();
        if (content != null || result.reasoning() != null || toolCalls != null) {
            sink.accept(new StreamEvent.Delta(content, result.reasoning(), toolCalls));
        }
        end(result, sink);
    }

    /** The end of a stream: its finish (when there is one), then its usage. */
    public static void end(ChatResult result, StreamSink sink) throws IOException {
        if (result.finishReason() != null) sink.accept(new StreamEvent.Finish(result.finishReason()));
        sink.accept(new StreamEvent.UsageReport(result.usage()));
    }
}
