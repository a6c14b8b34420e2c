package dev.thinkroute.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.thinkroute.gateway.FakeOpenAiResponses.Envelope;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static dev.thinkroute.gateway.E2e.JSON;
import static dev.thinkroute.gateway.FakeOpenAiResponses.delta;
import static dev.thinkroute.gateway.FakeOpenAiResponses.done;
import static dev.thinkroute.gateway.FakeOpenAiResponses.error;
import static dev.thinkroute.gateway.FakeOpenAiResponses.frame;
import static dev.thinkroute.gateway.FakeOpenAiResponses.lastUserText;
import static dev.thinkroute.gateway.FakeOpenAiResponses.roleDelta;
import static dev.thinkroute.gateway.FakeOpenAiResponses.sendJson;
import static dev.thinkroute.gateway.FakeOpenAiResponses.text;

/**
 * A fake {@code vllm serve Qwen/Qwen3-8B --reasoning-parser qwen3 --reasoning-config …} on loopback that honours what
 * thinking budgets rely on, in vLLM's shapes (the gateway-side twin of llm's {@code FakeQwen3Vllm}):
 * <ul>
 *   <li>{@code chat_template_kwargs.enable_thinking} (default true);</li>
 *   <li>{@code max_completion_tokens} or {@code max_tokens}: generation stops there with {@code finish_reason: length};</li>
 *   <li>{@code thinking_token_budget}: after that many reasoning tokens the server forces {@code </think>};</li>
 *   <li>{@code stop} (a string or a list): generation ends once the generated text (reasoning and {@code </think>}
 *       included) contains one, with {@code finish_reason: stop}, the stop string left out of the output and its token
 *       still counted, as vLLM does (SamplingParams, https://docs.vllm.ai/en/v0.8.3/api/inference_params.html: "The
 *       returned output will not contain the stop strings"; {@code include_stop_str_in_output} defaults to false);</li>
 *   <li>{@code continue_final_message}: the last (assistant) message is continued where it ends (a 400 together with
 *       {@code add_generation_prompt: true}, as vLLM's validator has it);</li>
 *   <li>the qwen3 reasoning parser: text before {@code </think>} is {@code reasoning_content}; a thinking output cut
 *       before {@code </think>} is all reasoning, with {@code content: null}.</li>
 * </ul>
 * The model thinks {@link #LONG_REASONING} (100 tokens) about a question that mentions Peano, {@link #SHORT_REASONING}
 * (8 tokens) about anything else, then answers {@link #ANSWER}. One token is one word with its trailing space;
 * {@code </think>} is one token. Usage is vLLM's (prompt and completion tokens, no reasoning split).
 *
 * <p>Only {@code POST /qwen3/v1/chat/completions} answers; every other request (e.g. an Anthropic or Gemini card
 * pointed here) is recorded and answered 404, so a test can tell that nothing was sent.
 */
final class FakeQwen3Budget implements AutoCloseable {

    static final String SERVED_MODEL = "Qwen/Qwen3-8B";
    static final String HARD_QUESTION = "Prove from the Peano axioms that 2+2=4.";
    static final String EASY_QUESTION = "What is 2+2?";
    static final List<String> LONG_REASONING = tokens(longScript());
    static final List<String> SHORT_REASONING = tokens("Two plus two makes four, so 2+2=4 plainly.");
    static final List<String> ANSWER = tokens("The answer is 4.");
    static final String ANSWER_TEXT = String.join("", ANSWER);
    private static final Envelope ENVELOPE = new Envelope("chatcmpl-fake", 1_700_000_000L, SERVED_MODEL);

    /** One request as the fake received it, with the token counts it reported (0 for a request it refused). */
    record Received(String path, JsonNode body, int promptTokens, int completionTokens) {
        JsonNode enableThinking() {
            return body.path("chat_template_kwargs").path("enable_thinking");
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Queue<Received> received = new ConcurrentLinkedQueue<>();

    FakeQwen3Budget() {
        server = FakeOpenAiResponses.startServer(executor, this::handle);
    }

    /** The {@code base_url} of the Qwen3 server. */
    String qwen3BaseUrl() {
        return root() + "/qwen3/v1";
    }

    /** A {@code base_url} under which nothing answers (but every request is recorded). */
    String recordingBaseUrl(String name) {
        return root() + "/" + name;
    }

    private String root() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    void clear() {
        received.clear();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    static List<String> tokens(String text) {
        List<String> out = new ArrayList<>();
        String[] words = text.split(" ");
        for (int i = 0; i < words.length; i++) out.add(i < words.length - 1 ? words[i] + " " : words[i]);
        return out;
    }

    static String join(List<String> tokens, int from, int to) {
        return String.join("", tokens.subList(from, to));
    }

    /** The reasoning the model sends when cut after {@code n} tokens of the long script. */
    static String longThought(int n) {
        return join(LONG_REASONING, 0, n);
    }

    private static String longScript() {
        StringBuilder s = new StringBuilder("Okay, the user wants a proof from the Peano axioms.");
        int step = 1;
        while (s.toString().split(" ").length < 100) {
            s.append(" Step ").append(step++).append(": apply the successor rule once more.");
        }
        String[] words = s.toString().split(" ");
        return String.join(" ", java.util.Arrays.copyOf(words, 100));
    }

    // ---- the server ----

    private void handle(HttpExchange ex) throws IOException {
        try {
            String path = ex.getRequestURI().getPath();
            byte[] raw = ex.getRequestBody().readAllBytes();
            JsonNode body;
            try {
                body = JSON.readTree(raw);
            } catch (IOException e) {
                body = JSON.createObjectNode().put("unparsed", new String(raw, StandardCharsets.UTF_8));
            }
            if (!"/qwen3/v1/chat/completions".equals(path) || !"POST".equals(ex.getRequestMethod())) {
                received.add(new Received(path, body, 0, 0));
                sendJson(ex, 404, error("Not Found: " + path, "NotFoundError", 404));
                return;
            }
            boolean stream = body.path("stream").asBoolean(false);
            if (body.hasNonNull("stream_options") && !stream) {
                received.add(new Received(path, body, 0, 0));
                sendJson(ex, 400, error("Stream options can only be defined when `stream=True`.", "BadRequestError", 400));
                return;
            }
            if (body.path("continue_final_message").asBoolean(false) && body.path("add_generation_prompt").asBoolean(true)) {
                // vLLM defaults add_generation_prompt to true: continuing without turning it off is a 400.
                received.add(new Received(path, body, 0, 0));
                sendJson(ex, 400, error("Cannot set both `continue_final_message` and `add_generation_prompt` to True.",
                        "BadRequestError", 400));
                return;
            }
            Generation g = generate(body);
            if (g == null) {
                received.add(new Received(path, body, 0, 0));
                sendJson(ex, 400, error("continue_final_message is set but the last message is not the assistant's",
                        "BadRequestError", 400));
                return;
            }
            received.add(new Received(path, body, g.promptTokens(), g.completionTokens()));
            if (stream) stream(ex, g, body.path("stream_options").path("include_usage").asBoolean(false));
            else sendJson(ex, 200, completion(g));
        } catch (IOException e) {
            // the gateway went away
        } finally {
            ex.close();
        }
    }

    record Generation(List<String> reasoning, List<String> content, String finish, int completionTokens, int promptTokens) {
    }

    private static Generation generate(JsonNode body) {
        JsonNode messages = body.path("messages");
        JsonNode kwargs = body.path("chat_template_kwargs");
        boolean thinking = !kwargs.path("enable_thinking").isBoolean() || kwargs.path("enable_thinking").booleanValue();
        String lastUser = Objects.requireNonNullElse(lastUserText(body), "");
        List<String> script = lastUser.contains("Peano") ? LONG_REASONING : SHORT_REASONING;

        boolean inThink = thinking;
        int reasoningDone = 0;
        int answerDone = 0;
        boolean continuing = body.path("continue_final_message").asBoolean(false);
        if (continuing) {
            JsonNode last = messages.get(messages.size() - 1);
            if (last == null || !"assistant".equals(last.path("role").asText())) return null;
            String prefix = text(last.path("content"));
            int close = prefix.indexOf("</think>");
            if (close >= 0) {
                inThink = false;
                String said = prefix.substring(close + "</think>".length()).strip();
                while (answerDone < ANSWER.size() && said.startsWith(join(ANSWER, 0, answerDone + 1).strip())) answerDone++;
            } else {
                inThink = prefix.contains("<think>");
                reasoningDone = Math.min(script.size(), tokens(prefix.substring(prefix.indexOf("<think>") + 7).strip()).size());
            }
        }
        Integer max = body.hasNonNull("max_completion_tokens") ? Integer.valueOf(body.get("max_completion_tokens").asInt())
                : body.hasNonNull("max_tokens") ? Integer.valueOf(body.get("max_tokens").asInt()) : null;
        Integer budget = body.hasNonNull("thinking_token_budget") ? body.get("thinking_token_budget").asInt() : null;

        List<String> stops = new ArrayList<>();
        JsonNode stop = body.path("stop");
        if (stop.isTextual()) stops.add(stop.asText());
        if (stop.isArray()) stop.forEach(x -> stops.add(x.asText()));

        List<String> reasoning = new ArrayList<>();
        List<String> content = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        int generated = 0;
        int thoughtHere = 0;
        String finish = "stop";
        while (inThink || answerDone < ANSWER.size()) {
            if (max != null && generated >= max) {
                finish = "length";
                break;
            }
            generated++;
            if (inThink) {
                boolean forced = budget != null && thoughtHere >= budget;
                if (reasoningDone < script.size() && !forced) {
                    reasoning.add(script.get(reasoningDone++));
                    text.append(reasoning.getLast());
                    thoughtHere++;
                } else {
                    inThink = false; // </think>, by choice or forced by thinking_token_budget
                    text.append("</think>");
                }
            } else {
                content.add(ANSWER.get(answerDone++));
                text.append(content.getLast());
            }
            String hit = stops.stream().filter(x -> !x.isEmpty() && text.indexOf(x) >= 0).findFirst().orElse(null);
            if (hit != null) {
                // Only whole tokens here: </think> (a token of its own) or the token that completed the string.
                if (!hit.equals("</think>")) {
                    List<String> last = content.isEmpty() ? reasoning : content;
                    String token = last.removeLast();
                    String kept = token.substring(0, Math.max(0, token.length() - (text.length() - text.indexOf(hit))));
                    if (!kept.isEmpty()) last.add(kept);
                }
                break; // finish stays "stop"
            }
        }
        return new Generation(reasoning, content, finish, generated, promptTokens(messages));
    }

    /** 4 template tokens a message plus its words, and 3 to open the reply. */
    static int promptTokens(JsonNode messages) {
        int n = 0;
        for (JsonNode m : messages) {
            String t = text(m.path("content")).strip();
            n += 4 + (t.isEmpty() ? 0 : t.split("\\s+").length);
        }
        return n + 3;
    }

    private static ObjectNode completion(Generation g) {
        ObjectNode message = JSON.createObjectNode();
        message.put("role", "assistant");
        if (g.content().isEmpty()) message.putNull("content"); else message.put("content", String.join("", g.content()));
        if (g.reasoning().isEmpty()) message.putNull("reasoning_content");
        else message.put("reasoning_content", String.join("", g.reasoning()));
        message.putArray("tool_calls");
        return ENVELOPE.completion(message, g.finish(), usage(g));
    }

    private static void stream(HttpExchange ex, Generation g, boolean includeUsage) throws IOException {
        OutputStream out = FakeOpenAiResponses.startStream(ex);
        frame(out, ENVELOPE.chunk(roleDelta(), null));
        for (String t : g.reasoning()) frame(out, ENVELOPE.chunk(delta("reasoning_content", t), null));
        for (String t : g.content()) frame(out, ENVELOPE.chunk(delta("content", t), null));
        frame(out, ENVELOPE.chunk(delta("content", ""), g.finish()));
        if (includeUsage) frame(out, ENVELOPE.usageChunk(usage(g)));
        done(out);
    }

    private static ObjectNode usage(Generation g) {
        return FakeOpenAiResponses.usage(g.promptTokens(), g.completionTokens()).putNull("prompt_tokens_details");
    }
}
