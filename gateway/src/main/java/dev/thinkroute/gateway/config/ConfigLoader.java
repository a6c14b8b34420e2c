package dev.thinkroute.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thinkroute.core.ModelCard;
import dev.thinkroute.core.Pool;
import dev.thinkroute.core.route.Profile;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Reads and checks the gateway's YAML configuration (format: {@link GatewayConfig}).
 *
 * <p>The file is read into a tree and checked by hand rather than bound to classes, so that one run finds every
 * problem in the file, each with its path and line, instead of stopping at the first.
 */
public final class ConfigLoader {

    static final List<String> TOP_KEYS = List.of("server", "data_dir", "models", "profiles");
    static final List<String> SERVER_KEYS = List.of("host", "port", "max_body_bytes", "timeouts");
    static final List<String> TIMEOUT_KEYS = List.of("connect_ms", "first_byte_ms", "total_ms");

    private ConfigLoader() {
    }

    /**
     * Reads the config file at {@code file}.
     *
     * @throws ConfigException when the file is missing or unreadable, is not YAML, or has any problem
     */
    public static GatewayConfig load(Path file) throws ConfigException {
        Objects.requireNonNull(file, "file");
        byte[] bytes;
        try {
            if (Files.isDirectory(file)) throw new ConfigException(file, List.of("is a directory, not a config file"));
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file, List.of("config file not found: " + file.toAbsolutePath().normalize()));
        } catch (IOException e) {
            throw new ConfigException(file, List.of("cannot read the config file: " + e));
        }
        return parse(decode(bytes, file), file);
    }

    /**
     * Reads a config from a stream (an embedded resource), closing it.
     *
     * @param sourceForMessages names the config in messages; relative {@code data_dir} paths resolve against its folder
     */
    public static GatewayConfig parse(InputStream yaml, Path sourceForMessages) throws ConfigException {
        Objects.requireNonNull(sourceForMessages, "sourceForMessages");
        try (InputStream in = yaml) {
            return parse(decode(in.readAllBytes(), sourceForMessages), sourceForMessages);
        } catch (IOException e) {
            throw new ConfigException(sourceForMessages, List.of("cannot read the config: " + e));
        }
    }

    /**
     * Reads a config from YAML text.
     *
     * @param sourceForMessages names the config in messages; relative {@code data_dir} paths resolve against its folder
     */
    public static GatewayConfig parse(String yaml, Path sourceForMessages) throws ConfigException {
        Objects.requireNonNull(yaml, "yaml");
        Objects.requireNonNull(sourceForMessages, "sourceForMessages");
        Problems problems = new Problems();
        YamlTree tree = YamlTree.parse(yaml.startsWith("\uFEFF") ? yaml.substring(1) : yaml, sourceForMessages, problems);
        JsonNode rootNode = tree.root();
        if (rootNode == null) {
            problems.add("", Pos.NONE, "the config is empty; it needs at least a 'models' list");
            throw new ConfigException(sourceForMessages, problems.inFileOrder());
        }
        Optional<Section> maybeRoot = Section.of(tree, problems, rootNode, "", Pos.NONE,
                "a mapping with the keys " + String.join(", ", TOP_KEYS));
        if (maybeRoot.isEmpty()) throw new ConfigException(sourceForMessages, problems.inFileOrder());
        Section root = maybeRoot.get();

        root.allowOnly(TOP_KEYS);
        ServerSettings server = root.section("server", "a mapping (host, port, max_body_bytes, timeouts)")
                .map(ConfigLoader::server).orElse(ServerSettings.DEFAULTS);
        Path dataDir = root.string("data_dir").flatMap(dir -> resolve(root, dir, sourceForMessages)).orElse(null);
        ModelsSection.Result models = ModelsSection.read(root);
        Map<String, Profile> written = ProfilesSection.read(root, models, sourceForMessages);

        if (!problems.isEmpty()) throw new ConfigException(sourceForMessages, problems.inFileOrder());

        List<ModelCard> cards = models.cards();
        Map<String, Profile> profiles = new LinkedHashMap<>();
        if (!written.containsKey(GatewayConfig.DEFAULT_PROFILE)) {
            Set<String> routersOnly = GatewayConfig.routingOnly(written.values());
            List<ModelCard> answering = cards.stream().filter(c -> !routersOnly.contains(c.name())).toList();
            profiles.put(GatewayConfig.DEFAULT_PROFILE, ProfilesSection.derivedAuto(answering.isEmpty() ? cards : answering));
        }
        profiles.putAll(written);
        return new GatewayConfig(sourceForMessages, server, new Pool(cards), profiles, dataDir);
    }

    /** The server section over the defaults; the defaults stand in for any field with a problem. */
    private static ServerSettings server(Section s) {
        ServerSettings d = ServerSettings.DEFAULTS;
        s.allowOnly(SERVER_KEYS);
        String host = s.string("host").filter(h -> {
            if (h.contains("://") || h.chars().anyMatch(Character::isWhitespace)) {
                s.report("host", "must be a host name or IP address to listen on, such as 127.0.0.1 or 0.0.0.0, got '" + h + "'");
                return false;
            }
            return true;
        }).orElse(d.host());
        int port = (int) s.integer("port", 0, 65_535, "a port from 0 to 65535 (0 = any free port)").orElse(d.port());
        long maxBody = s.integer("max_body_bytes", 1, Long.MAX_VALUE, "a positive whole number of bytes").orElse(d.maxBodyBytes());

        Duration connect = d.connectTimeout();
        Duration firstByte = d.firstByteTimeout();
        Duration total = d.totalTimeout();
        Optional<Section> timeouts = s.section("timeouts", "a mapping (connect_ms, first_byte_ms, total_ms)");
        if (timeouts.isPresent()) {
            Section t = timeouts.get();
            t.allowOnly(TIMEOUT_KEYS);
            connect = millis(t, "connect_ms").orElse(connect);
            OptionalLong firstByteMs = t.integer("first_byte_ms", 1, Long.MAX_VALUE, "a positive whole number of milliseconds");
            OptionalLong totalMs = t.integer("total_ms", 1, Long.MAX_VALUE, "a positive whole number of milliseconds");
            if (firstByteMs.isPresent()) firstByte = Duration.ofMillis(firstByteMs.getAsLong());
            if (totalMs.isPresent()) total = Duration.ofMillis(totalMs.getAsLong());
            if (total.compareTo(firstByte) < 0 && (firstByteMs.isPresent() || totalMs.isPresent())) {
                // Blame the one the user wrote; when both are written, total_ms is the one that is too short.
                if (totalMs.isPresent()) {
                    t.report("total_ms", "must be at least first_byte_ms (" + firstByte.toMillis()
                            + (firstByteMs.isPresent() ? "" : ", the default") + "), got " + totalMs.getAsLong());
                } else {
                    t.report("first_byte_ms", "must not exceed total_ms (" + total.toMillis() + ", the default), got " + firstByteMs.getAsLong());
                }
                firstByte = d.firstByteTimeout();
                total = d.totalTimeout();
            }
        }
        return new ServerSettings(host, port, maxBody, connect, firstByte, total);
    }

    private static Optional<Duration> millis(Section t, String key) {
        OptionalLong ms = t.integer(key, 1, Long.MAX_VALUE, "a positive whole number of milliseconds");
        return ms.isPresent() ? Optional.of(Duration.ofMillis(ms.getAsLong())) : Optional.empty();
    }

    /** A relative directory is taken from the config file's folder, so a config works from any working directory. */
    private static Optional<Path> resolve(Section root, String dir, Path source) {
        try {
            Path path = Path.of(dir);
            Path base = source.toAbsolutePath().getParent();
            Path resolved = path.isAbsolute() || base == null ? path.toAbsolutePath() : base.resolve(path);
            return Optional.of(resolved.normalize());
        } catch (InvalidPathException e) {
            root.report("data_dir", "is not a usable path: " + e.getReason());
            return Optional.empty();
        }
    }

    /** Strict UTF-8: a config in another encoding should fail loudly, not load with garbled names. */
    private static String decode(byte[] bytes, Path source) throws ConfigException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException(source, List.of("is not UTF-8 text; save the config as UTF-8"));
        }
    }
}
