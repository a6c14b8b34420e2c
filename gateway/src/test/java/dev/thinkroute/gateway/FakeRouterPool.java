package dev.thinkroute.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.thinkroute.gateway.FakeOpenAiResponses.Envelope;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.thinkroute.gateway.E2e.JSON;
import static dev.thinkroute.gateway.FakeOpenAiResponses.delta;
import static dev.thinkroute.gateway.FakeOpenAiResponses.done;
import static dev.thinkroute.gateway.FakeOpenAiResponses.error;
import static dev.thinkroute.gateway.FakeOpenAiResponses.frame;
import static dev.thinkroute.gateway.FakeOpenAiResponses.roleDelta;
import static dev.thinkroute.gateway.FakeOpenAiResponses.sendJson;
import static dev.thinkroute.gateway.FakeOpenAiResponses.text;
import static dev.thinkroute.gateway.FakeOpenAiResponses.usage;

/**
 * One fake vLLM server serving several models, for multi-round (Router-R1) profiles: which model answers is the
 * request's {@code model} field (each card's {@code upstream_model}), as with vLLM serving several models behind one
 * router.
 *
 * <p>A <b>policy</b> model answers from a per-question script of turns (the question is the user message); the turn
 * due is the number of {@code <information>} blocks in the trailing assistant message, which holds the transcript so
 * far. Such a request must carry {@code continue_final_message: true} and {@code add_generation_prompt: false}, and
 * every policy request must ask to stop at {@code </search>}; what breaks these rules is answered 400 and listed in
 * {@link #violations()}. Like vLLM, {@code stop} is honoured: the content ends before the first stop string found (not
 * included), and the choice says {@code "finish_reason": "stop", "stop_reason": "</search>"}; {@code max_tokens}
 * cuts the content with {@code finish_reason: length}. A scripted {@code null} turn fails with a 500.
 *
 * <p>A <b>candidate</b> model answers from a map (model, sub-question) → reply: text, {@code ""} (an empty reply) or
 * {@code null} (a 500 with vLLM's error body). A question nobody scripted is answered 404, so a test that forgot one
 * sees it.
 *
 * <p>Usage is deterministic: prompt tokens = characters of the last message / 4 + 10, completion tokens = characters
 * of the returned content / 4 + 1. Every request is recorded with what was answered.
 */
final class FakeRouterPool implements AutoCloseable {

    static final String STOP = "</search>";
    private static final Pattern INFORMATION = Pattern.compile("<information>");

    /**
     * One request and what the fake answered.
     *
     * @param model    the served model asked ({@code model} of the body)
     * @param policy   whether that model is a policy
     * @param question the user message (the question for a policy, the sub-question for a candidate)
     * @param turn     for a policy, the turn answered (information blocks seen); -1 for a candidate
     * @param status   the HTTP status answered
     * @param content  the content returned ({@code null} on an error)
     */
    record Received(String model, boolean policy, String question, int turn, JsonNode body, int status, String content,
                    long promptTokens, long completionTokens) {
        boolean failed() {
            return status != 200;
        }

        /** The trailing assistant message's text (the transcript a policy continues), or {@code null}. */
        String transcript() {
            JsonNode messages = body.path("messages");
            JsonNode last = messages.path(messages.size() - 1);
            return "assistant".equals(last.path("role").asText()) ? text(last.path("content")) : null;
        }

        String systemPrompt() {
            JsonNode first = body.path("messages").path(0);
            return "system".equals(first.path("role").asText()) ? text(first.path("content")) : null;
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Set<String> policies;
    private final Queue<Received> received = new ConcurrentLinkedQueue<>();
    private final Queue<String> violations = new ConcurrentLinkedQueue<>();
    private final Map<String, List<String>> turns = new ConcurrentHashMap<>();
    private final Map<String, Reply> replies = new ConcurrentHashMap<>();

    /** A candidate's scripted reply; {@code text == null}: fails with a 500. */
    private record Reply(String text) {
    }

    /** @param policies the served names of the models that act as policies */
    FakeRouterPool(String... policies) {
        this.policies = Set.of(policies);
        server = FakeOpenAiResponses.startServer(executor, this::handle);
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /**
     * The policy's turns for {@code question}, in order: turn n is answered once the transcript holds n
     * {@code <information>} blocks; past the end, the last turn again (a policy that keeps doing the same thing).
     * A {@code null} turn fails with a 500.
     */
    void policy(String question, String... script) {
        turns.put(question, Arrays.asList(script));
    }

    /** What candidate {@code model} (served name) replies to {@code subQuestion}; {@code ""}: an empty reply. */
    void answer(String model, String subQuestion, String reply) {
        replies.put(key(model, subQuestion), new Reply(reply));
    }

    /** Candidate {@code model} fails on {@code subQuestion} with a 500 and vLLM's error body. */
    void fail(String model, String subQuestion) {
        replies.put(key(model, subQuestion), new Reply(null));
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    List<Received> received(String model) {
        return received().stream().filter(r -> r.model().equals(model)).toList();
    }

    List<Received> policyRequests() {
        return received().stream().filter(Received::policy).toList();
    }

    List<Received> candidateRequests() {
        return received().stream().filter(r -> !r.policy()).toList();
    }

    /** Requests that broke the protocol a policy needs (see the class comment). */
    List<String> violations() {
        return List.copyOf(violations);
    }

    void clear() {
        received.clear();
        violations.clear();
        turns.clear();
        replies.clear();
    }

    static long promptTokens(String lastMessage) {
        return lastMessage.length() / 4 + 10;
    }

    static long completionTokens(String content) {
        return content.length() / 4 + 1;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private static String key(String model, String question) {
        return model + "\u0000" + question;
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            byte[] raw = ex.getRequestBody().readAllBytes();
            if (!ex.getRequestURI().getPath().equals("/v1/chat/completions") || !"POST".equals(ex.getRequestMethod())) {
                sendJson(ex, 404, error("Not Found", "NotFoundError", 404));
                return;
            }
            JsonNode body = JSON.readTree(raw);
            String model = body.path("model").asText();
            JsonNode messages = body.path("messages");
            if (!messages.isArray() || messages.isEmpty()) {
                reject(ex, model, false, null, -1, body, 400, "messages must be a non-empty list");
                return;
            }
            String lastText = text(messages.get(messages.size() - 1).path("content"));
            String question = FakeOpenAiResponses.lastUserText(body);
            boolean policy = policies.contains(model);
            String content;
            int turn = -1;
            if (policy) {
                String wrong = policyProtocol(body);
                if (wrong != null) {
                    violations.add(wrong);
                    reject(ex, model, true, question, -1, body, 400, wrong);
                    return;
                }
                JsonNode last = messages.get(messages.size() - 1);
                turn = "assistant".equals(last.path("role").asText()) ? count(INFORMATION, text(last.path("content"))) : 0;
                List<String> script = turns.get(question);
                if (script == null) {
                    reject(ex, model, true, question, turn, body, 404, "no policy script for question '" + question + "'");
                    return;
                }
                content = script.get(Math.min(turn, script.size() - 1));
                if (content == null) {
                    received.add(new Received(model, true, question, turn, body, 500, null, 0, 0));
                    sendJson(ex, 500, error("EngineCore encountered an issue. See stack trace (above) for the root cause.",
                            "InternalServerError", 500));
                    return;
                }
            } else {
                if (messages.size() != 1 || !"user".equals(messages.get(0).path("role").asText())) {
                    violations.add("candidate " + model + " was sent more than its sub-question: " + messages);
                }
                Reply reply = replies.get(key(model, question));
                if (reply == null) {
                    reject(ex, model, false, question, -1, body, 404, "model '" + model + "' has no scripted reply to '" + question + "'");
                    return;
                }
                if (reply.text() == null) {
                    received.add(new Received(model, false, question, -1, body, 500, null, 0, 0));
                    sendJson(ex, 500, error("EngineCore encountered an issue. See stack trace (above) for the root cause.",
                            "InternalServerError", 500));
                    return;
                }
                content = reply.text();
            }
            String finish = "stop";
            String stopReason = null;
            for (String stop : stops(body)) {
                int at = content.indexOf(stop);
                if (at >= 0) {
                    content = content.substring(0, at);
                    stopReason = stop;
                }
            }
            long maxTokens = body.path("max_tokens").asLong(0);
            if (maxTokens > 0 && completionTokens(content) > maxTokens) {
                content = content.substring(0, (int) Math.max(0, (maxTokens - 1) * 4));
                finish = "length";
                stopReason = null;
            }
            long prompt = promptTokens(lastText);
            long completion = completionTokens(content);
            received.add(new Received(model, policy, question, turn, body, 200, content, prompt, completion));
            Envelope envelope = new Envelope("chatcmpl-" + Integer.toHexString(received.size()), 1_750_000_000L, model);
            if (body.path("stream").asBoolean(false)) {
                stream(ex, envelope, content, finish, stopReason, prompt, completion,
                        body.path("stream_options").path("include_usage").asBoolean(false));
            } else {
                sendJson(ex, 200, completion(envelope, content, finish, stopReason, prompt, completion));
            }
        } catch (IOException e) {
            // the gateway went away
        } finally {
            ex.close();
        }
    }

    /** What a policy request lacks, or {@code null}. */
    private static String policyProtocol(JsonNode body) {
        JsonNode messages = body.path("messages");
        List<String> roles = new ArrayList<>();
        for (JsonNode m : messages) roles.add(m.path("role").asText());
        // The built-in prompt is a system message and the question; a policy template (policy_prompt) is one user message.
        boolean continues = roles.equals(List.of("system", "user", "assistant")) || roles.equals(List.of("user", "assistant"));
        if (!continues && !roles.equals(List.of("system", "user")) && !roles.equals(List.of("user"))) {
            return "a policy request must be [system, user] or [user], then the assistant message it continues, got " + roles;
        }
        if (!stops(body).contains(STOP)) return "a policy request must stop at " + STOP + ", got stop " + body.path("stop");
        if (continues) {
            if (!body.path("continue_final_message").asBoolean(false)) {
                return "an assistant message to continue needs continue_final_message: true, got " + body.path("continue_final_message");
            }
            if (!body.path("add_generation_prompt").isBoolean() || body.path("add_generation_prompt").asBoolean()) {
                return "an assistant message to continue needs add_generation_prompt: false, got " + body.path("add_generation_prompt");
            }
        } else if (body.has("continue_final_message") && body.path("continue_final_message").asBoolean()) {
            // vLLM: "continue_final_message" needs the last message to be the assistant's.
            return "continue_final_message without an assistant message to continue";
        }
        return null;
    }

    private static List<String> stops(JsonNode body) {
        JsonNode stop = body.path("stop");
        if (stop.isTextual()) return List.of(stop.asText());
        List<String> out = new ArrayList<>();
        for (JsonNode s : stop) out.add(s.asText());
        return out;
    }

    private static int count(Pattern p, String text) {
        Matcher m = p.matcher(text);
        int n = 0;
        while (m.find()) n++;
        return n;
    }

    private void reject(HttpExchange ex, String model, boolean policy, String question, int turn, JsonNode body, int status,
                        String message) throws IOException {
        received.add(new Received(model, policy, question, turn, body, status, null, 0, 0));
        sendJson(ex, status, error(message, status == 404 ? "NotFoundError" : "BadRequestError", status));
    }

    /** vLLM's {@code chat.completion}: the message with {@code reasoning_content: null}, and {@code stop_reason} beside the finish reason. */
    private static ObjectNode completion(Envelope envelope, String content, String finish, String stopReason, long prompt, long completion) {
        ObjectNode message = JSON.createObjectNode();
        message.put("role", "assistant");
        message.putNull("reasoning_content");
        message.put("content", content);
        message.putArray("tool_calls");
        ObjectNode root = envelope.completion(message, finish, usage(prompt, completion));
        ObjectNode choice = (ObjectNode) root.path("choices").get(0);
        if (stopReason == null) choice.putNull("stop_reason"); else choice.put("stop_reason", stopReason);
        root.putNull("prompt_logprobs");
        return root;
    }

    private static void stream(HttpExchange ex, Envelope envelope, String content, String finish, String stopReason, long prompt,
                               long completion, boolean includeUsage) throws IOException {
        OutputStream out = FakeOpenAiResponses.startStream(ex);
        frame(out, envelope.chunk(roleDelta(), null));
        for (String piece : content.split("(?<= )")) {
            if (!piece.isEmpty()) frame(out, envelope.chunk(delta("content", piece), null));
        }
        ObjectNode last = envelope.chunk(delta("content", ""), finish);
        ObjectNode choice = (ObjectNode) last.path("choices").get(0);
        if (stopReason == null) choice.putNull("stop_reason"); else choice.put("stop_reason", stopReason);
        frame(out, last);
        if (includeUsage) frame(out, envelope.usageChunk(usage(prompt, completion)));
        done(out);
    }
}
