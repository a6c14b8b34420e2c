package dev.thinkroute.llm.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A loopback stand-in for an Ollama server ({@code 127.0.0.1}, a free port): records each request and answers with
 * the next scripted reply, in the wire shapes Ollama documents:
 * <ul>
 *   <li>ollama/ollama docs/api.md, "Generate a chat completion": {@code POST /api/chat}; blocking answer
 *       {@code {"model","created_at","message":{"role","content"},"done_reason","done":true,"total_duration",
 *       "load_duration","prompt_eval_count","prompt_eval_duration","eval_count","eval_duration"}}; a stream of
 *       {@code {"model","created_at","message":{...},"done":false}} objects, then the final {@code "done": true}
 *       object with the counts.</li>
 *   <li>docs/capabilities/thinking.mdx: {@code think} true/false or a level string; chat returns
 *       {@code message.thinking} next to {@code message.content}; streams send thinking pieces before content.</li>
 *   <li>docs/api/streaming.mdx: streams are {@code application/x-ndjson}.</li>
 *   <li>docs/api/errors.mdx: errors are {@code {"error": "..."}} with 400/404/500…; mid-stream, an
 *       {@code {"error": "..."}} line in the NDJSON with the status left at 200.</li>
 *   <li>server/routes.go (ChatHandler): 404 {@code model '<name>' not found}; 400 {@code "<name>" does not support
 *       thinking} (Go's {@code %q}) when {@code think} is truthy for a model without the capability; the same body
 *       is seen on the wire in issue Neurons-AI/crawbot#24: {@code {"error":"\"qwen3-coder:30b\" does not support thinking"}}.</li>
 * </ul>
 */
final class FakeOllama implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    /** One recorded request. */
    record Request(String method, String path, Map<String, List<String>> headers, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("request body is not JSON: " + body, e);
            }
        }

        String header(String name) {
            for (Map.Entry<String, List<String>> h : headers.entrySet()) {
                if (h.getKey().equalsIgnoreCase(name) && !h.getValue().isEmpty()) return h.getValue().get(0);
            }
            return null;
        }
    }

    /** One scripted reply. */
    interface Reply {
        void send(HttpExchange exchange) throws IOException;
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Reply> replies = new ConcurrentLinkedQueue<>();
    private volatile Reply fallback;
    final CountDownLatch release = new CountDownLatch(1);

    FakeOllama() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-ollama");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    Map.copyOf(exchange.getRequestHeaders()), body));
            Reply reply = replies.poll();
            if (reply == null) reply = fallback;
            if (reply == null) reply = json(500, "{\"error\":\"no reply scripted\"}");
            reply.send(exchange);
        } catch (IOException e) {
            // the client went away (a cancelled stream): nothing more to send
        }
    }

    /** The server root, e.g. {@code http://127.0.0.1:41234}. */
    URI root() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    int port() {
        return server.getAddress().getPort();
    }

    FakeOllama then(Reply reply) {
        replies.add(reply);
        return this;
    }

    /** Answers every request not otherwise scripted. */
    FakeOllama always(Reply reply) {
        fallback = reply;
        return this;
    }

    List<Request> requests() {
        return requests;
    }

    Request only() {
        if (requests.size() != 1) throw new AssertionError("expected one request, saw " + requests.size());
        return requests.get(0);
    }

    // ---- replies ----

    static Reply json(int status, String body) {
        return exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        };
    }

    /** An NDJSON stream, each line flushed on its own (chunked). */
    static Reply ndjson(String... lines) {
        return exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "application/x-ndjson");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            for (String line : lines) {
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        };
    }

    /** An NDJSON stream that sends {@code lines}, then holds the connection open until {@link #release}. */
    Reply ndjsonThenHang(String... lines) {
        return exchange -> {
            ndjson(lines).send(exchange);
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    // ---- documented bodies ----

    static final String CREATED = "2025-06-02T10:15:30.123456Z";

    /** A blocking {@code /api/chat} answer; {@code messageFields} are the message's fields after {@code role}. */
    static String chat(String model, String messageFields, String doneReason, Integer promptEval, Integer eval) {
        StringBuilder s = new StringBuilder();
        s.append("{\"model\":\"").append(model).append("\",\"created_at\":\"").append(CREATED).append("\",")
                .append("\"message\":{\"role\":\"assistant\",").append(messageFields).append("},");
        if (doneReason != null) s.append("\"done_reason\":\"").append(doneReason).append("\",");
        s.append("\"done\":true,\"total_duration\":5191566416,\"load_duration\":2154458");
        if (promptEval != null) s.append(",\"prompt_eval_count\":").append(promptEval).append(",\"prompt_eval_duration\":383809000");
        if (eval != null) s.append(",\"eval_count\":").append(eval).append(",\"eval_duration\":4799921000");
        return s.append('}').toString();
    }

    /** One streamed piece: {@code {"model","created_at","message":{"role":"assistant",...},"done":false}}. */
    static String piece(String model, String messageFields) {
        return "{\"model\":\"" + model + "\",\"created_at\":\"" + CREATED + "\",\"message\":{\"role\":\"assistant\","
                + messageFields + "},\"done\":false}";
    }

    /** The final streamed object: an empty message, {@code done_reason} and the counts. */
    static String last(String model, String doneReason, int promptEval, int eval) {
        return "{\"model\":\"" + model + "\",\"created_at\":\"" + CREATED + "\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},"
                + "\"done_reason\":\"" + doneReason + "\",\"done\":true,\"total_duration\":4883583458,\"load_duration\":1334875,"
                + "\"prompt_eval_count\":" + promptEval + ",\"prompt_eval_duration\":342546000,\"eval_count\":" + eval
                + ",\"eval_duration\":4535599000}";
    }

    static String error(String message) {
        try {
            return "{\"error\":" + JSON.writeValueAsString(message) + "}";
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static String quote(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
    }
}
