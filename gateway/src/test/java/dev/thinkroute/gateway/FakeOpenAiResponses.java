package dev.thinkroute.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;

import static dev.thinkroute.gateway.E2e.JSON;

/**
 * The wire plumbing the fake OpenAI-compatible upstreams ({@link FakeVllm}, {@link FakeQwen3Budget},
 * {@link FakeCascadeUpstream}) share: a server on a free loopback port, reading what the gateway sent, and writing
 * {@code chat.completion} bodies, {@code chat.completion.chunk} frames and vLLM's error bodies. What each fake answers
 * stays in the fake; this holds only the shapes they have in common.
 */
final class FakeOpenAiResponses {

    static final String COMPLETION = "chat.completion";
    static final String CHUNK = "chat.completion.chunk";

    private FakeOpenAiResponses() {
    }

    /** Starts an HTTP server on a free loopback port that hands every request to {@code handler}, on {@code executor}. */
    static HttpServer startServer(ExecutorService executor, HttpHandler handler) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
            server.setExecutor(executor);
            server.createContext("/", handler);
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- reading the request ----

    /** The text of the last user message: its string content, or its text parts joined; {@code null} if there is none. */
    static String lastUserText(JsonNode body) {
        JsonNode messages = body.path("messages");
        for (int i = messages.size() - 1; i >= 0; i--) {
            if ("user".equals(messages.get(i).path("role").asText())) return text(messages.get(i).path("content"));
        }
        return null;
    }

    /** A message's content as text: the string, or the {@code text} of its parts joined. */
    static String text(JsonNode content) {
        if (content.isTextual()) return content.asText();
        StringBuilder out = new StringBuilder();
        for (JsonNode part : content) out.append(part.path("text").asText(""));
        return out.toString();
    }

    // ---- the bodies ----

    /** What every body of one fake says about itself: its {@code id}, {@code created} and served {@code model}. */
    record Envelope(String id, long created, String model) {

        /** {@code {"id", "object", "created", "model"}}, for the caller to add the rest to. */
        ObjectNode of(String object) {
            ObjectNode root = JSON.createObjectNode();
            root.put("id", id);
            root.put("object", object);
            root.put("created", created);
            root.put("model", model);
            return root;
        }

        /** A {@code chat.completion} with one choice ({@code index}, {@code message}, {@code logprobs: null}, {@code finish_reason}) and its usage. */
        ObjectNode completion(ObjectNode message, String finishReason, ObjectNode usage) {
            ObjectNode root = of(COMPLETION);
            ObjectNode choice = root.putArray("choices").addObject();
            choice.put("index", 0);
            choice.set("message", message);
            choice.putNull("logprobs");
            choice.put("finish_reason", finishReason);
            root.set("usage", usage);
            return root;
        }

        /** A {@code chat.completion.chunk} with one choice: {@code delta}, and {@code finish_reason} ({@code null} mid-stream). */
        ObjectNode chunk(ObjectNode delta, String finishReason) {
            ObjectNode root = of(CHUNK);
            ObjectNode choice = root.putArray("choices").addObject();
            choice.put("index", 0);
            choice.set("delta", delta);
            choice.putNull("logprobs");
            if (finishReason == null) choice.putNull("finish_reason"); else choice.put("finish_reason", finishReason);
            return root;
        }

        /** The last chunk of a stream with {@code stream_options.include_usage}: {@code "choices": []} and the usage. */
        ObjectNode usageChunk(ObjectNode usage) {
            ObjectNode root = of(CHUNK);
            root.putArray("choices");
            root.set("usage", usage);
            return root;
        }
    }

    /** {@code {"prompt_tokens", "total_tokens", "completion_tokens"}}. */
    static ObjectNode usage(long prompt, long completion) {
        ObjectNode usage = JSON.createObjectNode();
        usage.put("prompt_tokens", prompt);
        usage.put("total_tokens", prompt + completion);
        usage.put("completion_tokens", completion);
        return usage;
    }

    /** The delta that opens a stream: {@code {"role": "assistant", "content": ""}}. */
    static ObjectNode roleDelta() {
        return JSON.createObjectNode().put("role", "assistant").put("content", "");
    }

    /** A delta carrying one piece of {@code field}: {@code {"content": text}}, {@code {"reasoning_content": text}}… */
    static ObjectNode delta(String field, String text) {
        return JSON.createObjectNode().put(field, text);
    }

    /** vLLM's current error body: {@code {"error": {"message", "type", "param": null, "code"}}}. */
    static ObjectNode error(String message, String type, int code) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", message);
        error.put("type", type);
        error.putNull("param");
        error.put("code", code);
        return root;
    }

    /** vLLM's older error body for a crashed engine: {@code {"object": "error", "message", "type", "param": null, "code": 500}}. */
    static ObjectNode oldEngineError(String message) {
        ObjectNode old = JSON.createObjectNode();
        old.put("object", "error");
        old.put("message", message);
        old.put("type", "InternalServerError");
        old.putNull("param");
        old.put("code", 500);
        return old;
    }

    // ---- writing the answer ----

    /** Answers {@code status} with {@code body} as {@code application/json}. */
    static void sendJson(HttpExchange ex, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Answers 200 with a chunked {@code text/event-stream} body (other headers are the caller's to set first). */
    static OutputStream startStream(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        ex.sendResponseHeaders(200, 0); // chunked
        return ex.getResponseBody();
    }

    /** One server-sent event {@code data: <json>}, flushed. */
    static void frame(OutputStream out, JsonNode json) throws IOException {
        out.write(("data: " + JSON.writeValueAsString(json) + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** The stream's closing {@code data: [DONE]}, flushed. */
    static void done(OutputStream out) throws IOException {
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
