package dev.thinkroute.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.thinkroute.gateway.FakeOpenAiResponses.Envelope;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.thinkroute.gateway.E2e.JSON;
import static dev.thinkroute.gateway.FakeOpenAiResponses.delta;
import static dev.thinkroute.gateway.FakeOpenAiResponses.done;
import static dev.thinkroute.gateway.FakeOpenAiResponses.error;
import static dev.thinkroute.gateway.FakeOpenAiResponses.frame;
import static dev.thinkroute.gateway.FakeOpenAiResponses.roleDelta;
import static dev.thinkroute.gateway.FakeOpenAiResponses.sendJson;

/**
 * A fake vLLM OpenAI-compatible server ({@code vllm serve Qwen/Qwen3-8B --reasoning-parser qwen3}) on loopback,
 * speaking the wire format of vLLM's {@code /v1/chat/completions}: {@code chat.completion} objects with the
 * reasoning in {@code reasoning_content} (vLLM before 0.10) or {@code reasoning} (later), server-sent
 * {@code chat.completion.chunk} frames (role chunk, reasoning deltas, content deltas, a finish chunk, the usage chunk
 * with {@code "choices": []} when {@code stream_options.include_usage}, then {@code data: [DONE]}), and error bodies
 * {@code {"error": {"message", "type", "param", "code"}}} or the older {@code {"object": "error", ...}}.
 *
 * <p>Each behaviour is a {@link Scenario}, chosen by the first path segment, so one server backs many model cards:
 * {@code base_url: http://127.0.0.1:<port>/<scenario>/v1}. Like a real Qwen3, it thinks unless the request says
 * {@code chat_template_kwargs.enable_thinking: false}. Every request is recorded for the tests to inspect.
 * {@link #abruptBaseUrl()} is a second, raw-socket server whose stream breaks off mid-body when told to
 * ({@link #breakOffNow()}).
 */
final class FakeVllm implements AutoCloseable {

    enum Scenario {
        /** Reasoning in {@code message.reasoning_content} / {@code delta.reasoning_content}; usage as vLLM sends it. */
        REASONING_CONTENT,
        /** Reasoning in {@code reasoning} (vLLM 0.10+); usage with {@code completion_tokens_details.reasoning_tokens}. */
        REASONING,
        /** No reasoning parser: the chain of thought inline as {@code <think>…</think>} at the start of content. */
        THINK_TAGS,
        /** 429 with a new-style error object that echoes the caller's Authorization header. */
        RATE_LIMITED,
        /** 400 for a prompt over the context window, as vLLM words it. */
        CONTEXT_TOO_LONG,
        /** 500 with an old-style {@code "object": "error"} body that echoes the caller's Authorization header. */
        CRASHING,
        /** Sends nothing, not even headers, for many seconds. */
        SLOW_HEADERS,
        /** A stream that sends two content deltas and then ends the body: no finish, no [DONE]. */
        TRUNCATED_STREAM,
        /** A stream that sends a content delta, then an error frame and [DONE], as vLLM does when generation fails. */
        ERROR_FRAME,
        /** A stream that sends one content delta every 100 ms for up to 30 s, noticing when its reader goes away. */
        SLOW_STREAM;

        String path() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        static Scenario of(String path) {
            return Arrays.stream(values()).filter(s -> s.path().equals(path)).findFirst().orElse(null);
        }
    }

    static final String SERVED_MODEL = "Qwen/Qwen3-8B";
    static final List<String> REASONING_PIECES = List.of("The user asks", " for 17 times 3.", " 17 times 3 is 51.");
    static final List<String> ANSWER_PIECES = List.of("17 × 3", " = 51.");
    static final String REASONING = String.join("", REASONING_PIECES);
    static final String ANSWER = String.join("", ANSWER_PIECES);
    static final long PROMPT_TOKENS = 20;
    static final long COMPLETION_TOKENS = 50;
    /** What {@link Scenario#REASONING} reports in {@code completion_tokens_details.reasoning_tokens}. */
    static final long REPORTED_REASONING_TOKENS = 30;
    static final Duration SLOW_STREAM_TICK = Duration.ofMillis(100);
    private static final Envelope ENVELOPE = new Envelope("chatcmpl-fake0123456789", 1_750_000_000L, SERVED_MODEL);

    /** One request as the fake received it. */
    record Received(String scenario, String authorization, JsonNode body) {
        JsonNode enableThinking() {
            return body.path("chat_template_kwargs").path("enable_thinking");
        }

        /** The text of the last user message: its string content, or its text parts joined. */
        String lastUserText() {
            return FakeOpenAiResponses.lastUserText(body);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Queue<Received> received = new ConcurrentLinkedQueue<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final ServerSocket abrupt;
    private final Semaphore breakOffs = new Semaphore(0);

    private final AtomicInteger slowStreamTicks = new AtomicInteger();
    private final CountDownLatch slowStreamReaderGone = new CountDownLatch(1);

    FakeVllm() {
        server = FakeOpenAiResponses.startServer(executor, this::handle);
        try {
            abrupt = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().name("fake-vllm-abrupt").start(this::acceptAbrupt);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code base_url} of a card answering with {@code scenario}. */
    String baseUrl(Scenario scenario) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + scenario.path() + "/v1";
    }

    /** The {@code base_url} of a server that starts a stream and then drops the TCP connection. */
    String abruptBaseUrl() {
        return "http://127.0.0.1:" + abrupt.getLocalPort() + "/v1";
    }

    /** Lets the abrupt server drop its connection (it holds it open, mid-stream, until told or for 10 s). */
    void breakOffNow() {
        breakOffs.release();
    }

    /** Requests received so far, oldest first. */
    List<Received> received() {
        return List.copyOf(received);
    }

    /** The latest request received for {@code scenario}. */
    Received last(Scenario scenario) {
        return received().reversed().stream().filter(r -> r.scenario().equals(scenario.path())).findFirst()
                .orElseThrow(() -> new AssertionError("the fake received no request for " + scenario.path()));
    }

    void clear() {
        received.clear();
    }

    int slowStreamTicks() {
        return slowStreamTicks.get();
    }

    /** Waits until a write of the slow stream failed because its reader closed the connection. */
    boolean awaitSlowStreamReaderGone(Duration timeout) throws InterruptedException {
        return slowStreamReaderGone.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        try {
            abrupt.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        executor.shutdownNow();
    }

    // ---- the HTTP server ----

    private void handle(HttpExchange ex) throws IOException {
        try {
            String path = ex.getRequestURI().getPath();
            String[] parts = path.split("/");
            Scenario scenario = parts.length > 1 ? Scenario.of(parts[1]) : null;
            byte[] raw = ex.getRequestBody().readAllBytes();
            if (scenario == null || !path.equals("/" + parts[1] + "/v1/chat/completions") || !"POST".equals(ex.getRequestMethod())) {
                sendJson(ex, 404, error("Not Found: " + ex.getRequestMethod() + " " + path, "NotFoundError", 404));
                return;
            }
            JsonNode body = JSON.readTree(raw);
            String authorization = ex.getRequestHeaders().getFirst("Authorization");
            received.add(new Received(scenario.path(), authorization, body));
            boolean stream = body.path("stream").asBoolean(false);
            boolean includeUsage = body.path("stream_options").path("include_usage").asBoolean(false);
            boolean thinks = !body.path("chat_template_kwargs").path("enable_thinking").isBoolean()
                    || body.path("chat_template_kwargs").path("enable_thinking").booleanValue();
            switch (scenario) {
                case REASONING_CONTENT, REASONING, THINK_TAGS -> {
                    if (stream) streamAnswer(ex, scenario, thinks, includeUsage);
                    else sendJson(ex, 200, completion(scenario, thinks));
                }
                case RATE_LIMITED -> sendJson(ex, 429, error("Rate limit exceeded for " + authorization
                        + "; try again in 20s", "RateLimitError", 429));
                case CONTEXT_TOO_LONG -> sendJson(ex, 400, error("This model's maximum context length is 32768 tokens. However, "
                        + "you requested 40000 tokens (39000 in the messages, 1000 in the completion). Please reduce the length "
                        + "of the messages or completion.", "BadRequestError", 400));
                case CRASHING -> sendJson(ex, 500, FakeOpenAiResponses.oldEngineError(
                        "EngineCore died while serving the request sent with Authorization: " + authorization));
                case SLOW_HEADERS -> {
                    closing.await(15, TimeUnit.SECONDS);
                    sendJson(ex, 200, completion(Scenario.REASONING_CONTENT, thinks));
                }
                case TRUNCATED_STREAM -> {
                    OutputStream out = startStream(ex);
                    frame(out, chunk(roleDelta(), null));
                    for (String piece : ANSWER_PIECES) frame(out, chunk(delta("content", piece), null));
                    // returning closes the body cleanly, without a finish_reason or [DONE]
                }
                case ERROR_FRAME -> {
                    OutputStream out = startStream(ex);
                    frame(out, chunk(roleDelta(), null));
                    frame(out, chunk(delta("content", ANSWER_PIECES.getFirst()), null));
                    frame(out, error("CUDA error: an illegal memory access was encountered", "InternalServerError", 500));
                    done(out);
                }
                case SLOW_STREAM -> slowStream(ex);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the gateway went away; nothing to answer
        } finally {
            ex.close();
        }
    }

    private void slowStream(HttpExchange ex) throws IOException, InterruptedException {
        OutputStream out = startStream(ex);
        try {
            frame(out, chunk(roleDelta(), null));
            long ticks = 30_000 / SLOW_STREAM_TICK.toMillis();
            for (int i = 0; i < ticks && closing.getCount() > 0; i++) {
                frame(out, chunk(delta("content", " tick" + i), null));
                slowStreamTicks.incrementAndGet();
                Thread.sleep(SLOW_STREAM_TICK);
            }
        } catch (IOException readerGone) {
            slowStreamReaderGone.countDown();
            throw readerGone;
        }
    }

    private void streamAnswer(HttpExchange ex, Scenario scenario, boolean thinks, boolean includeUsage) throws IOException {
        OutputStream out = startStream(ex);
        frame(out, chunk(roleDelta(), null));
        if (scenario == Scenario.THINK_TAGS) {
            // Qwen3 without a reasoning parser: the tags arrive as ordinary content tokens.
            frame(out, chunk(delta("content", "<think>"), null));
            if (thinks) {
                frame(out, chunk(delta("content", "\n" + REASONING_PIECES.getFirst()), null));
                for (String piece : REASONING_PIECES.subList(1, REASONING_PIECES.size())) {
                    frame(out, chunk(delta("content", piece), null));
                }
                frame(out, chunk(delta("content", "\n</think>\n\n"), null));
            } else {
                frame(out, chunk(delta("content", "\n\n</think>\n\n"), null));
            }
        } else if (thinks) {
            String field = scenario == Scenario.REASONING ? "reasoning" : "reasoning_content";
            for (String piece : REASONING_PIECES) frame(out, chunk(delta(field, piece), null));
        }
        for (String piece : ANSWER_PIECES) frame(out, chunk(delta("content", piece), null));
        frame(out, chunk(delta("content", ""), "stop"));
        if (includeUsage) frame(out, ENVELOPE.usageChunk(usage(scenario)));
        done(out);
    }

    private static ObjectNode completion(Scenario scenario, boolean thinks) {
        ObjectNode message = JSON.createObjectNode();
        message.put("role", "assistant");
        switch (scenario) {
            case REASONING -> {
                if (thinks) message.put("reasoning", REASONING); else message.putNull("reasoning");
                message.put("content", ANSWER);
            }
            case THINK_TAGS -> message.put("content", (thinks ? "<think>\n" + REASONING + "\n</think>\n\n" : "<think>\n\n</think>\n\n") + ANSWER);
            default -> {
                if (thinks) message.put("reasoning_content", REASONING); else message.putNull("reasoning_content");
                message.put("content", ANSWER);
            }
        }
        message.putArray("tool_calls");
        ObjectNode root = ENVELOPE.completion(message, "stop", usage(scenario));
        ((ObjectNode) root.get("choices").get(0)).putNull("stop_reason");
        root.putNull("prompt_logprobs");
        return root;
    }

    private static ObjectNode usage(Scenario scenario) {
        ObjectNode usage = FakeOpenAiResponses.usage(PROMPT_TOKENS, COMPLETION_TOKENS).putNull("prompt_tokens_details");
        if (scenario == Scenario.REASONING) usage.putObject("completion_tokens_details").put("reasoning_tokens", REPORTED_REASONING_TOKENS);
        return usage;
    }

    /** A chunk as vLLM sends it: a finishing one also says {@code stop_reason: null}. */
    private static ObjectNode chunk(ObjectNode delta, String finishReason) {
        ObjectNode root = ENVELOPE.chunk(delta, finishReason);
        if (finishReason != null) ((ObjectNode) root.get("choices").get(0)).putNull("stop_reason");
        return root;
    }

    private static OutputStream startStream(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        return FakeOpenAiResponses.startStream(ex);
    }

    // ---- the raw-socket server whose streams break off ----

    private void acceptAbrupt() {
        while (!abrupt.isClosed()) {
            try {
                Socket socket = abrupt.accept();
                executor.execute(() -> breakOff(socket));
            } catch (IOException | RuntimeException e) {
                return; // closed
            }
        }
    }

    /** Reads one request, starts a chunked SSE stream, sends two frames and drops the connection mid-body. */
    private void breakOff(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            int length = 0;
            String line;
            while (!(line = readLine(in)).isEmpty()) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Content-Length")) {
                    length = Integer.parseInt(line.substring(colon + 1).trim());
                }
            }
            byte[] body = in.readNBytes(length);
            received.add(new Received("abrupt", null, JSON.readTree(body)));
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            for (JsonNode frame : List.of(chunk(roleDelta(), null), chunk(delta("content", ANSWER_PIECES.getFirst()), null))) {
                byte[] data = ("data: " + JSON.writeValueAsString(frame) + "\n\n").getBytes(StandardCharsets.UTF_8);
                out.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(data);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
            // Waits until the test has seen the frames come through the gateway (a connection that fails may
            // take data still unread with it), then closes with the chunked body unterminated: to the reader
            // the stream breaks off mid-body.
            breakOffs.tryAcquire(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            // dropping the connection is the point
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (b != '\r') line.write(b);
        }
        if (b == -1 && line.size() == 0) throw new IOException("connection closed before the request ended");
        return line.toString(StandardCharsets.US_ASCII);
    }
}
