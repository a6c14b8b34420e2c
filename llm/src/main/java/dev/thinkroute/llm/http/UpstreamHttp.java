package dev.thinkroute.llm.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.thinkroute.core.ModelCard;
import dev.thinkroute.llm.UpstreamException;
import dev.thinkroute.llm.UpstreamException.Kind;
import dev.thinkroute.llm.UpstreamSettings;
import dev.thinkroute.llm.sse.SseEvent;
import dev.thinkroute.llm.sse.SseParser;

import javax.net.ssl.SSLException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The HTTP side of one upstream, independent of its dialect: the reused {@link HttpClient}, the key lookup, the
 * three timeouts, latency, and the mapping of failures onto {@link UpstreamException} with messages that name the
 * model and host but never the key. A dialect builds the request body and parses the answer; everything a JSON
 * over HTTP dialect (OpenAI, Ollama, Anthropic, Gemini) has in common lives here: the headers with the key
 * ({@link KeyHeader}), the call skeleton "post, map a non-2xx answer, read" ({@link #exchange}, {@link #call}),
 * reading a whole JSON answer with its latency ({@link Exchange#answer}), and reading a stream line by line or
 * SSE event by event ({@link Exchange#readLine}, {@link Exchange#readEvents}).
 *
 * <p>Timeouts: connect is the client's connect timeout; first byte is the request timeout, which the JDK client
 * stops at the response headers; total covers the body too and is enforced by a watchdog that closes the body
 * stream at the deadline, so a stalled stream fails with {@link Kind#TIMEOUT} instead of hanging.
 */
public final class UpstreamHttp implements AutoCloseable {

    /** Longest error text taken from an upstream body into a message. */
    static final int ERROR_TEXT_LIMIT = 300;
    /** Largest successful response body accepted. */
    public static final int MAX_BODY = 32 << 20;
    /** How much of an error body is read for its message. */
    public static final int MAX_ERROR_BODY = 64 << 10;
    /** The media type of JSON bodies; also what a blocking call accepts. */
    public static final String JSON_TYPE = "application/json";
    /** What a streaming call over Server-Sent Events accepts. */
    public static final String SSE_TYPE = "text/event-stream";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ModelCard card;
    private final UpstreamSettings settings;
    private final KeyHeader keyHeader;
    private final Map<String, String> fixedHeaders;
    private final HttpClient client;
    private final String where;

    /**
     * An upstream that sends its key as a bearer token.
     *
     * @throws IllegalArgumentException when the card has no base URL
     */
    public UpstreamHttp(ModelCard card, UpstreamSettings settings) {
        this(card, settings, KeyHeader.BEARER, Map.of());
    }

    /**
     * An upstream that sends its key in {@code keyHeader} and {@code fixedHeaders} with every request.
     *
     * @throws IllegalArgumentException when the card has no base URL
     */
    public UpstreamHttp(ModelCard card, UpstreamSettings settings, KeyHeader keyHeader, Map<String, String> fixedHeaders) {
        this.card = card;
        this.settings = settings;
        this.keyHeader = keyHeader;
        this.fixedHeaders = new LinkedHashMap<>(fixedHeaders);
        URI base = card.baseUrl();
        if (base == null || base.getHost() == null) {
            throw new IllegalArgumentException("model '" + card.name() + "' needs a base_url with a host, e.g. http://localhost:8000/v1");
        }
        boolean tls = "https".equalsIgnoreCase(base.getScheme());
        this.client = HttpClient.newBuilder()
                .connectTimeout(settings.connect())
                // h2 is negotiated over TLS; on plain http asking for it would send an h2c upgrade that
                // uvicorn-based servers (vLLM, SGLang) do not speak.
                .version(tls ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        int port = base.getPort() >= 0 ? base.getPort() : tls ? 443 : 80;
        this.where = "upstream '" + card.name() + "' (" + base.getHost() + ":" + port + ")";
    }

    public ModelCard card() {
        return card;
    }

    /** How messages name this upstream: {@code upstream 'qwen3-8b' (localhost:8000)}. */
    public String where() {
        return where;
    }

    /** {@code path} under the card's base URL, whether or not the base URL ends with a slash. */
    public URI resolve(String path) {
        String base = card.baseUrl().toString();
        int end = base.length();
        while (end > 0 && base.charAt(end - 1) == '/') end--;
        String p = path.startsWith("/") ? path.substring(1) : path;
        return URI.create(base.substring(0, end) + "/" + p);
    }

    /**
     * The key from the environment variable the card names, or {@code null} when the card needs none.
     *
     * @throws UpstreamException {@link Kind#NO_KEY} naming the variable when it is unset, blank or unusable
     */
    public String apiKey() throws UpstreamException {
        String env = card.apiKeyEnv();
        if (env == null || env.isBlank()) return null;
        String key = settings.env().apply(env);
        if (key == null || key.isBlank()) {
            throw new UpstreamException(Kind.NO_KEY, card.name(),
                    where + " needs an API key, but the environment variable " + env + " is not set");
        }
        key = key.strip(); // keys pasted into env files often carry a trailing newline
        if (key.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new UpstreamException(Kind.NO_KEY, card.name(),
                    where + " cannot use the key in the environment variable " + env + ": it contains control characters");
        }
        return key;
    }

    /**
     * Sends a POST and waits for the response headers (at most the first-byte timeout, or what is left of the
     * total). The returned exchange's body is guarded by the total deadline; close it when done.
     *
     * @param secret the key sent in {@code headers}, redacted from every message this exchange produces
     */
    public Exchange post(URI uri, byte[] body, Map<String, String> headers, String secret) throws UpstreamException {
        long start = System.nanoTime();
        Duration headerWait = min(settings.firstByte(), settings.total());
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(headerWait)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        HttpResponse<InputStream> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpConnectTimeoutException e) {
            throw new UpstreamException(Kind.TIMEOUT, card.name(), 0,
                    where + " could not be connected to within " + settings.connect().toMillis() + " ms", null);
        } catch (HttpTimeoutException e) {
            String which = settings.total().compareTo(settings.firstByte()) < 0 ? "total timeout" : "first-byte timeout";
            throw new UpstreamException(Kind.TIMEOUT, card.name(), 0,
                    where + " sent no response within " + headerWait.toMillis() + " ms (" + which + ")", null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw interrupted();
        } catch (IOException e) {
            throw beforeResponse(e, secret);
        }
        return new Exchange(response, start, secret);
    }

    /**
     * Posts {@code body} as JSON with {@code Accept: accept}, the fixed headers and the card's key (looked up now;
     * {@link Kind#NO_KEY} when it is missing), which is redacted from every message of the exchange.
     */
    public Exchange postJson(URI uri, JsonNode body, String accept) throws UpstreamException {
        String key = apiKey();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", accept);
        headers.putAll(fixedHeaders);
        if (key != null) headers.put(keyHeader.name(), keyHeader.prefix() + key);
        return post(uri, bytes(body), headers, key);
    }

    /**
     * One call: posts {@code body} ({@link #postJson}), turns a non-2xx answer into {@code onError}'s exception (given
     * the start of the error body), else hands the exchange to {@code reader}. The exchange is closed on the way
     * out; when the reader's sink threw, that cancels the upstream call.
     */
    public <T> T exchange(URI uri, JsonNode body, String accept, ErrorMapper onError, ExchangeReader<T> reader)
            throws UpstreamException, IOException {
        try (Exchange exchange = postJson(uri, body, accept)) {
            if (!exchange.ok()) throw onError.map(exchange, exchange.readAtMost(MAX_ERROR_BODY));
            return reader.read(exchange);
        }
    }

    /**
     * A blocking call: {@link #exchange} accepting JSON, then the whole answer read as one JSON object and handed to
     * {@code mapper} with the call's latency ({@link Exchange#answer}).
     */
    public <T> T call(URI uri, JsonNode body, ErrorMapper onError, AnswerMapper<T> mapper) throws UpstreamException {
        try {
            return exchange(uri, body, JSON_TYPE, onError, exchange -> exchange.answer(mapper));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // only a sink throws IOException, and a blocking call has none
        }
    }

    /** What a non-2xx answer becomes, given its exchange and the start of its body. */
    @FunctionalInterface
    public interface ErrorMapper {
        /** The usual mapping: {@link Exchange#httpError(byte[])}. */
        ErrorMapper HTTP_ERROR = Exchange::httpError;

        UpstreamException map(Exchange exchange, byte[] errorBody) throws UpstreamException;
    }

    /** Reads a 2xx exchange: the answer, or the stream relayed to a sink. */
    @FunctionalInterface
    public interface ExchangeReader<T> {
        T read(Exchange exchange) throws UpstreamException, IOException;
    }

    /** Maps a whole JSON answer, read in {@code latencyMs}, to a result. */
    @FunctionalInterface
    public interface AnswerMapper<T> {
        T map(Exchange exchange, JsonNode answer, long latencyMs) throws UpstreamException, IOException;
    }

    /** Handles one SSE event; returns {@code true} when the stream is complete and reading stops. */
    @FunctionalInterface
    public interface EventHandler {
        boolean onEvent(SseEvent event) throws UpstreamException, IOException;
    }

    private static byte[] bytes(JsonNode body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // a tree of plain JSON nodes always serialises
        }
    }

    private UpstreamException beforeResponse(IOException e, String secret) {
        Throwable unreachable = causeOf(e, ConnectException.class, UnknownHostException.class,
                UnresolvedAddressException.class, NoRouteToHostException.class, SSLException.class);
        String detail = redact(describe(unreachable != null ? unreachable : e), secret);
        if (unreachable != null) {
            return new UpstreamException(Kind.UNREACHABLE, card.name(), 0, where + " is unreachable: " + detail, null);
        }
        return new UpstreamException(Kind.PROTOCOL, card.name(), 0, where + " broke the connection before answering: " + detail, null);
    }

    private UpstreamException interrupted() {
        return new UpstreamException(Kind.TIMEOUT, card.name(), 0, where + " call was interrupted", null);
    }

    /**
     * The exception for a non-2xx answer: its status, and the upstream's error message from the body
     * ({@link #errorText(String)}), with the key redacted.
     */
    public UpstreamException httpError(int status, byte[] body, String secret) {
        String text = redact(errorText(new String(body, StandardCharsets.UTF_8)), secret);
        return new UpstreamException(Kind.HTTP_ERROR, card.name(), status, where + " answered " + status + ": " + text, null);
    }

    /**
     * The human-readable error in an upstream error body: {@code error.message} (OpenAI, vLLM, Anthropic, Gemini),
     * a string {@code error} (Ollama), a top-level {@code message} (vLLM before 0.6, {@code "object": "error"}),
     * FastAPI's {@code detail}, or else the start of the body.
     */
    public static String errorText(String body) {
        if (body == null || body.isBlank()) return "(empty body)";
        try {
            JsonNode json = JSON.readTree(body);
            String text = errorText(json);
            if (text != null) return clip(text);
        } catch (IOException | RuntimeException notJson) {
            // fall through to the raw text
        }
        return clip(body.strip().replaceAll("\\s+", " "));
    }

    /** The error text of a parsed error body or in-stream error frame, or {@code null} when it holds none. */
    public static String errorText(JsonNode json) {
        if (json == null || !json.isObject()) return null;
        JsonNode error = json.get("error");
        if (error != null && error.isObject()) {
            JsonNode message = error.get("message");
            if (message != null && message.isTextual() && !message.asText().isBlank()) return message.asText();
            return error.toString();
        }
        if (error != null && error.isTextual() && !error.asText().isBlank()) return error.asText();
        JsonNode message = json.get("message");
        if (message != null && message.isTextual() && !message.asText().isBlank()) return message.asText();
        JsonNode detail = json.get("detail");
        if (detail != null && detail.isTextual()) return detail.asText();
        if (detail != null && detail.isArray()) {
            StringBuilder out = new StringBuilder();
            for (JsonNode d : detail) {
                if (!out.isEmpty()) out.append("; ");
                out.append(d.hasNonNull("msg") ? d.get("msg").asText() : d.toString());
            }
            return out.toString();
        }
        return null;
    }

    /** {@code text} with every occurrence of {@code secret} replaced by {@code ***}. */
    public static String redact(String text, String secret) {
        if (text == null || secret == null || secret.isEmpty()) return text;
        return text.replace(secret, "***");
    }

    /** {@code text} cut to the length error messages quote of an upstream's answer. */
    public static String clip(String text) {
        return text.length() <= ERROR_TEXT_LIMIT ? text : text.substring(0, ERROR_TEXT_LIMIT) + "…";
    }

    @SafeVarargs
    private static Throwable causeOf(Throwable e, Class<? extends Throwable>... types) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            for (Class<? extends Throwable> type : types) {
                if (type.isInstance(t)) return t;
            }
            if (t.getCause() == t) break;
        }
        return null;
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        String name = t.getClass().getSimpleName();
        return m == null || m.isBlank() ? name : name.equals("IOException") ? m : name + ": " + m;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Shuts the HTTP client down, aborting calls still in flight. */
    @Override
    public void close() {
        client.shutdownNow();
    }

    /**
     * One response being read. Its body is closed by a watchdog at the total deadline (then reads fail and
     * {@link #failure(IOException)} reports {@link Kind#TIMEOUT}); closing the exchange early cancels the call.
     */
    public final class Exchange implements AutoCloseable {

        private final HttpResponse<InputStream> response;
        private final InputStream body;
        private final long startNanos;
        private final String secret;
        private final AtomicBoolean timedOut = new AtomicBoolean();
        private final ScheduledFuture<?> watchdog;
        private BufferedReader lines;

        private Exchange(HttpResponse<InputStream> response, long startNanos, String secret) throws UpstreamException {
            this.response = response;
            this.body = response.body();
            this.startNanos = startNanos;
            this.secret = secret;
            long left = settings.total().toNanos() - (System.nanoTime() - startNanos);
            if (left <= 0) {
                cancel();
                throw totalTimeout();
            }
            this.watchdog = Deadlines.SCHEDULER.schedule(() -> {
                timedOut.set(true);
                cancel();
            }, left, TimeUnit.NANOSECONDS);
        }

        public int status() {
            return response.statusCode();
        }

        public boolean ok() {
            return status() / 100 == 2;
        }

        /** The response's media type, lower case without parameters, or {@code ""}. */
        public String mediaType() {
            String type = response.headers().firstValue("Content-Type").orElse("");
            int semi = type.indexOf(';');
            return (semi >= 0 ? type.substring(0, semi) : type).strip().toLowerCase(Locale.ROOT);
        }

        /** The body as it arrives; read it on the calling thread. */
        public InputStream body() {
            return body;
        }

        /** Milliseconds since the request was sent; called after the last read, the call's latency. */
        public long elapsedMs() {
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        }

        /** Reads the whole body, failing with {@link Kind#PROTOCOL} beyond {@code limit} bytes. */
        public byte[] readAll(int limit) throws UpstreamException {
            try {
                byte[] bytes = body.readNBytes(limit + 1);
                if (bytes.length > limit) {
                    throw new UpstreamException(Kind.PROTOCOL, card.name(), where + " sent a response larger than " + limit + " bytes");
                }
                return bytes;
            } catch (IOException e) {
                throw failure(e);
            }
        }

        /**
         * Reads the whole body (at most {@link #MAX_BODY}) as one JSON object, takes the latency when the last byte
         * is in, and maps it with {@code mapper}.
         */
        public <T> T answer(AnswerMapper<T> mapper) throws UpstreamException, IOException {
            byte[] answer = readAll(MAX_BODY);
            long latency = elapsedMs();
            return mapper.map(this, parse(answer, false), latency);
        }

        /** Reads the whole body (at most {@link #MAX_BODY}) as JSON: one object, or an array. */
        public JsonNode readJsonObjectOrArray() throws UpstreamException {
            return parse(readAll(MAX_BODY), true);
        }

        private JsonNode parse(byte[] answer, boolean arrays) throws UpstreamException {
            try {
                JsonNode json = JSON.readTree(answer);
                if (json == null || !(json.isObject() || arrays && json.isArray())) {
                    throw protocol("sent a response that is not a JSON object");
                }
                return json;
            } catch (IOException e) {
                String start = new String(answer, 0, Math.min(answer.length, 100), StandardCharsets.UTF_8);
                throw protocol("sent a response that is not JSON: " + start.strip());
            }
        }

        /**
         * The next line of the body (UTF-8, any line ending), or {@code null} at its end. A failed read becomes
         * {@link #failure(IOException)}; a sink's IOException is never caught here, it propagates as is.
         */
        public String readLine() throws UpstreamException {
            if (lines == null) lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
            try {
                return lines.readLine();
            } catch (IOException e) {
                throw failure(e);
            }
        }

        /**
         * Reads the body as Server-Sent Events, handing each to {@code handler} until it reports the stream complete
         * or the body ends (an unterminated last event is still handed over, see {@link SseParser#end()}).
         */
        public void readEvents(EventHandler handler) throws UpstreamException, IOException {
            SseParser parser = new SseParser();
            while (true) {
                String line = readLine();
                SseEvent event = line == null ? parser.end() : parser.line(line);
                if (event != null && handler.onEvent(event)) return;
                if (line == null) return;
            }
        }

        /**
         * One stream {@code unit} ("event", "line") parsed as a JSON object, else {@link Kind#PROTOCOL} quoting its
         * start.
         */
        public JsonNode streamObject(String text, String unit) throws UpstreamException {
            JsonNode json;
            try {
                json = JSON.readTree(text);
            } catch (IOException e) {
                throw protocol("sent a stream " + unit + " that is not JSON: " + clip(text.strip()));
            }
            if (json == null || !json.isObject()) throw protocol("sent a stream " + unit + " that is not a JSON object");
            return json;
        }

        /** The message of an error object met in a 2xx answer or a stream, clipped, with the key redacted. */
        public String errorText(JsonNode errorObject) {
            String text = UpstreamHttp.errorText(errorObject);
            return redact(clip(text != null ? text : errorObject.toString()));
        }

        /** Reads at most {@code limit} bytes of the body (enough of an error body), dropping the rest. */
        public byte[] readAtMost(int limit) throws UpstreamException {
            try {
                return body.readNBytes(limit);
            } catch (IOException e) {
                throw failure(e);
            }
        }

        /**
         * Maps a failed read: {@link Kind#TIMEOUT} when the watchdog closed the body, {@link Kind#PROTOCOL} when the
         * connection broke.
         */
        public UpstreamException failure(IOException e) {
            if (timedOut.get()) return totalTimeout();
            if (Thread.currentThread().isInterrupted()) return interrupted();
            return new UpstreamException(Kind.PROTOCOL, card.name(), 0,
                    where + " broke the connection while answering: " + UpstreamHttp.redact(describe(e), secret), null);
        }

        /** A protocol error in this exchange's answer, with the key redacted from {@code detail}. */
        public UpstreamException protocol(String detail) {
            return new UpstreamException(Kind.PROTOCOL, card.name(), 0, where + " " + UpstreamHttp.redact(detail, secret), null);
        }

        /** The {@link Kind#HTTP_ERROR} for this exchange's non-2xx status and body. */
        public UpstreamException httpError(byte[] errorBody) {
            return UpstreamHttp.this.httpError(status(), errorBody, secret);
        }

        /** {@code text} with this exchange's key redacted. */
        public String redact(String text) {
            return UpstreamHttp.redact(text, secret);
        }

        private UpstreamException totalTimeout() {
            return new UpstreamException(Kind.TIMEOUT, card.name(), 0,
                    where + " did not finish within " + settings.total().toMillis() + " ms (total timeout)", null);
        }

        /** Aborts the call: the body stops, and on HTTP/1.1 the connection is closed. Safe from any thread. */
        public void cancel() {
            try {
                body.close();
            } catch (IOException | RuntimeException ignored) {
                // closing is best effort; the read side reports what happened
            }
        }

        @Override
        public void close() {
            if (watchdog != null) watchdog.cancel(false);
            cancel();
        }
    }

    /** One daemon thread for all deadlines: a deadline's work is only closing a stream. */
    private static final class Deadlines {
        static final ScheduledExecutorService SCHEDULER;

        static {
            ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "thinkroute-upstream-deadline");
                t.setDaemon(true);
                return t;
            });
            executor.setRemoveOnCancelPolicy(true); // finished calls must not leave their deadlines queued
            SCHEDULER = executor;
        }
    }
}
