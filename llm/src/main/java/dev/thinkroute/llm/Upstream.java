package dev.thinkroute.llm;

import dev.thinkroute.core.ModelCard;

import java.io.IOException;

/**
 * One model's upstream, speaking its dialect. One instance per model card, shared by all requests (it holds the
 * reused HTTP client); thread-safe; blocking, meant to run on virtual threads.
 */
public interface Upstream extends AutoCloseable {

    ModelCard card();

    /** A non-streaming call. */
    ChatResult complete(ChatCall call) throws UpstreamException;

    /**
     * A streaming call: events go to {@code sink} as they arrive, then the gathered result is returned (its usage
     * is the final usage chunk's, or estimated). If {@code sink} throws, the upstream call is cancelled and the
     * {@link IOException} rethrown.
     */
    ChatResult stream(ChatCall call, StreamSink sink) throws UpstreamException, IOException;

    @Override
    default void close() {
    }
}
