package dev.thinkroute.eval.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The responses of one run directory, kept in {@code <dir>/responses.jsonl} so an interrupted run resumes where it
 * stopped. One JSON object per line, keyed by (dataset, example id, arm label); append-only, each record written in one
 * {@code write} straight to the file (no user-space buffer), so a killed run loses at most the record in flight. On
 * reopen a torn last line (no newline, or not JSON) is dropped with a warning and cut off the file, so the next record
 * starts on a line of its own; a later record for a key replaces an earlier one (a failure answered on a resume).
 * Thread-safe.
 */
public final class ResponseCache implements AutoCloseable {

    /** The file name inside the run directory. */
    public static final String FILE_NAME = "responses.jsonl";

    private static final System.Logger LOG = System.getLogger(ResponseCache.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a response is filed under. */
    public record Key(String dataset, String exampleId, String arm) {
        public Key {
            Objects.requireNonNull(dataset, "dataset");
            Objects.requireNonNull(exampleId, "exampleId");
            Objects.requireNonNull(arm, "arm");
        }
    }

    /** Why a call failed: the {@code UpstreamException.Kind} name (or {@code ERROR}), the HTTP status or 0, the message. */
    public record Failure(String kind, int status, String message) {
        public Failure {
            Objects.requireNonNull(kind, "kind");
            message = message == null ? "" : message;
        }
    }

    /**
     * One call's response as cached: either an answer or a {@link #failure()}.
     *
     * @param content         the answer text ({@code null} for a failure or a tool-only answer)
     * @param reasoning       the reasoning text, or {@code null}
     * @param inputTokens     prompt tokens
     * @param outputTokens    generated tokens, reasoning included
     * @param reasoningTokens the reasoning part of {@code outputTokens}
     * @param usageEstimated  whether the counts were estimated rather than reported
     * @param costUsd         at the card's prices when the call was made
     * @param latencyMs       of the last (successful or final failed) attempt, backoff excluded
     * @param finishReason    {@code stop}, {@code length}…, or {@code null}
     * @param attempts        calls made for this record (1 = no retry)
     * @param failure         why the call failed after its retries, or {@code null} for an answer
     */
    public record Record(String content, String reasoning, long inputTokens, long outputTokens, long reasoningTokens,
                         boolean usageEstimated, double costUsd, long latencyMs, String finishReason, int attempts,
                         Failure failure) {

        public boolean failed() {
            return failure != null;
        }

        /** A failed call: no answer, no tokens. */
        public static Record failed(Failure failure, long latencyMs, int attempts) {
            return new Record(null, null, 0, 0, 0, false, 0, latencyMs, null, attempts, Objects.requireNonNull(failure));
        }
    }

    private final Path file;
    private final FileChannel out;
    private final Map<Key, Record> records = new ConcurrentHashMap<>();
    private final List<String> warnings = new ArrayList<>();

    private ResponseCache(Path file, FileChannel out) {
        this.file = file;
        this.out = out;
    }

    /** Opens (creating when needed) the cache of run directory {@code dir}, reading back what it holds. */
    public static ResponseCache open(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        try {
            Files.createDirectories(dir);
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            ResponseCache cache = new ResponseCache(file, ch);
            try {
                cache.load();
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
            return cache;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open response cache " + file + ": " + e, e);
        }
    }

    private void load() throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int start = 0;
        int lineNo = 0;
        long validEnd = 0;
        while (start < bytes.length) {
            int nl = indexOf(bytes, (byte) '\n', start);
            lineNo++;
            if (nl < 0) {
                // No newline: the write of this record was cut off. Drop it and cut it off the file.
                warn(file + ":" + lineNo + ": torn last record (" + (bytes.length - start)
                        + " bytes, from an interrupted write); dropping it");
                break;
            }
            String line = new String(bytes, start, nl - start, StandardCharsets.UTF_8);
            start = nl + 1;
            validEnd = start;
            if (line.isBlank()) continue;
            try {
                parse(line);
            } catch (JsonProcessingException | RuntimeException e) {
                // A complete line that does not parse can only come from outside editing; keep the rest usable.
                warn(file + ":" + lineNo + ": unreadable record, ignored: " + e.getMessage());
            }
        }
        if (validEnd < bytes.length) out.truncate(validEnd);
        out.position(validEnd);
    }

    private void parse(String line) throws JsonProcessingException {
        JsonNode n = JSON.readTree(line);
        if (n == null || !n.isObject()) throw new IllegalArgumentException("not a JSON object");
        Key key = new Key(text(n, "dataset", true), text(n, "id", true), text(n, "arm", true));
        JsonNode err = n.get("error");
        Failure failure = err == null || err.isNull() ? null
                : new Failure(text(err, "kind", true), err.path("status").asInt(0), text(err, "message", false));
        records.put(key, new Record(text(n, "content", false), text(n, "reasoning", false),
                n.path("input_tokens").asLong(0), n.path("output_tokens").asLong(0),
                n.path("reasoning_tokens").asLong(0), n.path("usage_estimated").asBoolean(false),
                n.path("cost_usd").asDouble(0), n.path("latency_ms").asLong(0), text(n, "finish_reason", false),
                n.path("attempts").asInt(1), failure));
    }

    private static String text(JsonNode n, String field, boolean required) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (required) throw new IllegalArgumentException("missing " + field);
            return null;
        }
        return v.asText();
    }

    private void warn(String message) {
        LOG.log(System.Logger.Level.WARNING, message);
        synchronized (warnings) {
            warnings.add(message);
        }
    }

    private static int indexOf(byte[] b, byte v, int from) {
        for (int i = from; i < b.length; i++) if (b[i] == v) return i;
        return -1;
    }

    /** The cached record for {@code key}, if any. */
    public Optional<Record> get(Key key) {
        return Optional.ofNullable(records.get(key));
    }

    /** Appends {@code record} under {@code key} and writes it through before returning. */
    public void put(Key key, Record record) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(record, "record");
        ObjectNode n = JSON.createObjectNode();
        n.put("dataset", key.dataset());
        n.put("id", key.exampleId());
        n.put("arm", key.arm());
        n.put("content", record.content());
        n.put("reasoning", record.reasoning());
        n.put("finish_reason", record.finishReason());
        n.put("input_tokens", record.inputTokens());
        n.put("output_tokens", record.outputTokens());
        n.put("reasoning_tokens", record.reasoningTokens());
        n.put("usage_estimated", record.usageEstimated());
        n.put("cost_usd", record.costUsd());
        n.put("latency_ms", record.latencyMs());
        n.put("attempts", record.attempts());
        if (record.failure() != null) {
            ObjectNode e = n.putObject("error");
            e.put("kind", record.failure().kind());
            e.put("status", record.failure().status());
            e.put("message", record.failure().message());
        }
        byte[] line;
        try {
            // Jackson escapes newlines inside strings, so one record is always one line.
            line = (JSON.writeValueAsString(n) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a cache record", e);
        }
        synchronized (out) {
            try {
                ByteBuffer buf = ByteBuffer.wrap(line);
                while (buf.hasRemaining()) out.write(buf);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot append to response cache " + file + ": " + e, e);
            }
            records.put(key, record);
        }
    }

    /** How many keys have a record. */
    public int size() {
        return records.size();
    }

    /** The cache file. */
    public Path file() {
        return file;
    }

    /** Problems met when the file was read back ({@code file:line: why}); empty for a clean file. */
    public List<String> warnings() {
        synchronized (warnings) {
            return List.copyOf(warnings);
        }
    }

    @Override
    public void close() {
        synchronized (out) {
            try {
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close response cache " + file + ": " + e, e);
            }
        }
    }
}
