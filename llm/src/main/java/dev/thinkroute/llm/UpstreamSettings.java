package dev.thinkroute.llm;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * Timeouts and the environment for upstream calls.
 *
 * @param connect   to open the TCP/TLS connection
 * @param firstByte from sending the request to the response headers (the upstream's queueing and prefill)
 * @param total     the whole call, including a stream's last byte
 * @param env       where {@code api_key_env} names are looked up ({@code System::getenv} outside tests)
 */
public record UpstreamSettings(Duration connect, Duration firstByte, Duration total, Function<String, String> env) {

    public static final UpstreamSettings DEFAULTS =
            new UpstreamSettings(Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(600), System::getenv);

    public UpstreamSettings {
        Objects.requireNonNull(connect, "connect");
        Objects.requireNonNull(firstByte, "firstByte");
        Objects.requireNonNull(total, "total");
        Objects.requireNonNull(env, "env");
    }
}
