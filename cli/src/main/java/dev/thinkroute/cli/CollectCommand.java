package dev.thinkroute.cli;

import dev.thinkroute.core.Arm;
import dev.thinkroute.eval.dataset.Dataset;
import dev.thinkroute.eval.dataset.Example;
import dev.thinkroute.eval.dataset.Loaded;
import dev.thinkroute.eval.run.LiveRunner;
import dev.thinkroute.eval.run.RunResult;
import dev.thinkroute.core.score.Scorers;
import dev.thinkroute.gateway.config.GatewayConfig;
import dev.thinkroute.learn.outcome.OutcomeLog;
import dev.thinkroute.learn.outcome.Provenance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code thinkroute collect}: run a benchmark through chosen arms of a live pool and write the outcome log. */
@Command(name = "collect", mixinStandardHelpOptions = true,
        description = {"Ask every question of a dataset to each chosen arm of your pool (live servers from a config), score the "
                + "answers, and write an outcome log that 'thinkroute train' reads: the data to train a router for your own models.",
                "Responses are cached in the run directory, so an interrupted run continues where it stopped. "
                        + "Exit code 3 when some calls failed after retries (they are counted, never scored as wrong)."})
final class CollectCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "The pool: a gateway config.")
    Path config;

    @Option(names = "--dataset", required = true, paramLabel = "NAME", description = "A benchmark: gsm8k, math500, aime2024, hotpotqa, 2wiki, musique, bamboogle, nq, triviaqa…")
    String dataset;

    @Option(names = "--arms", split = ",", paramLabel = "ARM", description = "Arms as model:thinking (default: every arm of the pool).")
    List<String> arms;

    @Option(names = "--limit", paramLabel = "N", description = "Only the first N questions.")
    Integer limit;

    @Option(names = "--concurrency", defaultValue = "8", description = "Calls in flight at once (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--max-tokens", paramLabel = "N", description = "max_tokens per answer (default: the server's).")
    Integer maxTokens;

    @Option(names = "--run-dir", paramLabel = "DIR", description = "Where responses are cached (default: target/runs/<dataset>).")
    Path runDir;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "The outcome log (default: target/outcomes/<dataset>-collected.jsonl).")
    Path out;

    @Option(names = "--no-responses", description = "Leave the answer texts out of the outcome log (by default each line keeps "
            + "its answer as 'response', so a judge can be trained on it later): a smaller log that holds no model output.")
    boolean noResponses;

    @Option(names = "--data", paramLabel = "DIR", description = "Datasets root (default: $THINKROUTE_DATA, then ../shared/datasets).")
    Path data;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        GatewayConfig cfg = Setup.load(config);
        Dataset ds = LiveSetup.dataset(dataset);
        Path root = Setup.data(data, cfg).root();
        Loaded loaded = LiveSetup.load(ds, root, limit, err);
        List<Example> examples = loaded.examples();
        List<Arm> chosen = LiveSetup.arms(cfg, arms);

        Path dir = runDir != null ? runDir : Path.of("target", "runs", dataset);
        Path log = out != null ? out : Path.of("target", "outcomes", dataset + "-collected.jsonl");
        err.printf(Locale.ROOT, "collecting %s: %d questions × %d arms (%s), concurrency %d, cache %s%n", dataset, examples.size(), chosen.size(),
                String.join(", ", chosen.stream().map(Arm::label).toList()), concurrency, dir.toAbsolutePath());
        LiveRunner.Options d = LiveRunner.Options.DEFAULTS;
        RunResult result = LiveSetup.run(cfg, () -> root, chosen.stream().map(Arm::model).toList(), dir,
                LiveSetup.options(concurrency, d.maxAttempts(), d.seed(), maxTokens), err, "collect " + dataset,
                runner -> runner.run(dataset, examples, Scorers.get(ds.scorer()), chosen));
        var outcomes = result.toOutcomes(dataset, RunResult.SOURCE, !noResponses);
        Provenance provenance = new Provenance("collect", dataset, root.toString(), List.of(), "usage reported by each upstream (estimated where "
                + "it reported none) × the model card's prices", Map.of(), List.of("config " + config.toAbsolutePath()),
                "thinkroute collect " + String.join(" ", spec.commandLine().getParseResult().originalArgs()), Provenance.now(),
                examples.size(), loaded.skipped().size(), outcomes.size());
        OutcomeLog.write(log, outcomes, provenance);

        o.printf(Locale.ROOT, "%-40s %6s %7s %8s %7s %8s %12s%n", "arm", "pairs", "scored", "unparsed", "failed", "score", "cost USD");
        for (Map.Entry<String, RunResult.Totals> e : result.totalsByArm().entrySet()) {
            RunResult.Totals t = e.getValue();
            o.printf(Locale.ROOT, "%-40s %6d %7d %8d %7d %8.4f %12.6f%n", e.getKey(), t.pairs(), t.scored(), t.unparsed(), t.failed(), t.meanScore(), t.costUsd());
        }
        RunResult.Totals all = result.totals();
        o.printf(Locale.ROOT, "%d outcomes -> %s (%d answered from the cache, %d failed)%n", outcomes.size(), log.toAbsolutePath(), all.fromCache(), all.failed());
        o.flush();
        return all.failed() > 0 ? 3 : 0;
    }
}
