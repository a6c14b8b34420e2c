package dev.thinkroute.eval.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback OpenAI Chat Completions server for GSM8K-like questions {@link #question(int) "Q{i}: ... {a} apples ...
 * {b} more"}. Model {@code strong} answers a+b; {@code weak} answers a+b+1 when i%3==0 and something unreadable when
 * i%10==7. Failures depend only on how many times this (model, i) was asked, so they do not depend on scheduling:
 * <ul>
 *   <li>strong, i==20: always 400 (fails without retry);</li>
 *   <li>when {@link Builder#flaky flaky} (the default): i%5==1: the first request gets 429; i%7==2: the first two get
 *       500; weak, i==13: always 500 (fails after retries);</li>
 *   <li>when {@link Builder#stall stalling} (the default): strong, i==25: the first request stalls past the client's
 *       first-byte timeout.</li>
 * </ul>
 * A request waits 1 + i%3 ms before it is answered, or a fixed {@link Builder#delayMs delay} when one is set. A request
 * without {@code max_tokens}, or whose question is not one of these, gets 400.
 *
 * <p>{@code new FakeOpenAiServer()} starts one with the defaults; {@link #builder()} starts one with other options.
 * The static {@link #fails}, {@link #permanentlyFailing} and {@link #expectedRequests} describe a server with the
 * defaults; {@link #failsEveryTime} describes this one. Other modules' tests get this class from the eval module's
 * test-jar.
 */
public final class FakeOpenAiServer implements AutoCloseable {

    static final Pattern QUESTION = Pattern.compile("^Q(\\d+): .*?(\\d+) apples .*?(\\d+) more");
    static final long STALL_MS = 4000; // past LiveRunnerTest's 3 s first-byte timeout, which a loaded machine needs for ordinary requests

    private static final ObjectMapper JSON = new ObjectMapper();

    public final AtomicInteger requests = new AtomicInteger();
    /** Requests per "model/i". */
    public final Map<String, AtomicInteger> perKey = new ConcurrentHashMap<>();
    /** 200 answers per "model/i", counted before each is sent. */
    public final Map<String, AtomicInteger> answered = new ConcurrentHashMap<>();
    /** 200 answers, all keys together, counted once each is sent. */
    public final AtomicInteger answers = new AtomicInteger();
    public final AtomicInteger inFlight = new AtomicInteger();
    public final AtomicInteger maxInFlight = new AtomicInteger();

    private final boolean flaky;
    private final boolean stall;
    /** The fixed delay before each answer, or negative for 1 + i%3 ms. */
    private final long delayMs;
    private final HttpServer server;
    private final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();

    /** Starts a server with the defaults: flaky, stalling, and 1 + i%3 ms per request. */
    public FakeOpenAiServer() throws IOException {
        this(true, true, -1);
    }

    private FakeOpenAiServer(boolean flaky, boolean stall, long delayMs) throws IOException {
        this.flaky = flaky;
        this.stall = stall;
        this.delayMs = delayMs;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/chat/completions", this::handle);
        server.setExecutor(pool);
        server.start();
    }

    /** Options for a server other than the default one; each starts as the default. */
    public static Builder builder() {
        return new Builder();
    }

    /** The options of a {@link FakeOpenAiServer}. */
    public static final class Builder {
        private boolean flaky = true;
        private boolean stall = true;
        private long delayMs = -1;

        private Builder() {
        }

        /** Whether the transient 429s and 500s and the always-500 of weak/13 happen (default true). */
        public Builder flaky(boolean flaky) {
            this.flaky = flaky;
            return this;
        }

        /** Whether the first request for strong/25 stalls for {@value FakeOpenAiServer#STALL_MS} ms (default true). */
        public Builder stall(boolean stall) {
            this.stall = stall;
            return this;
        }

        /** A fixed delay before every answer, in place of the default 1 + i%3 ms; 0 for none. */
        public Builder delayMs(long delayMs) {
            if (delayMs < 0) throw new IllegalArgumentException("delayMs < 0: " + delayMs);
            this.delayMs = delayMs;
            return this;
        }

        /** Starts the server. */
        public FakeOpenAiServer start() throws IOException {
            return new FakeOpenAiServer(flaky, stall, delayMs);
        }
    }

    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
    }

    public static String question(int i) {
        return "Q" + i + ": Tom has " + a(i) + " apples and buys " + b(i) + " more. How many apples does he have now?";
    }

    public static int a(int i) {
        return 10 + i;
    }

    public static int b(int i) {
        return 3 * i + 1;
    }

    /** Whether request number {@code n} (1-based) for (model, i) fails on a default server, and whether it is retryable. */
    static boolean fails(String model, int i, int n) {
        if (model.equals("weak") && i == 13) return true;
        if (model.equals("strong") && i == 20) return true;
        return (i % 5 == 1 && n == 1) || (i % 7 == 2 && n <= 2);
    }

    /** Whether every request for (model, i) fails on a default server. */
    static boolean permanentlyFailing(String model, int i) {
        return (model.equals("weak") && i == 13) || (model.equals("strong") && i == 20);
    }

    /** Whether every request for (model, i) fails on this server. */
    public boolean failsEveryTime(String model, int i) {
        return (model.equals("strong") && i == 20) || (flaky && model.equals("weak") && i == 13);
    }

    /** Whether (model, i), when answered, is answered with something no scorer can read. */
    public static boolean unparseable(String model, int i) {
        return model.equals("weak") && i % 10 == 7;
    }

    /** Whether (model, i), when answered and readable, is answered right. */
    public static boolean right(String model, int i) {
        return !(model.equals("weak") && i % 3 == 0);
    }

    /** The count {@code counters} ({@link #perKey} or {@link #answered}) holds for (model, i); 0 when none. */
    public int count(Map<String, AtomicInteger> counters, String model, int i) {
        AtomicInteger c = counters.get(model + "/" + i);
        return c == null ? 0 : c.get();
    }

    /** Requests a run with {@code maxAttempts} makes for (model, i) from a fresh start, on a default server. */
    static int expectedRequests(String model, int i, int maxAttempts) {
        if (model.equals("strong") && i == 20) return 1; // 400: not retried
        int n = 1;
        while (n < maxAttempts && (fails(model, i, n) || (model.equals("strong") && i == 25 && n == 1))) n++;
        return n;
    }

    private void handle(HttpExchange ex) throws IOException {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        boolean counted = true;
        try (ex) {
            requests.incrementAndGet();
            JsonNode body = JSON.readTree(ex.getRequestBody());
            String model = body.path("model").asText();
            String q = body.path("messages").path(0).path("content").asText();
            Matcher m = QUESTION.matcher(q);
            if (!m.find() || !body.path("max_tokens").isInt()) {
                error(ex, 400, "invalid_request_error", "unexpected request: " + body);
                return;
            }
            int i = Integer.parseInt(m.group(1));
            String key = model + "/" + i;
            int n = perKey.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            sleep(delayMs < 0 ? 1 + i % 3 : delayMs); // by default a realistic, small latency
            if (stall && model.equals("strong") && i == 25 && n == 1) {
                // The client gives up before this; not counted in flight from now on, since the client no longer is
                // (counting it again when the stall ends would count a request nobody is waiting for).
                inFlight.decrementAndGet();
                counted = false;
                sleep(STALL_MS);
                return;
            }
            if (model.equals("strong") && i == 20) {
                error(ex, 400, "invalid_request_error", "This model's maximum context length is exceeded");
                return;
            }
            if (flaky && fails(model, i, n)) {
                if (model.equals("weak") && i == 13 || i % 7 == 2) error(ex, 500, "server_error", "internal error");
                else error(ex, 429, "rate_limit_exceeded", "Rate limit reached, retry later");
                return;
            }
            int sum = Integer.parseInt(m.group(2)) + Integer.parseInt(m.group(3));
            String content;
            if (unparseable(model, i)) content = "I am not sure how to solve this.";
            else if (!right(model, i)) content = "He has " + (sum + 1) + " apples.\n#### " + (sum + 1);
            else content = "He has " + a(i) + " + " + b(i) + " = " + sum + " apples.\n#### " + sum;
            answered.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            ObjectNode r = JSON.createObjectNode();
            r.put("id", "chatcmpl-" + requests.get());
            r.put("object", "chat.completion");
            r.put("created", 1_700_000_000L);
            r.put("model", model);
            ObjectNode choice = r.putArray("choices").addObject();
            choice.put("index", 0);
            ObjectNode msg = choice.putObject("message");
            msg.put("role", "assistant");
            msg.put("content", content);
            choice.put("finish_reason", "stop");
            ObjectNode usage = r.putObject("usage");
            int prompt = 20 + i;
            int completion = content.length() / 4;
            usage.put("prompt_tokens", prompt);
            usage.put("completion_tokens", completion);
            usage.put("total_tokens", prompt + completion);
            send(ex, 200, r);
            answers.incrementAndGet();
        } finally {
            if (counted) inFlight.decrementAndGet();
        }
    }

    private static void error(HttpExchange ex, int status, String type, String message) throws IOException {
        ObjectNode r = JSON.createObjectNode();
        ObjectNode e = r.putObject("error");
        e.put("message", message);
        e.put("type", type);
        e.putNull("param");
        e.put("code", type);
        send(ex, status, r);
    }

    private static void send(HttpExchange ex, int status, ObjectNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void sleep(long ms) {
        if (ms <= 0) return;
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
