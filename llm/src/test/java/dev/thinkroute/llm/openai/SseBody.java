package dev.thinkroute.llm.openai;

import mockwebserver3.MockResponse;
import mockwebserver3.MockResponseBody;
import okio.BufferedSink;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A scripted, chunked {@code text/event-stream} body, written and flushed piece by piece the way vLLM's
 * uvicorn server sends it, so the client sees events as they are produced. It can stall (until {@link #release()})
 * or keep the stream open with SSE comments until the client hangs up, which {@link #clientGone} records.
 */
final class SseBody implements MockResponseBody {

    private sealed interface Step permits Write, WriteBytes, Stall, UntilClientLeaves {
    }

    private record WriteBytes(byte[] bytes) implements Step {
    }

    private record Write(String text) implements Step {
    }

    private record Stall() implements Step {
    }

    private record UntilClientLeaves() implements Step {
    }

    private final List<Step> steps = new ArrayList<>();
    final CountDownLatch clientGone = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);

    /** One {@code data:} event. */
    SseBody data(String json) {
        return raw("data: " + json + "\n\n");
    }

    SseBody done() {
        return data("[DONE]");
    }

    /** Bytes exactly as given, in one HTTP chunk. */
    SseBody raw(String text) {
        steps.add(new Write(text));
        return this;
    }

    /** Raw bytes in one HTTP chunk, e.g. half of a multi-byte character. */
    SseBody bytes(byte[] bytes) {
        steps.add(new WriteBytes(bytes));
        return this;
    }

    /** Stops sending until {@link #release()} (or 10 s), keeping the connection open. */
    SseBody stall() {
        steps.add(new Stall());
        return this;
    }

    /** Keeps sending {@code : ping} comments until a write fails because the client closed the connection (≤ 5 s). */
    SseBody untilClientLeaves() {
        steps.add(new UntilClientLeaves());
        return this;
    }

    void release() {
        released.countDown();
    }

    MockResponse response() {
        return new MockResponse.Builder()
                .code(200)
                .addHeader("content-type", "text/event-stream; charset=utf-8")
                .addHeader("transfer-encoding", "chunked")
                .body(this)
                .removeHeader("Content-Length") // MockWebServer adds "-1" for a body of unknown length
                .build();
    }

    @Override
    public long getContentLength() {
        return -1;
    }

    @Override
    public void writeTo(BufferedSink sink) throws IOException {
        try {
            for (Step step : steps) {
                switch (step) {
                    case Write w -> chunk(sink, w.text().getBytes(StandardCharsets.UTF_8));
                    case WriteBytes b -> chunk(sink, b.bytes());
                    case Stall s -> released.await(10, TimeUnit.SECONDS);
                    case UntilClientLeaves u -> {
                        for (int i = 0; i < 250; i++) {
                            chunk(sink, ": ping\n\n".getBytes(StandardCharsets.UTF_8));
                            Thread.sleep(20);
                        }
                    }
                }
            }
            sink.writeUtf8("0\r\n\r\n");
            sink.flush();
        } catch (IOException e) {
            clientGone.countDown();
            throw e;
        } catch (InterruptedException e) {
            throw new InterruptedIOException();
        }
    }

    private static void chunk(BufferedSink sink, byte[] bytes) throws IOException {
        sink.writeUtf8(Integer.toHexString(bytes.length) + "\r\n");
        sink.write(bytes);
        sink.writeUtf8("\r\n");
        sink.flush();
    }
}
