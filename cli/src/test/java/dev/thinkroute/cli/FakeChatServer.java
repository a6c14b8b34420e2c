package dev.thinkroute.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback OpenAI Chat Completions server for the CLI tests (a trimmed copy of the eval module's
 * {@code FakeOpenAiServer}), for GSM8K-like questions {@link #question(int) "Q{i}: ... {a} apples ... {b} more"}.
 * Model {@code strong} answers a+b; {@code weak} answers a+b+1 when i%3==0 and something unreadable when i%10==7.
 * Failures depend only on how many times this (model, i) was asked, never on scheduling:
 * <ul>
 *   <li>strong, i==20: always 400 (fails without retry);</li>
 *   <li>when {@code flaky}: weak, i==13: always 500 (fails after retries); i%5==1: the first request gets 429;
 *       i%7==2: the first two get 500.</li>
 * </ul>
 * Every request waits {@code delayMs} before it is answered. A request without {@code max_tokens} gets 400.
 */
final class FakeChatServer implements AutoCloseable {

    static final Pattern QUESTION = Pattern.compile("^Q(\\d+): .*?(\\d+) apples .*?(\\d+) more");

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Requests per "model/i". */
    final Map<String, AtomicInteger> perKey = new ConcurrentHashMap<>();
    /** 200 answers per "model/i". */
    final Map<String, AtomicInteger> answered = new ConcurrentHashMap<>();
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger answers = new AtomicInteger();
    final AtomicInteger inFlight = new AtomicInteger();

    private final boolean flaky;
    private final long delayMs;
    private final HttpServer server;
    private final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();

    FakeChatServer(boolean flaky, long delayMs) throws IOException {
        this.flaky = flaky;
        this.delayMs = delayMs;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/chat/completions", this::handle);
        server.setExecutor(pool);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    static String question(int i) {
        return "Q" + i + ": Tom has " + a(i) + " apples and buys " + b(i) + " more. How many apples does he have now?";
    }

    static int a(int i) {
        return 10 + i;
    }

    static int b(int i) {
        return 3 * i + 1;
    }

    /** Whether every request for (model, i) fails. */
    boolean permanentlyFailing(String model, int i) {
        return (model.equals("strong") && i == 20) || (flaky && model.equals("weak") && i == 13);
    }

    /** Whether (model, i), when answered, is answered with something no scorer can read. */
    static boolean unparseable(String model, int i) {
        return model.equals("weak") && i % 10 == 7;
    }

    /** Whether (model, i), when answered and readable, is answered right. */
    static boolean right(String model, int i) {
        return !(model.equals("weak") && i % 3 == 0);
    }

    private boolean transientFailure(int i, int n) {
        return flaky && ((i % 5 == 1 && n == 1) || (i % 7 == 2 && n <= 2));
    }

    int count(Map<String, AtomicInteger> counters, String model, int i) {
        AtomicInteger c = counters.get(model + "/" + i);
        return c == null ? 0 : c.get();
    }

    private void handle(HttpExchange ex) throws IOException {
        inFlight.incrementAndGet();
        try (ex) {
            requests.incrementAndGet();
            JsonNode body = JSON.readTree(ex.getRequestBody());
            String model = body.path("model").asText();
            Matcher m = QUESTION.matcher(body.path("messages").path(0).path("content").asText());
            if (!m.find() || !body.path("max_tokens").isInt()) {
                error(ex, 400, "invalid_request_error", "unexpected request: " + body);
                return;
            }
            int i = Integer.parseInt(m.group(1));
            String key = model + "/" + i;
            int n = perKey.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            sleep(delayMs);
            if (model.equals("strong") && i == 20) {
                error(ex, 400, "invalid_request_error", "This model's maximum context length is exceeded");
                return;
            }
            if (flaky && model.equals("weak") && i == 13 || transientFailure(i, n)) {
                if (i % 5 == 1 && !(model.equals("weak") && i == 13)) error(ex, 429, "rate_limit_exceeded", "Rate limit reached, retry later");
                else error(ex, 500, "server_error", "internal error");
                return;
            }
            int sum = Integer.parseInt(m.group(2)) + Integer.parseInt(m.group(3));
            String content;
            if (unparseable(model, i)) content = "I am not sure how to solve this.";
            else if (!right(model, i)) content = "He has " + (sum + 1) + " apples.\n#### " + (sum + 1);
            else content = "He has " + a(i) + " + " + b(i) + " = " + sum + " apples.\n#### " + sum;
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
            answered.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            answers.incrementAndGet();
        } finally {
            inFlight.decrementAndGet();
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
