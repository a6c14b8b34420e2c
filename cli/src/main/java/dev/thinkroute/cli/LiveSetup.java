package dev.thinkroute.cli;

import dev.thinkroute.core.Arm;
import dev.thinkroute.core.ModelCard;
import dev.thinkroute.eval.dataset.Dataset;
import dev.thinkroute.eval.dataset.Datasets;
import dev.thinkroute.eval.dataset.Example;
import dev.thinkroute.eval.dataset.Loaded;
import dev.thinkroute.eval.run.LiveRunner;
import dev.thinkroute.eval.run.ResponseCache;
import dev.thinkroute.gateway.config.GatewayConfig;
import dev.thinkroute.llm.Upstream;
import dev.thinkroute.llm.replay.MissingDataException;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/** What the live commands ({@code collect}, live {@code eval}) share: the questions, the arms, and one cached run. */
final class LiveSetup {

    private LiveSetup() {
    }

    /** The registered benchmark {@code name}, or a usage error listing the known ones. */
    static Dataset dataset(String name) {
        try {
            return Datasets.get(name);
        } catch (NoSuchElementException | IllegalArgumentException e) {
            throw new CliException("--dataset: " + e.getMessage());
        }
    }

    /** The dataset's first {@code limit} examples (all when {@code null}); rows left out while reading are reported. */
    static Loaded load(Dataset ds, Path root, Integer limit, PrintWriter err) {
        Loaded loaded;
        try {
            loaded = ds.load(root);
        } catch (MissingDataException e) {
            throw new CliException(e.getMessage());
        } catch (RuntimeException e) {
            throw new CliException(ds.name() + ": " + e.getMessage());
        }
        if (!loaded.skipped().isEmpty()) {
            err.println(ds.name() + ": skipped " + loaded.skipped().size() + " rows without a question or an answer, e.g. "
                    + loaded.skipped().getFirst());
        }
        List<Example> examples = limit == null ? loaded.examples() : loaded.examples().subList(0, Math.min(limit, loaded.examples().size()));
        return new Loaded(loaded.dataset(), examples, loaded.skipped());
    }

    /**
     * The {@code --arms} labels checked against the pool, or, when none were given, every arm of the pool but those
     * of models that only route (a multi-round policy is not there to answer questions alone).
     */
    static List<Arm> arms(GatewayConfig cfg, List<String> labels) {
        if (labels == null) {
            Set<String> routingOnly = cfg.routingOnlyModels();
            return cfg.pool().arms().stream().filter(a -> !routingOnly.contains(a.model())).toList();
        }
        List<Arm> chosen = new ArrayList<>();
        for (String label : labels) {
            Arm arm;
            try {
                arm = Arm.parse(label.trim());
            } catch (IllegalArgumentException e) {
                throw new CliException("--arms: " + e.getMessage());
            }
            cfg.pool().problemWith(arm).ifPresent(p -> { throw new CliException("--arms: " + p); });
            chosen.add(arm);
        }
        return chosen;
    }

    /** What runs inside {@link #run}: the runner is ready, its cache open. */
    @FunctionalInterface
    interface Body<T> {
        T run(LiveRunner runner) throws InterruptedException;
    }

    /**
     * Opens the upstreams of {@code models} and the response cache in {@code dir}, runs {@code body} with a progress
     * bar, and closes everything whatever happens.
     */
    static <T> T run(GatewayConfig cfg, Supplier<Path> dataRoot, Collection<String> models, Path dir, LiveRunner.Options options,
                     PrintWriter err, String label, Body<T> body) throws InterruptedException {
        Function<ModelCard, Upstream> factory = Setup.upstreams(cfg, dataRoot);
        Map<String, Upstream> upstreams = new LinkedHashMap<>();
        Progress bar = new Progress(err, label);
        try (ResponseCache cache = ResponseCache.open(dir)) {
            for (String model : models) upstreams.computeIfAbsent(model, m -> factory.apply(cfg.pool().require(m)));
            cache.warnings().forEach(w -> err.println("cache: " + w));
            return body.run(new LiveRunner(upstreams, cache, options, p -> bar.update(p.done(), p.total())));
        } finally {
            bar.finish();
            upstreams.values().forEach(Upstream::close);
        }
    }

    /** The runner's defaults with the command's own settings. */
    static LiveRunner.Options options(int concurrency, int maxAttempts, long seed, Integer maxTokens) {
        LiveRunner.Options d = LiveRunner.Options.DEFAULTS;
        return new LiveRunner.Options(concurrency, maxAttempts, d.baseBackoff(), d.maxBackoff(), seed, maxTokens, d.retryFailed());
    }
}
