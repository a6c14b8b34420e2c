package dev.thinkroute.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.thinkroute.gateway.FakeOpenAiResponses.Envelope;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.thinkroute.gateway.E2e.JSON;
import static dev.thinkroute.gateway.FakeOpenAiResponses.delta;
import static dev.thinkroute.gateway.FakeOpenAiResponses.done;
import static dev.thinkroute.gateway.FakeOpenAiResponses.error;
import static dev.thinkroute.gateway.FakeOpenAiResponses.frame;
import static dev.thinkroute.gateway.FakeOpenAiResponses.lastUserText;
import static dev.thinkroute.gateway.FakeOpenAiResponses.roleDelta;
import static dev.thinkroute.gateway.FakeOpenAiResponses.sendJson;
import static dev.thinkroute.gateway.FakeOpenAiResponses.usage;

/**
 * A fake vLLM serving Qwen3 with a reasoning parser, for cascades: what it answers depends on the request. The arm is
 * read from {@code chat_template_kwargs.enable_thinking} ({@code false}: the cheap arm, anything else: the thinking
 * arm), the question from the last user message, and each question has a {@link Script} the test sets: the cheap
 * answers in the order the cheap requests arrive ({@code null}: that request fails with a 500), the thinking arm's
 * reasoning and answer, or its failure. Usage is deterministic (prompt tokens from the question, completion tokens
 * from the text), so tests can compute every call's cost. Every request is recorded with what was answered.
 */
final class FakeCascadeUpstream implements AutoCloseable {

    static final String SERVED_MODEL = "Qwen/Qwen3-8B";
    static final String CHEAP = "off";
    static final String STRONG = "on";
    private static final Envelope ENVELOPE = new Envelope("chatcmpl-cascade-fake", 1_750_000_000L, SERVED_MODEL);

    /**
     * @param cheap           the cheap answers, the n-th cheap request getting {@code cheap.get(n % size)}; {@code null} fails
     * @param strongReasoning the thinking arm's reasoning
     * @param strong          the thinking arm's answer; {@code null}: the request fails with a 500
     */
    record Script(List<String> cheap, String strongReasoning, String strong) {
        static Script of(String strongReasoning, String strong, String... cheap) {
            return new Script(java.util.Arrays.asList(cheap), strongReasoning, strong);
        }
    }

    /**
     * One request and what the fake answered.
     *
     * @param arm    {@link #CHEAP} or {@link #STRONG}
     * @param failed answered with an error status
     */
    record Received(String arm, String question, JsonNode body, boolean failed, String content, String reasoning,
                    long promptTokens, long completionTokens) {
        boolean stream() {
            return body.path("stream").asBoolean(false);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Queue<Received> received = new ConcurrentLinkedQueue<>();
    private final Map<String, Script> scripts = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> cheapCounts = new ConcurrentHashMap<>();

    FakeCascadeUpstream() {
        server = FakeOpenAiResponses.startServer(executor, this::handle);
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    void script(String question, Script script) {
        scripts.put(question, script);
        cheapCounts.remove(question);
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    List<Received> received(String arm) {
        return received().stream().filter(r -> r.arm().equals(arm)).toList();
    }

    void clear() {
        received.clear();
        scripts.clear();
        cheapCounts.clear();
    }

    /** Prompt tokens the fake reports for a question. */
    static long promptTokens(String question) {
        return 12 + question.length();
    }

    /** Completion tokens the fake reports for an answer (and its reasoning). */
    static long completionTokens(String content, String reasoning) {
        return content.length() + (reasoning == null ? 0 : reasoning.length());
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            byte[] raw = ex.getRequestBody().readAllBytes();
            if (!ex.getRequestURI().getPath().equals("/v1/chat/completions") || !"POST".equals(ex.getRequestMethod())) {
                sendJson(ex, 404, error("Not Found", "NotFoundError", 404));
                return;
            }
            JsonNode body = JSON.readTree(raw);
            JsonNode enable = body.path("chat_template_kwargs").path("enable_thinking");
            boolean thinks = !enable.isBoolean() || enable.booleanValue();
            String arm = thinks ? STRONG : CHEAP;
            String question = lastUserText(body);
            Script script = scripts.get(question);
            if (script == null) {
                received.add(new Received(arm, question, body, true, null, null, 0, 0));
                sendJson(ex, 400, error("no script for question '" + question + "'", "BadRequestError", 400));
                return;
            }
            String content;
            String reasoning = null;
            if (thinks) {
                content = script.strong();
                reasoning = script.strongReasoning();
            } else {
                int n = cheapCounts.computeIfAbsent(question, q -> new AtomicInteger()).getAndIncrement();
                content = script.cheap().get(n % script.cheap().size());
            }
            if (content == null) {
                received.add(new Received(arm, question, body, true, null, null, 0, 0));
                sendJson(ex, 500, FakeOpenAiResponses.oldEngineError("EngineCore died while answering with thinking " + arm));
                return;
            }
            long prompt = promptTokens(question);
            long completion = completionTokens(content, reasoning);
            received.add(new Received(arm, question, body, false, content, reasoning, prompt, completion));
            if (body.path("stream").asBoolean(false)) {
                stream(ex, content, reasoning, prompt, completion, body.path("stream_options").path("include_usage").asBoolean(false));
            } else {
                sendJson(ex, 200, completion(content, reasoning, prompt, completion));
            }
        } catch (IOException e) {
            // the gateway went away
        } finally {
            ex.close();
        }
    }

    private static ObjectNode completion(String content, String reasoning, long prompt, long completion) {
        ObjectNode message = JSON.createObjectNode();
        message.put("role", "assistant");
        if (reasoning != null) message.put("reasoning_content", reasoning); else message.putNull("reasoning_content");
        message.put("content", content);
        return ENVELOPE.completion(message, "stop", usage(prompt, completion));
    }

    private void stream(HttpExchange ex, String content, String reasoning, long prompt, long completion, boolean includeUsage)
            throws IOException {
        OutputStream out = FakeOpenAiResponses.startStream(ex);
        frame(out, ENVELOPE.chunk(roleDelta(), null));
        if (reasoning != null) {
            for (String piece : pieces(reasoning)) frame(out, ENVELOPE.chunk(delta("reasoning_content", piece), null));
        }
        for (String piece : pieces(content)) frame(out, ENVELOPE.chunk(delta("content", piece), null));
        frame(out, ENVELOPE.chunk(delta("content", ""), "stop"));
        if (includeUsage) frame(out, ENVELOPE.usageChunk(usage(prompt, completion)));
        done(out);
    }

    /** The text cut after each space, so a stream has several deltas. */
    private static List<String> pieces(String text) {
        return List.of(text.split("(?<= )"));
    }
}
