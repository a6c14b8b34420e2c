package dev.thinkroute.gateway.config;

import dev.thinkroute.llm.UpstreamSettings;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * The {@code server} section: where the gateway listens, how large a request may be, and how long upstream calls
 * may take.
 *
 * @param host             interface to bind, e.g. {@code 127.0.0.1} (the default: reachable from this machine
 *                         only, since the gateway holds upstream keys) or {@code 0.0.0.0}
 * @param port             TCP port, 0..65535; 0 asks the system for any free port (tests)
 * @param maxBodyBytes     largest accepted request body; bigger ones are refused before parsing
 * @param connectTimeout   to open an upstream connection
 * @param firstByteTimeout from sending an upstream request to its response headers (queueing and prefill)
 * @param totalTimeout     a whole upstream call, including a stream's last byte; at least {@code firstByteTimeout}
 */
public record ServerSettings(String host, int port, long maxBodyBytes,
                             Duration connectTimeout, Duration firstByteTimeout, Duration totalTimeout) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final long DEFAULT_MAX_BODY_BYTES = 4L * 1024 * 1024;

    /** What a config without a {@code server} section gets. */
    public static final ServerSettings DEFAULTS = new ServerSettings(DEFAULT_HOST, DEFAULT_PORT, DEFAULT_MAX_BODY_BYTES,
            Duration.ofMillis(5_000), Duration.ofMillis(60_000), Duration.ofMillis(600_000));

    /* The loader reports these as config problems first; the checks here guard settings built in code. */
    public ServerSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(firstByteTimeout, "firstByteTimeout");
        Objects.requireNonNull(totalTimeout, "totalTimeout");
        if (host.isBlank()) throw new IllegalArgumentException("host must not be empty");
        if (port < 0 || port > 65_535) throw new IllegalArgumentException("port must be 0..65535, got " + port);
        if (maxBodyBytes <= 0) throw new IllegalArgumentException("maxBodyBytes must be positive, got " + maxBodyBytes);
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(firstByteTimeout, "firstByteTimeout");
        requirePositive(totalTimeout, "totalTimeout");
        if (totalTimeout.compareTo(firstByteTimeout) < 0) {
            throw new IllegalArgumentException("totalTimeout " + totalTimeout + " is shorter than firstByteTimeout " + firstByteTimeout);
        }
    }

    private static void requirePositive(Duration d, String name) {
        if (d.isNegative() || d.isZero()) throw new IllegalArgumentException(name + " must be positive, got " + d);
    }

    /** The timeouts for upstream calls, with {@code env} to look up {@code api_key_env} names ({@code System::getenv} outside tests). */
    public UpstreamSettings upstreamSettings(Function<String, String> env) {
        return new UpstreamSettings(connectTimeout, firstByteTimeout, totalTimeout, env);
    }

    /** The same settings on another port (a command-line {@code --port} over the file's). */
    public ServerSettings withPort(int newPort) {
        return new ServerSettings(host, newPort, maxBodyBytes, connectTimeout, firstByteTimeout, totalTimeout);
    }
}
