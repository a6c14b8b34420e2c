package dev.thinkroute.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thinkroute.gateway.config.ConfigException;
import dev.thinkroute.gateway.config.ConfigLoader;
import dev.thinkroute.gateway.config.GatewayConfig;
import dev.thinkroute.llm.Upstreams;
import dev.thinkroute.llm.replay.DataLocation;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Shared plumbing of the end-to-end tests: starting a real gateway on a free loopback port from YAML, and talking
 * to it over real HTTP with the JDK client (so every byte the gateway sends is visible to the assertions).
 */
final class E2e {

    static final ObjectMapper JSON = new ObjectMapper();

    /** The key the test environment holds for {@code api_key_env: FAKE_VLLM_KEY}. */
    static final String KEY_ENV = "FAKE_VLLM_KEY";
    static final String KEY = "secret-key-123";

    /** Prices of the fake Qwen3 cards, USD per 1M tokens. */
    static final double INPUT_PRICE = 2.0;
    static final double OUTPUT_PRICE = 8.0;

    /** Every HTTP exchange in these tests is bounded, so a hang fails the test instead of the build. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);

    static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /** Kept referenced: java.util.logging forgets the level of a logger nobody holds. */
    private static final List<Logger> QUIETED = new ArrayList<>();

    static {
        // One INFO line per request (and Helidon's start-up banner) would drown the test report.
        for (String name : List.of("dev.thinkroute", "io.helidon")) {
            Logger logger = Logger.getLogger(name);
            logger.setLevel(Level.WARNING);
            QUIETED.add(logger);
        }
    }

    private E2e() {
    }

    /** The test environment: only {@value #KEY_ENV} is set. */
    static String env(String name) {
        return KEY_ENV.equals(name) ? KEY : null;
    }

    /** The datasets root, found the way the CLI finds it (surefire sets {@code thinkroute.home}). */
    static Path dataRoot() {
        return DataLocation.resolve((Path) null).root();
    }

    static GatewayConfig config(String yaml) {
        try {
            return ConfigLoader.parse(yaml, Path.of("e2e-test.yaml"));
        } catch (ConfigException e) {
            throw new AssertionError("test config is invalid: " + e.problems(), e);
        }
    }

    /** Starts a gateway whose upstreams are made the way the CLI makes them, with the test environment. */
    static Gateway start(String yaml) {
        GatewayConfig config = config(yaml);
        return Gateway.start(config, card -> Upstreams.create(card, config.server().upstreamSettings(E2e::env), E2e::dataRoot));
    }

    /** Closes what a test class started, in order, skipping what never started. */
    static void closeAll(AutoCloseable... started) {
        for (AutoCloseable c : started) {
            if (c == null) continue;
            try {
                c.close();
            } catch (Exception e) {
                throw new AssertionError("closing " + c, e);
            }
        }
    }

    /** The {@code server:} section of a test gateway: loopback, a free port, bounded timeouts. */
    static String serverYaml(int firstByteMs) {
        return """
                server:
                  host: 127.0.0.1
                  port: 0
                  timeouts:
                    connect_ms: 2000
                    first_byte_ms: %d
                    total_ms: 20000""".formatted(firstByteMs);
    }

    /** A {@code models:} entry for a Qwen3 served by vLLM at {@code baseUrl}, priced {@link #INPUT_PRICE}/{@link #OUTPUT_PRICE}. */
    static String qwen3CardYaml(String name, String baseUrl) {
        return """
                - name: %s
                  dialect: openai
                  base_url: %s
                  api_key_env: FAKE_VLLM_KEY
                  upstream_model: Qwen/Qwen3-8B
                  price: {input: %s, output: %s}
                  thinking: qwen3""".formatted(name, baseUrl, INPUT_PRICE, OUTPUT_PRICE).indent(2).stripTrailing();
    }

    /** tokens × the Qwen3 cards' prices ({@link #INPUT_PRICE}, {@link #OUTPUT_PRICE} per 1M tokens), in USD. */
    static BigDecimal cost(long prompt, long completion) {
        return BigDecimal.valueOf(prompt).multiply(BigDecimal.valueOf(INPUT_PRICE))
                .add(BigDecimal.valueOf(completion).multiply(BigDecimal.valueOf(OUTPUT_PRICE)))
                .divide(BigDecimal.valueOf(1_000_000));
    }

    /** The replay pool of the CLI's demo config, copied into the test resources. */
    static String replayYaml() {
        return resource("/e2e/replay.yaml");
    }

    /**
     * A pool in front of {@link FakeVllm}: one card per scenario (the card's name says how its upstream behaves),
     * one card on a closed port, one whose key variable is unset, and one replay model.
     */
    static String fakePoolYaml(FakeVllm fake, int firstByteMs) {
        return """
                server:
                  host: 127.0.0.1
                  port: 0
                  max_body_bytes: 65536
                  timeouts:
                    connect_ms: 2000
                    first_byte_ms: %d
                    total_ms: 20000
                models:
                %s
                %s
                %s
                  - {name: rate-limited, dialect: openai, base_url: "%s", api_key_env: FAKE_VLLM_KEY}
                  - {name: crashing, dialect: openai, base_url: "%s", api_key_env: FAKE_VLLM_KEY}
                  - {name: too-long, dialect: openai, base_url: "%s", api_key_env: FAKE_VLLM_KEY}
                  - {name: stalled, dialect: openai, base_url: "%s", api_key_env: FAKE_VLLM_KEY}
                  - {name: truncated, dialect: openai, base_url: "%s", api_key_env: FAKE_VLLM_KEY}
                  - {name: error-frame, dialect: openai, base_url: "%s", api_key_env: FAKE_VLLM_KEY}
                  - {name: slow-stream, dialect: openai, base_url: "%s", api_key_env: FAKE_VLLM_KEY}
                  - {name: abrupt, dialect: openai, base_url: "%s"}
                  - {name: unreachable, dialect: openai, base_url: "http://127.0.0.1:%d/v1"}
                  - {name: keyless, dialect: openai, base_url: "%s", api_key_env: THINKROUTE_E2E_UNSET_KEY}
                  - name: gpt-4-1106-preview
                    dialect: replay
                    table: routellm-gsm8k
                    price: {input: 10.0, output: 30.0}
                profiles:
                  auto:
                    rule: escalate
                    cheap: qwen3-8b:off
                    strong: qwen3-8b:on
                    long_prompt_chars: 2000
                  strong:
                    arm: gpt-4-1106-preview:off
                """.formatted(firstByteMs,
                qwen3CardYaml("qwen3-8b", fake.baseUrl(FakeVllm.Scenario.REASONING_CONTENT)),
                qwen3CardYaml("qwen3-8b-new-vllm", fake.baseUrl(FakeVllm.Scenario.REASONING)),
                qwen3CardYaml("qwen3-8b-no-parser", fake.baseUrl(FakeVllm.Scenario.THINK_TAGS)),
                fake.baseUrl(FakeVllm.Scenario.RATE_LIMITED),
                fake.baseUrl(FakeVllm.Scenario.CRASHING),
                fake.baseUrl(FakeVllm.Scenario.CONTEXT_TOO_LONG),
                fake.baseUrl(FakeVllm.Scenario.SLOW_HEADERS),
                fake.baseUrl(FakeVllm.Scenario.TRUNCATED_STREAM),
                fake.baseUrl(FakeVllm.Scenario.ERROR_FRAME),
                fake.baseUrl(FakeVllm.Scenario.SLOW_STREAM),
                fake.abruptBaseUrl(),
                closedPort(),
                fake.baseUrl(FakeVllm.Scenario.REASONING_CONTENT));
    }

    static String resource(String name) {
        try (var in = E2e.class.getResourceAsStream(name)) {
            if (in == null) throw new AssertionError("missing test resource " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A port nothing listens on (bound, then released). */
    static int closedPort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code {"model": model, "messages": [{"role": "user", "content": text}]}} */
    static ObjectNode chatBody(String model, String userText) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", model);
        body.putArray("messages").addObject().put("role", "user").put("content", userText);
        return body;
    }

    static ObjectNode streamBody(String model, String userText, boolean includeUsage) {
        ObjectNode body = chatBody(model, userText);
        body.put("stream", true);
        if (includeUsage) body.putObject("stream_options").put("include_usage", true);
        return body;
    }

    static Reply chat(Gateway gateway, JsonNode body) {
        return post(gateway, "/chat/completions", body.toString());
    }

    /**
     * Sends a chat request and reads the answer as it arrives, running {@code onMarker} once when a line containing
     * {@code marker} has come through (to make an upstream fail at a known point of the stream).
     */
    static Reply chatReadingUntil(Gateway gateway, JsonNode body, String marker, Runnable onMarker) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/chat/completions"))
                .header("Content-Type", "application/json")
                .timeout(REQUEST_TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        try {
            HttpResponse<InputStream> response = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
            StringBuilder text = new StringBuilder();
            boolean seen = false;
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    text.append(line).append('\n');
                    if (!seen && line.contains(marker)) {
                        seen = true;
                        onMarker.run();
                    }
                }
            }
            return new Reply(response.statusCode(), response.headers(), text.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** POSTs {@code body} to {@code path} under the gateway's {@code /v1} base URL. */
    static Reply post(Gateway gateway, String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + path))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer client-key")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    static Reply send(HttpRequest request) {
        HttpRequest bounded = HttpRequest.newBuilder(request, (n, v) -> true).timeout(REQUEST_TIMEOUT).build();
        try {
            HttpResponse<String> response = HTTP.send(bounded, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Reply(response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** One HTTP answer of the gateway. */
    record Reply(int status, HttpHeaders headers, String body) {

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        String contentType() {
            return header("Content-Type");
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (status " + status + "): " + body, e);
            }
        }

        /** The {@code data:} payloads of a server-sent-events body, in order, {@code [DONE]} included. */
        List<String> sseData() {
            List<String> out = new ArrayList<>();
            StringBuilder data = null;
            for (String line : body.split("\r\n|\n", -1)) {
                if (line.isEmpty()) {
                    if (data != null) out.add(data.toString());
                    data = null;
                } else if (line.startsWith("data:")) {
                    String value = line.substring(5);
                    if (value.startsWith(" ")) value = value.substring(1);
                    if (data == null) data = new StringBuilder(value);
                    else data.append('\n').append(value);
                }
            }
            if (data != null) out.add(data.toString());
            return out;
        }

        /** The JSON frames of a stream, without the closing {@code [DONE]}. */
        List<JsonNode> frames() {
            List<JsonNode> frames = new ArrayList<>();
            for (String data : sseData()) {
                if (data.equals("[DONE]")) continue;
                try {
                    frames.add(JSON.readTree(data));
                } catch (IOException e) {
                    throw new AssertionError("stream frame is not JSON: " + data, e);
                }
            }
            return frames;
        }

        /** The concatenated {@code delta.<field>} of every frame's first choice. */
        String joined(String field) {
            StringBuilder out = new StringBuilder();
            for (JsonNode frame : frames()) {
                JsonNode v = frame.path("choices").path(0).path("delta").path(field);
                if (v.isTextual()) out.append(v.asText());
            }
            return out.toString();
        }

        @Override
        public String toString() {
            return status + " " + headers.map() + "\n" + body;
        }
    }
}
