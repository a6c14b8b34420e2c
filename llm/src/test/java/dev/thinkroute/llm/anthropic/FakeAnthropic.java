package dev.thinkroute.llm.anthropic;

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
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A fake Anthropic Messages API on 127.0.0.1 (JDK {@link HttpServer}, port 0). It validates each request the way the
 * Anthropic documentation describes the API and answers validation failures with Anthropic's error shape; valid
 * requests get the scripted {@link Answer}.
 *
 * <p>What the validation checks, and where it is documented (docs.claude.com, as mirrored in PocketLLM/PocketLLM
 * {@code docs/anthropic-docs/en/...}):
 * <ul>
 *   <li>{@code POST /v1/messages} with {@code x-api-key}, {@code anthropic-version: 2023-06-01},
 *       {@code content-type: application/json} (the curl examples of build-with-claude/extended-thinking and
 *       build-with-claude/streaming);</li>
 *   <li>{@code model} and {@code max_tokens} required, only {@code user}/{@code assistant} roles, no unknown
 *       top-level fields (api/messages);</li>
 *   <li>extended thinking: {@code budget_tokens} at least 1,024 and below {@code max_tokens}; while thinking no
 *       {@code temperature} other than 1, no {@code top_k}, {@code top_p} only within [0.95, 1]
 *       (build-with-claude/extended-thinking, "Feature compatibility");</li>
 *   <li>adaptive thinking: {@code {"type":"adaptive"}} with {@code output_config.effort}
 *       (platform.claude.com/docs/en/build-with-claude/effort);</li>
 *   <li>errors: {@code {"type":"error","error":{"type":…,"message":…},"request_id":…}} (api/errors).</li>
 * </ul>
 */
final class FakeAnthropic implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    /** What the server received. */
    record Seen(String method, String path, Map<String, List<String>> headers, JsonNode body) {
        String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) return e.getValue().get(0);
            }
            return null;
        }
    }

    /** The scripted answer to a valid request. */
    @FunctionalInterface
    interface Answer {
        void answer(Seen request, HttpExchange exchange) throws IOException;
    }

    private static final Set<String> TOP_LEVEL = Set.of("model", "messages", "max_tokens", "system", "stop_sequences",
            "stream", "temperature", "top_p", "top_k", "thinking", "metadata", "output_config", "tools", "tool_choice",
            "service_tier", "container", "mcp_servers");

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    final List<Seen> seen = new CopyOnWriteArrayList<>();
    final String key;
    volatile Answer answer = (r, ex) -> json(ex, 200, "{}");
    /** The provider's smallest budget_tokens (1,024 as documented; a test may make it stricter). */
    volatile int minBudget = 1024;

    FakeAnthropic(String key) throws IOException {
        this.key = key;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] bytes = ex.getRequestBody().readAllBytes();
            JsonNode body;
            try {
                body = bytes.length == 0 ? null : JSON.readTree(bytes);
            } catch (IOException e) {
                error(ex, 400, "invalid_request_error", "There was an issue with the format or content of your request.");
                return;
            }
            Seen request = new Seen(ex.getRequestMethod(), ex.getRequestURI().getPath(), Map.copyOf(ex.getRequestHeaders()), body);
            seen.add(request);
            if (!request.method().equals("POST") || !request.path().equals("/v1/messages")) {
                error(ex, 404, "not_found_error", "The requested resource could not be found.");
                return;
            }
            if (!key.equals(request.header("x-api-key"))) {
                error(ex, 401, "authentication_error", "invalid x-api-key");
                return;
            }
            if (!"2023-06-01".equals(request.header("anthropic-version"))) {
                error(ex, 400, "invalid_request_error", "anthropic-version: header is required");
                return;
            }
            String type = request.header("content-type");
            if (type == null || !type.startsWith("application/json")) {
                error(ex, 400, "invalid_request_error", "content-type must be application/json");
                return;
            }
            String invalid = invalid(body);
            if (invalid != null) {
                error(ex, 400, "invalid_request_error", invalid);
                return;
            }
            answer.answer(request, ex);
        }
    }

    /** Anthropic's validation message for an invalid body, or {@code null}. */
    private String invalid(JsonNode body) {
        if (body == null || !body.isObject()) return "body: Input should be an object";
        for (var it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!TOP_LEVEL.contains(f)) return f + ": Extra inputs are not permitted";
        }
        if (!body.path("model").isTextual()) return "model: Field required";
        if (!body.path("max_tokens").isIntegralNumber()) return "max_tokens: Field required";
        int maxTokens = body.get("max_tokens").asInt();
        JsonNode messages = body.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) return "messages: Field required";
        for (int i = 0; i < messages.size(); i++) {
            String role = messages.get(i).path("role").asText();
            if (!role.equals("user") && !role.equals("assistant")) {
                return "messages.%d.role: Input should be 'user' or 'assistant'".formatted(i);
            }
            JsonNode content = messages.get(i).get("content");
            if (content == null || !(content.isTextual() || content.isArray())) return "messages.%d.content: Field required".formatted(i);
        }
        if (body.has("system") && !body.get("system").isTextual() && !body.get("system").isArray()) return "system: Input should be a valid string";
        JsonNode thinking = body.get("thinking");
        if (thinking == null) return null;
        String mode = thinking.path("type").asText();
        switch (mode) {
            case "disabled" -> {
                return null;
            }
            case "enabled" -> {
                JsonNode budget = thinking.get("budget_tokens");
                if (budget == null || !budget.isIntegralNumber()) return "thinking.enabled.budget_tokens: Field required";
                if (budget.asInt() < minBudget) {
                    return "thinking.enabled.budget_tokens: Input should be greater than or equal to " + minBudget;
                }
                if (budget.asInt() >= maxTokens) {
                    return "`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at "
                            + "https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size";
                }
            }
            case "adaptive" -> {
                String effort = body.path("output_config").path("effort").asText("high");
                if (!Set.of("low", "medium", "high", "max").contains(effort)) {
                    return "output_config.effort: Input should be 'low', 'medium', 'high' or 'max'";
                }
            }
            default -> {
                return "thinking.type: Input tag '" + mode + "' found using 'type' does not match any of the expected tags: "
                        + "'enabled', 'disabled', 'adaptive'";
            }
        }
        if (body.has("temperature") && body.get("temperature").asDouble() != 1.0) {
            return "`temperature` may only be set to 1 when thinking is enabled.";
        }
        if (body.has("top_k")) return "`top_k` must be unset when thinking is enabled.";
        if (body.has("top_p") && body.get("top_p").asDouble() < 0.95) {
            return "`top_p` must be greater than or equal to 0.95 or unset when thinking is enabled.";
        }
        return null;
    }

    static void json(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.getResponseHeaders().set("request-id", "req_011CSHoEeqs5C35K2UUqR7Fy");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Anthropic's error shape (api/errors: "Error shapes"). */
    static void error(HttpExchange ex, int status, String type, String message) throws IOException {
        json(ex, status, JSON.createObjectNode().put("type", "error")
                .<com.fasterxml.jackson.databind.node.ObjectNode>set("error", JSON.createObjectNode().put("type", type).put("message", message))
                .put("request_id", "req_011CSHoEeqs5C35K2UUqR7Fy").toString());
    }

    /** An SSE stream, each event written and flushed on its own (chunked), as Anthropic sends it. */
    static void sse(HttpExchange ex, String... events) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        for (String event : events) {
            out.write(event.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
        out.close();
    }

    /** One event: {@code event: <type>} and its data line, as documented ("Each event will use an SSE event name"). */
    static String event(String type, String data) {
        return "event: " + type + "\ndata: " + data + "\n\n";
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
