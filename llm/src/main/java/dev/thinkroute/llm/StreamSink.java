package dev.thinkroute.llm;

import java.io.IOException;

/**
 * Receives stream events as they arrive, on the calling thread. Throwing {@link IOException} (the client went
 * away) makes the upstream cancel its call and {@link Upstream#stream} rethrow it.
 */
@FunctionalInterface
public interface StreamSink {
    void accept(StreamEvent event) throws IOException;
}
