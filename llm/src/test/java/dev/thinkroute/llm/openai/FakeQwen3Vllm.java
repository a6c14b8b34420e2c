package dev.thinkroute.llm.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A fake {@code vllm serve Qwen/Qwen3-8B --reasoning-parser qwen3 --reasoning-config '{"reasoning_start_str":
 * "<think>","reasoning_end_str":"</think>"}'}: a model that thinks a fixed script token by token, closes with
 * {@code </think>} and answers, and a server that honours what the budget techniques rely on, in vLLM's shapes
 * (vllm/entrypoints/openai/chat_completion/protocol.py, vllm/reasoning/qwen3_reasoning_parser.py):
 * <ul>
 *   <li>{@code chat_template_kwargs.enable_thinking} (default true) and the {@code /no_think} soft switch;</li>
 *   <li>{@code max_completion_tokens} (preferred) or {@code max_tokens}: generation stops there with
 *       {@code finish_reason: "length"};</li>
 *   <li>{@code thinking_token_budget}: after that many reasoning tokens the server forces {@code </think>};</li>
 *   <li>{@code stop} (a string or a list): generation ends as soon as the generated text (reasoning, {@code </think>}
 *       and answer alike; never the prompt or a continued message) contains one of them, with
 *       {@code finish_reason: "stop"}; the stop string is left out of the output unless
 *       {@code include_stop_str_in_output}, and the token that completed it still counts in
 *       {@code completion_tokens}, as in vLLM (SamplingParams: "The returned output will not contain the stop
 *       strings", https://docs.vllm.ai/en/v0.8.3/api/inference_params.html; the engine cuts
 *       {@code output_text[:-len(stop_str)]} and finishes the sequence as stopped, vllm-project/vllm#1097;
 *       tests/detokenizer/test_stop_reason.py expects {@code finish_reason == "stop"} for a stop string);</li>
 *   <li>{@code continue_final_message}: the last (assistant) message is continued where it ends; sending it together
 *       with {@code add_generation_prompt: true} is a 400, as vLLM's validator has it;</li>
 *   <li>the reasoning parser: text before {@code </think>} is reasoning; with thinking enabled and no
 *       {@code </think>} in the output, everything is reasoning (a cut chain of thought), with thinking disabled it is
 *       content;</li>
 *   <li>{@code reasoning_effort}: low thinks {@link #LOW_EFFORT_TOKENS} tokens, medium {@link #MEDIUM_EFFORT_TOKENS},
 *       otherwise the whole script;</li>
 *   <li>the message carries the reasoning in {@code reasoning} (current vLLM) or {@code reasoning_content} (before
 *       0.10), deltas likewise; usage is vLLM's {@code UsageInfo} (no {@code completion_tokens_details}), sent in a
 *       final chunk with empty choices when {@code stream_options.include_usage}.</li>
 * </ul>
 * One generated token is one word with its trailing space; {@code </think>} is one token.
 */
final class FakeQwen3Vllm extends Dispatcher {

    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> REASONING = tokens(
            "Okay, the user asks what 2+2 is. Two plus two makes four. Let me double-check: two and two, counting up"
                    + " from two gives three, then four. So 2+2=4. The user wants a short answer, so I should state it"
                    + " plainly without extra words.");
    static final List<String> ANSWER = tokens("The answer is 4.");
    static final String ANSWER_TEXT = String.join("", ANSWER);
    static final int LOW_EFFORT_TOKENS = 5;
    static final int MEDIUM_EFFORT_TOKENS = 20;

    private final String reasoningField;
    private volatile boolean ignoreStop;
    private final List<JsonNode> received = Collections.synchronizedList(new ArrayList<>());

    /** @param reasoningField {@code reasoning} (vLLM 0.10 and later) or {@code reasoning_content} (earlier) */
    FakeQwen3Vllm(String reasoningField) {
        this.reasoningField = reasoningField;
    }

    /** From now on plays a server that ignores {@code stop} (some OpenAI-compatible servers drop unknown stops). */
    FakeQwen3Vllm ignoringStop() {
        ignoreStop = true;
        return this;
    }

    /** The request bodies, in order. */
    List<JsonNode> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
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

    /** What one request makes the model generate. */
    record Generation(List<String> reasoningTokens, List<String> contentTokens, String finish, int completionTokens,
                      int promptTokens) {
        String reasoning() {
            return reasoningTokens.isEmpty() ? null : String.join("", reasoningTokens);
        }

        String content() {
            return contentTokens.isEmpty() ? null : String.join("", contentTokens);
        }
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        JsonNode body;
        try {
            body = JSON.readTree(request.getBody().utf8());
        } catch (IOException e) {
            return Vllm.json(400, Vllm.error("invalid JSON", "BadRequestError", 400));
        }
        received.add(body);
        boolean stream = body.path("stream").asBoolean(false);
        if (body.hasNonNull("stream_options") && !stream) {
            return Vllm.json(400, Vllm.error("Stream options can only be defined when `stream=True`.", "BadRequestError", 400));
        }
        if (body.path("continue_final_message").asBoolean(false) && body.path("add_generation_prompt").asBoolean(false)) {
            return Vllm.json(400, Vllm.error(
                    "Cannot set both `continue_final_message` and `add_generation_prompt` to True.", "BadRequestError", 400));
        }
        Generation g = generate(body);
        if (g == null) {
            return Vllm.json(400, Vllm.error("continue_final_message is set but the last message is not the assistant's",
                    "BadRequestError", 400));
        }
        return stream ? streamed(body, g) : Vllm.json(200, Vllm.completion(messageFields(g), g.finish(),
                Vllm.usage(g.promptTokens(), g.completionTokens())));
    }

    private Generation generate(JsonNode body) {
        JsonNode messages = body.path("messages");
        // Qwen3's switch; a DeepSeek V3.1 template reads "thinking" instead (the fake then plays that model).
        JsonNode kwargs = body.path("chat_template_kwargs");
        boolean thinking = kwargs.has("enable_thinking") ? kwargs.get("enable_thinking").asBoolean()
                : kwargs.path("thinking").asBoolean(true);
        String lastUser = "";
        for (JsonNode m : messages) {
            if ("user".equals(m.path("role").asText())) lastUser = text(m.path("content"));
        }
        if (lastUser.strip().endsWith("/no_think")) thinking = false;
        int scriptLength = switch (body.path("reasoning_effort").asText("")) {
            case "low" -> LOW_EFFORT_TOKENS;
            case "medium" -> MEDIUM_EFFORT_TOKENS;
            default -> REASONING.size();
        };
        List<String> script = REASONING.subList(0, scriptLength);

        // Where the model stands: a fresh turn starts thinking (or answering); a continued one resumes its message.
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
        JsonNode stop = ignoreStop ? JSON.nullNode() : body.path("stop");
        if (stop.isTextual()) stops.add(stop.asText());
        for (JsonNode x : stop.isArray() ? stop : JSON.createArrayNode()) stops.add(x.asText());
        boolean includeStop = body.path("include_stop_str_in_output").asBoolean(false);

        List<String> reasoning = new ArrayList<>();
        List<String> content = new ArrayList<>();
        List<String> parts = new ArrayList<>(); // every generated token's text, </think> included, in order
        List<Character> kinds = new ArrayList<>(); // per token: 'r' reasoning, 'c' content, '/' the </think> token
        StringBuilder text = new StringBuilder();
        boolean closedHere = false;
        int generated = 0;
        int thoughtHere = 0;
        String finish = "stop";
        while (true) {
            boolean more = inThink || answerDone < ANSWER.size();
            if (!more) break;
            if (max != null && generated >= max) {
                finish = "length";
                break;
            }
            generated++;
            String token;
            char kind;
            if (inThink) {
                boolean forced = budget != null && thoughtHere >= budget;
                if (reasoningDone < script.size() && !forced) {
                    token = script.get(reasoningDone++);
                    kind = 'r';
                    thoughtHere++;
                } else {
                    inThink = false; // the </think> token: by choice, or forced by thinking_token_budget
                    token = "</think>";
                    kind = '/';
                }
            } else {
                token = ANSWER.get(answerDone++);
                kind = 'c';
            }
            parts.add(token);
            kinds.add(kind);
            text.append(token);
            int cut = -1;
            for (String s : stops) {
                int at = s.isEmpty() ? -1 : text.indexOf(s);
                if (at >= 0 && (cut < 0 || at < cut)) cut = includeStop ? at + s.length() : at;
            }
            if (cut >= 0) {
                trim(parts, cut);
                kinds.subList(parts.size(), kinds.size()).clear();
                break; // finish stays "stop"
            }
        }
        for (int i = 0; i < parts.size(); i++) {
            switch (kinds.get(i)) {
                case 'r' -> reasoning.add(parts.get(i));
                case 'c' -> content.add(parts.get(i));
                default -> closedHere = true;
            }
        }
        if (continuing && !closedHere && reasoning.isEmpty() && thinking) {
            // qwen3 parser, thinking enabled, no </think> in this output: it reads all of it as a cut chain of thought.
            reasoning = content;
            content = List.of();
        }
        return new Generation(reasoning, content, finish, generated, promptTokens(messages));
    }

    /** Cuts the generated tokens' text down to its first {@code length} characters (a stop string's cut). */
    private static void trim(List<String> parts, int length) {
        int at = 0;
        for (int i = 0; i < parts.size(); i++) {
            String p = parts.get(i);
            if (at + p.length() <= length) {
                at += p.length();
                continue;
            }
            String kept = p.substring(0, length - at);
            parts.subList(i, parts.size()).clear();
            if (!kept.isEmpty() && !p.equals("</think>")) parts.add(kept); // a token is atomic only as </think>
            return;
        }
    }

    private static int promptTokens(JsonNode messages) {
        int n = 0;
        for (JsonNode m : messages) {
            String t = text(m.path("content")).strip();
            n += 4 + (t.isEmpty() ? 0 : t.split("\\s+").length);
        }
        return n + 3;
    }

    private static String text(JsonNode content) {
        if (content.isTextual()) return content.asText();
        StringBuilder out = new StringBuilder();
        for (JsonNode part : content) out.append(part.path("text").asText(""));
        return out.toString();
    }

    private String messageFields(Generation g) {
        return "\"content\":" + (g.content() == null ? "null" : Vllm.quote(g.content()))
                + ",\"" + reasoningField + "\":" + (g.reasoning() == null ? "null" : Vllm.quote(g.reasoning()))
                + ",\"tool_calls\":[]";
    }

    private MockResponse streamed(JsonNode body, Generation g) {
        SseBody sse = new SseBody().data(Vllm.roleChunk());
        for (String t : g.reasoningTokens()) sse.data(Vllm.chunk("{\"" + reasoningField + "\":" + Vllm.quote(t) + "}", null));
        for (String t : g.contentTokens()) sse.data(Vllm.content(t));
        sse.data(Vllm.finish(g.finish()));
        if (body.path("stream_options").path("include_usage").asBoolean(false)) {
            sse.data(Vllm.usageChunk(g.promptTokens(), g.completionTokens()));
        }
        return sse.done().response();
    }
}
