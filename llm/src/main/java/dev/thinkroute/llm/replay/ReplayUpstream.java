package dev.thinkroute.llm.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thinkroute.core.ModelCard;
import dev.thinkroute.core.TokenEstimator;
import dev.thinkroute.core.Usage;
import dev.thinkroute.llm.ChatCall;
import dev.thinkroute.llm.ChatResult;
import dev.thinkroute.llm.StreamEvent;
import dev.thinkroute.llm.StreamSink;
import dev.thinkroute.llm.Upstream;
import dev.thinkroute.llm.UpstreamException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The embedded upstream of {@code dialect: replay} cards: answers from a recorded {@link OutcomeTable}, so thinkroute
 * runs (and its router can be evaluated) with no model server. The card's {@code upstreamModel} names the recorded
 * model column, e.g. {@code gpt-4-1106-preview}.
 *
 * <p>A call answers the text of the <em>last</em> user message (a string, or the {@code text} parts of a content
 * array, concatenated), matched as {@link OutcomeTable} documents; earlier messages only count towards input tokens.
 * The recorded answer comes back verbatim with {@code finish_reason} {@code stop}, no reasoning (the thinking
 * setting does not change a recording), usage estimated with {@link TokenEstimator} (input: every message's text plus
 * {@value #TOKENS_PER_MESSAGE} tokens per message for the chat template; output: the answer) and the recorded score
 * as {@link ChatResult#recordedScore()}. A prompt the table lacks fails with {@link UpstreamException.Kind#NOT_RECORDED}.
 *
 * <p>{@code max_completion_tokens} / {@code max_tokens} (the smaller, when both are given) below the answer's
 * estimated length cut the answer at the last word boundary that fits the estimate (mid-word only when not even the
 * first word fits), with {@code finish_reason} {@code length}, as a server would; the recorded score still describes
 * the whole answer.
 *
 * <p>Streaming sends the same content as deltas of {@value #WORDS_PER_CHUNK} words each (a word with the whitespace
 * before it, so the pieces concatenate to the content exactly), then the finish, then the usage, without delays.
 * Stateless and thread-safe.
 */
public final class ReplayUpstream implements Upstream {

    /** Words per streamed delta. */
    static final int WORDS_PER_CHUNK = 3;
    /** Template tokens charged per message on top of its text (role markers, separators). */
    static final int TOKENS_PER_MESSAGE = 4;

    private static final int PREVIEW_CHARS = 60;
    private static final int EXAMPLE_CHARS = 80;
    // A word with the whitespace before it: the unit a tokeniser-driven stream tends to send.
    private static final Pattern WORD = Pattern.compile("\\s*\\S+");
    private static final Pattern WORD_END = Pattern.compile("\\S(?=\\s)");

    private final ModelCard card;
    private final OutcomeTable table;
    private final String model;

    /**
     * @throws IllegalArgumentException when the table does not hold the card's {@code upstreamModel}, or the card
     *                                  names a different table
     */
    public ReplayUpstream(ModelCard card, OutcomeTable table) {
        this.card = Objects.requireNonNull(card, "card");
        this.table = Objects.requireNonNull(table, "table");
        this.model = card.upstreamModel();
        if (card.table() != null && !card.table().isBlank() && !card.table().strip().equals(table.name())) {
            throw new IllegalArgumentException("replay model '" + card.name() + "' names table '" + card.table()
                    + "' but was given table '" + table.name() + "'");
        }
        if (!table.models().contains(model)) {
            throw new IllegalArgumentException("replay model '" + card.name() + "' answers as recorded model '" + model
                    + "', which table '" + table.name() + "' does not hold; its models: " + String.join(", ", table.models())
                    + " (set the card's upstream model to one of them)");
        }
    }

    @Override
    public ModelCard card() {
        return card;
    }

    /** The table this upstream answers from. */
    public OutcomeTable table() {
        return table;
    }

    @Override
    public ChatResult complete(ChatCall call) throws UpstreamException {
        long start = System.nanoTime();
        Reply reply = reply(call);
        return reply.result(elapsedMs(start));
    }

    @Override
    public ChatResult stream(ChatCall call, StreamSink sink) throws UpstreamException, IOException {
        Objects.requireNonNull(sink, "sink");
        long start = System.nanoTime();
        Reply reply = reply(call);
        // An IOException from the sink (client gone) propagates at once: nothing more is sent.
        for (String piece : chunks(reply.content(), WORDS_PER_CHUNK)) {
            sink.accept(new StreamEvent.Delta(piece, null, null));
        }
        sink.accept(new StreamEvent.Finish(reply.finishReason()));
        sink.accept(new StreamEvent.UsageReport(reply.usage()));
        return reply.result(elapsedMs(start));
    }

    private record Reply(String content, String finishReason, Usage usage, Double score) {
        ChatResult result(long latencyMs) {
            return new ChatResult(content, null, null, finishReason, usage, latencyMs, score);
        }
    }

    private Reply reply(ChatCall call) throws UpstreamException {
        ObjectNode body = call.body();
        JsonNode messages = body.get("messages");
        JsonNode lastUser = null;
        long inputTokens = 0;
        if (messages != null && messages.isArray()) {
            for (JsonNode message : messages) {
                inputTokens += TOKENS_PER_MESSAGE + TokenEstimator.estimate(joinedText(message.get("content"), "\n"));
                if ("user".equals(message.path("role").asText())) lastUser = message;
            }
        }
        if (lastUser == null) {
            throw new UpstreamException(UpstreamException.Kind.NOT_RECORDED, card.name(), "replay model '" + card.name()
                    + "' answers the last user message, and the request has none");
        }
        List<String> candidates = promptCandidates(lastUser.get("content"));
        if (candidates.isEmpty()) {
            throw new UpstreamException(UpstreamException.Kind.NOT_RECORDED, card.name(), "replay model '" + card.name()
                    + "' answers the text of the last user message, and it has none");
        }
        Optional<RecordedAnswer> found = Optional.empty();
        for (String prompt : candidates) {
            found = table.lookup(model, prompt);
            if (found.isPresent()) break;
        }
        if (found.isEmpty()) throw notRecorded(candidates.getFirst());

        RecordedAnswer answer = found.get();
        String content = answer.text();
        String finish = "stop";
        long outputTokens = TokenEstimator.estimate(content);
        long limit = maxTokens(body);
        if (limit > 0 && outputTokens > limit) {
            content = truncate(content, limit);
            outputTokens = TokenEstimator.estimate(content);
            finish = "length";
        }
        return new Reply(content, finish, new Usage(inputTokens, outputTokens, 0, true), answer.score());
    }

    private UpstreamException notRecorded(String prompt) {
        List<String> prompts = table.prompts();
        String example = prompts.isEmpty() ? "" : ", e.g. \"" + PromptText.preview(prompts.getFirst(), EXAMPLE_CHARS) + "\"";
        return new UpstreamException(UpstreamException.Kind.NOT_RECORDED, card.name(), "replay model '" + card.name()
                + "' has no recorded answer in table '" + table.name() + "' for this prompt ("
                + PromptText.preview(prompt, PREVIEW_CHARS) + "); the table holds " + table.size() + " prompts" + example);
    }

    /**
     * The texts to look the prompt up by. For a content array, the text parts concatenated as they are and, should a
     * client have split the prompt at a word boundary without a space, also joined with a newline (which
     * normalisation turns into one space).
     */
    static List<String> promptCandidates(JsonNode content) {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        String direct = joinedText(content, "");
        if (direct != null && !direct.isBlank()) out.add(direct);
        if (content != null && content.isArray()) {
            String spaced = joinedText(content, "\n");
            if (spaced != null && !spaced.isBlank()) out.add(spaced);
        }
        return List.copyOf(out);
    }

    /** A message content's text: the string itself, or an array's {@code text} parts joined by {@code sep}. */
    static String joinedText(JsonNode content, String sep) {
        if (content == null || content.isNull()) return null;
        if (content.isTextual()) return content.textValue();
        if (!content.isArray()) return null;
        List<String> parts = new ArrayList<>();
        for (JsonNode part : content) {
            JsonNode text = part.get("text");
            String type = part.path("type").asText("text");
            if (text != null && text.isTextual() && "text".equals(type)) parts.add(text.textValue());
        }
        return parts.isEmpty() ? null : String.join(sep, parts);
    }

    /** The smaller positive one of {@code max_completion_tokens} and {@code max_tokens}, or 0 when neither is set. */
    static long maxTokens(ObjectNode body) {
        long limit = 0;
        for (String field : List.of("max_completion_tokens", "max_tokens")) {
            JsonNode n = body.get(field);
            if (n != null && n.isIntegralNumber() && n.asLong() > 0) {
                limit = limit == 0 ? n.asLong() : Math.min(limit, n.asLong());
            }
        }
        return limit;
    }

    /**
     * The longest prefix ending at a word end whose estimate fits {@code limit} tokens; when not even the first word
     * fits, the longest character prefix that does. Binary search, since the estimate grows with the prefix.
     */
    static String truncate(String text, long limit) {
        if (TokenEstimator.estimate(text) <= limit) return text;
        List<Integer> ends = new ArrayList<>();
        Matcher m = WORD_END.matcher(text);
        while (m.find()) ends.add(m.end());
        ends.add(text.length());
        int lo = 0, hi = ends.size() - 1, best = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (TokenEstimator.estimate(text.substring(0, ends.get(mid))) <= limit) {
                best = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (best >= 0) return text.substring(0, ends.get(best));
        int lowLen = 0, highLen = ends.getFirst();
        while (lowLen < highLen) {
            int mid = (lowLen + highLen + 1) >>> 1;
            if (TokenEstimator.estimate(text.substring(0, mid)) <= limit) lowLen = mid;
            else highLen = mid - 1;
        }
        if (lowLen > 0 && Character.isHighSurrogate(text.charAt(lowLen - 1))) lowLen--;
        return text.substring(0, lowLen);
    }

    /** {@code text} in pieces of {@code words} words each (whitespace kept), concatenating back to {@code text}. */
    static List<String> chunks(String text, int words) {
        List<String> out = new ArrayList<>();
        if (text == null || text.isEmpty()) return out;
        Matcher m = WORD.matcher(text);
        int pieceStart = 0, inPiece = 0, end = 0;
        while (m.find()) {
            end = m.end();
            if (++inPiece == words) {
                out.add(text.substring(pieceStart, end));
                pieceStart = end;
                inPiece = 0;
            }
        }
        if (pieceStart < text.length()) {
            // Left-over words, or trailing whitespace: joined to the last piece rather than sent alone.
            if (inPiece == 0 && !out.isEmpty()) out.set(out.size() - 1, out.getLast() + text.substring(pieceStart));
            else out.add(text.substring(pieceStart));
        }
        return out;
    }

    private static long elapsedMs(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
