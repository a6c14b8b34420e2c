package dev.thinkroute.cli;

import dev.thinkroute.core.ModelCard;
import dev.thinkroute.gateway.Gateway;
import dev.thinkroute.gateway.config.ConfigException;
import dev.thinkroute.gateway.config.ConfigLoader;
import dev.thinkroute.gateway.config.GatewayConfig;
import dev.thinkroute.llm.Upstream;
import dev.thinkroute.llm.UpstreamSettings;
import dev.thinkroute.llm.Upstreams;
import dev.thinkroute.llm.replay.DataLocation;
import dev.thinkroute.llm.replay.MissingDataException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.function.Supplier;

/** What the commands share: loading a config, finding the data, starting a gateway. */
final class Setup {

    private Setup() {
    }

    static GatewayConfig load(Path file) {
        try {
            return ConfigLoader.load(file);
        } catch (ConfigException e) {
            throw new CliException(e.getMessage());
        }
    }

    static GatewayConfig embedded(String resource) {
        try (InputStream in = Setup.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("embedded config " + resource + " is missing from the jar");
            return ConfigLoader.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), Path.of("<embedded>" + resource));
        } catch (IOException e) {
            throw new IllegalStateException("embedded config " + resource + " could not be read", e);
        } catch (ConfigException e) {
            throw new IllegalStateException("embedded config " + resource + " is invalid: " + e.getMessage(), e);
        }
    }

    /** The data root, in the order: --data, THINKROUTE_DATA, the config's data_dir, ../shared/datasets. */
    static DataLocation data(Path flag, GatewayConfig config) {
        try {
            if (flag == null && System.getenv(DataLocation.ENV) == null && config.dataDir() != null) {
                return DataLocation.resolve(config.dataDir());
            }
            return DataLocation.resolve(flag);
        } catch (MissingDataException e) {
            throw new CliException(e.getMessage());
        }
    }

    /** The datasets root for commands without a config: --data, THINKROUTE_DATA, ../shared/datasets. */
    static Path dataRoot(Path flag) {
        try {
            return DataLocation.resolve(flag).root();
        } catch (MissingDataException e) {
            throw new CliException(e.getMessage());
        }
    }

    static Function<ModelCard, Upstream> upstreams(GatewayConfig config, Supplier<Path> dataRoot) {
        UpstreamSettings settings = config.server().upstreamSettings(System::getenv);
        return card -> {
            try {
                return Upstreams.create(card, settings, dataRoot);
            } catch (MissingDataException e) {
                throw new CliException(e.getMessage());
            } catch (IllegalArgumentException e) {
                throw new CliException("model '" + card.name() + "': " + e.getMessage());
            }
        };
    }

    static Gateway start(GatewayConfig config, Supplier<Path> dataRoot) {
        try {
            return Gateway.start(config, upstreams(config, dataRoot));
        } catch (CliException e) {
            throw e;
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null) root = root.getCause();
            if (root instanceof java.net.BindException) {
                throw new CliException("cannot listen on " + config.server().host() + ":" + config.server().port() + ": " + root.getMessage()
                        + " (set server.port in the config, or --port)");
            }
            throw e;
        }
    }
}
