package dev.thinkroute.cli;

import dev.thinkroute.gateway.Gateway;
import dev.thinkroute.gateway.config.GatewayConfig;
import dev.thinkroute.gateway.config.ServerSettings;
import dev.thinkroute.learn.router.LearnedRouter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;

/** {@code thinkroute serve}: the gateway, until interrupted. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the OpenAI-compatible gateway over the models and profiles of a config file.")
final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "YAML config: models, profiles, server settings.")
    Path config;

    @Option(names = "--data", paramLabel = "DIR", description = "Datasets root for replay models (default: $THINKROUTE_DATA, the config's data_dir, ../shared/datasets).")
    Path data;

    @Option(names = "--host", description = "Overrides server.host.")
    String host;

    @Option(names = "--port", description = "Overrides server.port (0: any free port).")
    Integer port;

    @Override
    public Integer call() throws InterruptedException {
        GatewayConfig cfg = Setup.load(config);
        if (host != null || port != null) {
            ServerSettings s = cfg.server();
            cfg = new GatewayConfig(cfg.source(),
                    new ServerSettings(host != null ? host : s.host(), port != null ? port : s.port(), s.maxBodyBytes(),
                            s.connectTimeout(), s.firstByteTimeout(), s.totalTimeout()),
                    cfg.pool(), cfg.profiles(), cfg.dataDir());
        }
        // Load the sentence encoder now, not on the first request: a learned profile's first caller would wait for it.
        cfg.profiles().values().stream().map(p -> p.router()).filter(r -> r instanceof LearnedRouter).findFirst()
                .ifPresent(r -> ((LearnedRouter) r).predict("warm-up"));
        GatewayConfig finalCfg = cfg;
        Gateway gateway = Setup.start(cfg, () -> Setup.data(data, finalCfg).root());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.close();
            stopped.countDown();
        }, "thinkroute-shutdown"));
        spec.commandLine().getOut().println("thinkroute gateway on " + gateway.baseUrl() + "  (models: "
                + String.join(", ", cfg.pool().cards().stream().map(c -> c.name()).toList())
                + "; profiles: " + String.join(", ", cfg.profiles().keySet()) + ")");
        stopped.await();
        return 0;
    }
}
