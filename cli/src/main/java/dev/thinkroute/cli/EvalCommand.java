package dev.thinkroute.cli;

import dev.thinkroute.agent.Orchestrator;
import dev.thinkroute.agent.Rewards;
import dev.thinkroute.agent.TrajectoryWriter;
import dev.thinkroute.core.Arm;
import dev.thinkroute.core.ModelCard;
import dev.thinkroute.core.Outcome;
import dev.thinkroute.core.metric.OutcomeMatrix;
import dev.thinkroute.core.route.CostAwarePolicy;
import dev.thinkroute.core.route.MultiRound;
import dev.thinkroute.core.route.Profile;
import dev.thinkroute.core.route.Router;
import dev.thinkroute.core.score.Scorer;
import dev.thinkroute.core.score.Scorers;
import dev.thinkroute.eval.dataset.Dataset;
import dev.thinkroute.eval.dataset.Example;
import dev.thinkroute.eval.dataset.JsonDataset;
import dev.thinkroute.eval.dataset.Loaded;
import dev.thinkroute.eval.report.EvalReport;
import dev.thinkroute.eval.report.HtmlReport;
import dev.thinkroute.eval.run.Evaluation;
import dev.thinkroute.eval.run.MultiRoundRun;
import dev.thinkroute.gateway.config.GatewayConfig;
import dev.thinkroute.learn.artifact.RouterArtifact;
import dev.thinkroute.learn.embed.CachedEncoder;
import dev.thinkroute.learn.embed.EmbeddingCache;
import dev.thinkroute.learn.predict.MemoizedQualityModel;
import dev.thinkroute.learn.predict.QualityModels;
import dev.thinkroute.learn.report.RouterComparison;
import dev.thinkroute.learn.router.Encoders;
import dev.thinkroute.learn.router.LearnedRouter;
import dev.thinkroute.learn.train.AlphaSweep;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.IntFunction;

/**
 * {@code thinkroute eval}: routers over a dataset, replayed from recorded outcomes or asked live, with every single
 * arm, random routing and the oracle beside them.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Evaluate routers on a dataset: each router decides every question as it would in the gateway, and the chosen "
                + "arm's answer is replayed from an outcome log or asked live from your pool. Reports quality, cost, strong-model "
                + "share, thinking rate, tokens, latency and failures per router, with every single arm, random routing and the oracle, "
                + "and each router's cost-quality frontier (APGR, CPT, AIQ).",
                "Writes JSON, CSV (one row per router and one per answer) and a self-contained HTML report. Exit code 3 when any "
                        + "question could not be evaluated (failed calls after retries, dataset rows without question or answer).",
                "",
                "Replay: thinkroute eval --replay routellm-gsm8k --predictors knn,mlp --test-fraction 0.5",
                "Live:   thinkroute eval --config pool.yaml --dataset gsm8k --profiles auto --alpha 0,0.2,1"})
final class EvalCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    static final class Source {
        @Option(names = "--replay", paramLabel = "NAME|FILE", description = "Replay recorded outcomes: a public table by importer name "
                + "(routellm-gsm8k, routellm-mmlu, llmrouter-dcrouter, llmrouter-nq, openai-gsm8k) or an outcome log (JSONL).")
        String replay;

        @Option(names = "--dataset", paramLabel = "NAME", description = "Ask live: a benchmark (gsm8k, math500, aime2024, hotpotqa, 2wiki, "
                + "musique, bamboogle, nq, triviaqa, …); needs --config.")
        String dataset;

        @Option(names = "--file", paramLabel = "FILE", description = "Ask live: your own JSONL or JSON array; with --fields and --scorer; needs --config.")
        Path file;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--predictors", split = ",", paramLabel = "KIND", description = "Replay: train these routers here on the rows held "
            + "out from measurement (knn, mlp, mf, cluster, ensemble), as 'compare' does.")
    List<String> predictors;

    @Option(names = "--router", paramLabel = "FILE", description = "Replay: a trained router file (thinkroute train); repeatable.")
    List<Path> routerFiles;

    @Option(names = "--alpha", split = ",", paramLabel = "A", description = "α values each learned router is run at, or 'sweep' for "
            + "the whole frontier (241 values). Default: sweep for --predictors; the router's own α otherwise.")
    List<String> alpha;

    @Option(names = "--test", paramLabel = "FILE", description = "Replay of a log: train --predictors on --replay, measure on this log.")
    Path testLog;

    @Option(names = "--test-fraction", paramLabel = "F", description = "Replay: hold out a seeded fraction for measurement instead of cross-validating.")
    Double testFraction;

    @Option(names = "--folds", defaultValue = "5", description = "Replay: cross-validation folds when there is no split (default: ${DEFAULT-VALUE}).")
    int folds;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of folds, splits and training (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Live: the pool and its profiles (a gateway config).")
    Path config;

    @Option(names = "--profiles", split = ",", paramLabel = "NAME", description = "Live: profiles of the config to evaluate (default: all).")
    List<String> profiles;

    @Option(names = "--arms", split = ",", paramLabel = "ARM", description = "Live: single-arm baselines as model:thinking (default: every arm "
            + "of the pool; 'none' for none). The oracle and random routing are drawn from them.")
    List<String> arms;

    @Option(names = "--fields", paramLabel = "SPEC", description = "With --file: question=FIELD,answer=FIELD[,id=FIELD] (default: question=question,answer=answer).")
    String fields;

    @Option(names = "--scorer", paramLabel = "NAME", description = "With --file: math, qa-em, qa-f1 or choice (default: qa-f1); with --dataset: its own.")
    String scorer;

    @Option(names = "--limit", paramLabel = "N", description = "Only the first N questions.")
    Integer limit;

    @Option(names = "--concurrency", defaultValue = "8", description = "Live: calls in flight at once (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--retries", defaultValue = "4", description = "Live: retries of a call after 429, 5xx or a timeout (default: ${DEFAULT-VALUE}).")
    int retries;

    @Option(names = "--max-tokens", paramLabel = "N", description = "Live: max_tokens per answer (default: the server's).")
    Integer maxTokens;

    @Option(names = "--run-dir", paramLabel = "DIR", description = "Live: where responses are cached, so a rerun resumes (default: target/runs/<dataset>).")
    Path runDir;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "target/reports", description = "Where reports go (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--name", paramLabel = "NAME", description = "Report file name stem (default: eval-<dataset>).")
    String name;

    @Option(names = "--no-html", description = "Skip the HTML report and PNG plot.")
    boolean noHtml;

    @Option(names = "--reward-alpha", paramLabel = "A", defaultValue = "0", description = "Multi-round profiles: the Router-R1 cost "
            + "coefficient α in [0, 1] of the rewards in the exported trajectories (default: ${DEFAULT-VALUE}, quality only, as the paper's default).")
    double rewardAlpha;

    @Option(names = "--reward-cost", paramLabel = "BASIS", defaultValue = "size", description = "Multi-round profiles: the raw cost the "
            + "cost reward normalises: size (output tokens × billions of parameters, the paper's) or usd (default: ${DEFAULT-VALUE}).")
    String rewardCost;

    @Mixin
    DataOptions paths;

    private PrintWriter stdout;
    private PrintWriter err;

    @Override
    public Integer call() throws Exception {
        stdout = spec.commandLine().getOut();
        err = spec.commandLine().getErr();
        if (limit != null && limit < 1) throw new CliException("--limit must be at least 1, got " + limit);
        if (concurrency < 1 || concurrency > 256) throw new CliException("--concurrency must be between 1 and 256, got " + concurrency);
        if (retries < 0 || retries > 20) throw new CliException("--retries must be between 0 and 20, got " + retries);
        Logging.quiet();
        return source.replay != null ? replay() : live();
    }

    // ------------------------------------------------------------------ replay

    private int replay() throws IOException {
        if (config != null || profiles != null || arms != null) throw new CliException("--config, --profiles and --arms are for live runs (--dataset or --file)");
        if (fields != null || scorer != null) throw new CliException("--fields and --scorer go with --file");
        if (predictors == null && routerFiles == null) throw new CliException("name the routers to evaluate: --predictors KIND,… (trained here) or --router FILE");
        if (predictors != null) {
            for (String kind : predictors) {
                try {
                    QualityModels.trainer(kind);
                } catch (IllegalArgumentException e) {
                    throw new CliException("--predictors: " + e.getMessage());
                }
            }
        }
        Path asFile = Path.of(source.replay);
        boolean isLog = source.replay.endsWith(".jsonl") || Files.isRegularFile(asFile);
        if (testLog != null && !isLog) throw new CliException("--test goes with --replay FILE (an outcome log)");
        LearnInputs.Loaded in;
        List<Outcome> lines = new ArrayList<>();
        if (isLog) {
            if (!Files.isRegularFile(asFile)) throw new CliException("--replay " + source.replay + ": no such file");
            // Read once: the matrix is built from these lines, and replay looks latency and reasoning tokens up in them.
            List<Outcome> train = LearnInputs.read(asFile, err);
            List<Outcome> test = testLog == null ? null : LearnInputs.read(testLog, err);
            in = LearnInputs.logs(asFile, train, testLog, test);
            lines.addAll(train);
            if (test != null) lines.addAll(test);
        } else {
            in = LearnInputs.dataset(source.replay, Setup.dataRoot(paths.data), err);
        }
        LearnInputs.Loaded loaded = !in.hasSplit() && testFraction != null ? LearnInputs.withFraction(in, testFraction, seed) : in;
        OutcomeMatrix matrix = loaded.matrix();
        RouterComparison.Protocol protocol = loaded.hasSplit()
                ? new RouterComparison.Split(loaded.train(), loaded.test(), loaded.split(), seed, folds)
                : new RouterComparison.CrossValidation(folds, seed);
        if (!loaded.hasSplit() && predictors == null) {
            // Routers from files were trained elsewhere: measure them on every row (or the held-out fraction).
            protocol = new RouterComparison.Split(new int[0], java.util.stream.IntStream.range(0, matrix.size()).toArray(),
                    "every row of " + loaded.name(), seed, folds);
        }
        int[] testRows = RouterComparison.testRows(protocol, matrix.size());
        if (limit != null && limit < testRows.length) testRows = java.util.Arrays.copyOf(testRows, limit);
        OutcomeMatrix test = matrix.rows(testRows);
        String described = switch (protocol) {
            case RouterComparison.CrossValidation cv -> cv.folds() + "-fold cross-validation, seed " + cv.seed();
            case RouterComparison.Split s -> s.description() + (s.train().length > 0 ? ", seed " + s.seed() : "");
        };
        err.printf(Locale.ROOT, "replaying %s: %d questions × %d arms (%s)%n", loaded.name(), test.size(), test.armCount(), described);

        Map<String, Map<String, Outcome>> recorded = new HashMap<>();
        for (Outcome o : lines) recorded.computeIfAbsent(o.queryId(), k -> new HashMap<>()).put(o.arm().label(), o);

        Path cacheDir = paths.cache != null ? paths.cache : EmbeddingCache.defaultDirectory();
        float[][] x = LearnInputs.embed(matrix, cacheDir, err);
        List<Evaluation.Contestant> contestants = new ArrayList<>();
        for (Arm arm : test.arms()) contestants.add(Evaluation.Contestant.always(arm));
        Set<String> sweeps = new HashSet<>();
        try (CachedEncoder encoder = new CachedEncoder(Encoders.shared(), cacheDir)) {
            if (predictors != null) {
                for (String kind : predictors) {
                    List<RouterComparison.HeldOutModel> parts = RouterComparison.fit(kind, matrix, x, protocol, line -> err.println("  " + line), loaded.name());
                    // Row i of the test matrix is predicted by the part that held out its matrix row.
                    Map<Integer, Router> byRow = new HashMap<>();
                    for (RouterComparison.HeldOutModel part : parts) {
                        LearnedRouter router = new LearnedRouter(kind, matrix.arms(), encoder, new MemoizedQualityModel(part.quality()), part.cost(),
                                new CostAwarePolicy(0, part.cost().costScale()), null);
                        for (int row : part.testRows()) byRow.put(row, router);
                    }
                    int[] rows = testRows;
                    IntFunction<Router> routerFor = i -> byRow.get(rows[i]);
                    boolean sweep = alpha == null || alpha.contains("sweep");
                    if (sweep) sweeps.add(kind);
                    for (double a : alphas(true)) {
                        contestants.add(new Evaluation.Contestant(kind + " α=" + fmt(a), kind, Evaluation.Kind.ROUTER, a, routerFor));
                    }
                }
            }
            if (routerFiles != null) {
                for (Path f : routerFiles) {
                    LearnedRouter router = artifactRouter(f, test.arms(), encoder);
                    String group = router.name();
                    List<Double> as = alphas(false);
                    if (alpha != null && alpha.contains("sweep")) sweeps.add(group);
                    if (as.isEmpty()) {
                        contestants.add(new Evaluation.Contestant(group + " (α=" + fmt(router.policy().alpha()) + ")", group,
                                Evaluation.Kind.ROUTER, router.policy().alpha(), i -> router));
                    }
                    for (double a : as) contestants.add(new Evaluation.Contestant(group + " α=" + fmt(a), group, Evaluation.Kind.ROUTER, a, i -> router));
                }
            }
            err.printf(Locale.ROOT, "routing %d questions for %d contestants…%n", test.size(), contestants.size());
            long t0 = System.nanoTime();
            Evaluation.Result result = Evaluation.replay(loaded.name(), test, recorded, contestants);
            err.printf(Locale.ROOT, "routed in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            return report(result, described, sweeps);
        }
    }

    /** A router file's router over the replayed arms: arms the record lacks are never chosen. */
    private LearnedRouter artifactRouter(Path file, List<Arm> recordedArms, CachedEncoder encoder) {
        RouterArtifact artifact;
        try {
            artifact = RouterArtifact.read(file);
        } catch (IOException | RuntimeException e) {
            throw new CliException("--router " + file + ": " + e.getMessage());
        }
        if (!artifact.encoderId().equals(encoder.id())) {
            throw new CliException("--router " + file + ": trained with encoder " + artifact.encoderId() + ", this build embeds with " + encoder.id());
        }
        boolean[] allowed = new boolean[artifact.arms().size()];
        boolean any = false;
        for (int a = 0; a < allowed.length; a++) any |= allowed[a] = recordedArms.contains(artifact.arms().get(a));
        if (!any) {
            throw new CliException("--router " + file + ": none of its arms " + artifact.arms().stream().map(Arm::label).toList()
                    + " is in the replayed outcomes " + recordedArms.stream().map(Arm::label).toList());
        }
        LearnedRouter served = artifact.router(encoder, allowed);
        return new LearnedRouter(served.name(), served.arms(), encoder, new MemoizedQualityModel(served.qualityModel()),
                served.costModel(), served.policy(), allowed);
    }

    // ------------------------------------------------------------------ live

    private int live() throws Exception {
        if (config == null) throw new CliException("a live run needs the pool: --config FILE (or replay recorded outcomes with --replay)");
        if (predictors != null || routerFiles != null || testLog != null || testFraction != null) {
            throw new CliException("--predictors, --router, --test and --test-fraction are for --replay; live runs evaluate the config's profiles "
                    + "(add a trained router as a profile: router: FILE)");
        }
        if (fields != null && source.file == null) throw new CliException("--fields goes with --file");
        GatewayConfig cfg = Setup.load(config);
        Path root = source.file != null ? null : Setup.data(paths.data, cfg).root();
        Dataset ds = source.file != null ? fileDataset() : LiveSetup.dataset(source.dataset);
        String scorerName = scorer != null ? scorer : ds.scorer();
        try {
            Scorers.get(scorerName);
        } catch (RuntimeException e) {
            throw new CliException("--scorer: " + e.getMessage());
        }
        Loaded loaded = LiveSetup.load(ds, root == null ? Path.of("").toAbsolutePath() : root, limit, err);
        List<String> skipped = loaded.skipped();
        List<Example> examples = loaded.examples();
        if (examples.isEmpty()) throw new CliException(ds.name() + ": no questions to ask");
        List<Evaluation.Item> items = examples.stream().map(e -> new Evaluation.Item(e.id(), e.question(), e)).toList();

        List<Double> asked = alphas(false); // validated here even when no profile takes an α
        List<Evaluation.Contestant> contestants = new ArrayList<>();
        for (Arm arm : singleArms(cfg)) contestants.add(Evaluation.Contestant.always(arm));
        List<String> names = profiles != null ? profiles : new ArrayList<>(cfg.profiles().keySet());
        Set<String> sweeps = new HashSet<>();
        List<MultiRound> loops = new ArrayList<>();
        for (String n : names) {
            Profile p = cfg.profile(n.trim()).orElseThrow(() -> new CliException("--profiles: no profile '" + n + "' in " + config
                    + "; it has " + String.join(", ", cfg.profiles().keySet())));
            Router router = p.router();
            if (router instanceof MultiRound m) {
                loops.add(m);
                continue;
            }
            List<Double> as = router.acceptsConstraints() ? asked : List.of();
            if (alpha != null && alpha.contains("sweep") && router.acceptsConstraints()) sweeps.add(p.name());
            if (as.isEmpty()) contestants.add(new Evaluation.Contestant("profile " + p.name(), p.name(), Evaluation.Kind.PROFILE, null, i -> router));
            for (double a : as) contestants.add(new Evaluation.Contestant("profile " + p.name() + " α=" + fmt(a), p.name(), Evaluation.Kind.PROFILE, a, i -> router));
        }
        if (contestants.isEmpty()) {
            throw new CliException(loops.isEmpty() ? "nothing to evaluate: no profiles and --arms none"
                    : "a multi-round profile is measured beside single arms (they give the oracle and random routing): leave out --arms none");
        }
        if (!(rewardAlpha >= 0 && rewardAlpha <= 1)) throw new CliException("--reward-alpha must be in [0, 1], got " + rewardAlpha);
        Rewards.CostBasis basis = switch (rewardCost) {
            case "size" -> Rewards.CostBasis.SIZE_WEIGHTED;
            case "usd" -> Rewards.CostBasis.USD;
            default -> throw new CliException("--reward-cost: expected size or usd, got '" + rewardCost + "'");
        };

        Path dir = runDir != null ? runDir : Path.of("target", "runs", ds.name());
        err.printf(Locale.ROOT, "evaluating %s live: %d questions, %d contestants%s, concurrency %d, responses cached in %s%n",
                ds.name(), items.size(), contestants.size(), loops.isEmpty() ? "" : " and " + loops.size() + " multi-round profiles",
                concurrency, dir.toAbsolutePath());
        Scorer scoring = Scorers.get(scorerName);
        Map<String, Orchestrator> orchestrators = new LinkedHashMap<>();
        Evaluation.Result result = LiveSetup.run(cfg, () -> root, cfg.pool().cards().stream().map(ModelCard::name).toList(), dir,
                LiveSetup.options(concurrency, retries + 1, seed, maxTokens), err, "asking " + ds.name(), runner -> {
                    Evaluation.Result r = Evaluation.live(ds.name(), items, contestants, runner, scoring, skipped);
                    for (MultiRound m : loops) {
                        // Each call retried like single-arm answers, and cached in the run directory: a rerun replays finished loops.
                        Orchestrator o = Orchestrator.of(m, model -> runner.card(model),
                                model -> runner.forLoops(model, "multi-round:" + m.profile() + ":" + ds.name()), m.settings());
                        orchestrators.put(m.profile(), o);
                        Progress bar = new Progress(err, "multi-round " + m.profile());
                        try {
                            List<MultiRoundRun.Answer> answers = MultiRoundRun.run(o, items, scoring, concurrency, p -> bar.update(p.done(), p.total()));
                            r = r.withMultiRound("profile " + m.profile() + " (multi-round)", m.profile(), answers);
                        } finally {
                            bar.finish();
                        }
                    }
                    return r;
                });
        int code = report(result, "live: " + items.size() + " questions of " + ds.name() + " through " + config.getFileName(), sweeps);
        for (Evaluation.MultiRoundEntry e : result.multiRound()) {
            MultiRound m = loops.stream().filter(l -> l.profile().equals(e.group())).findFirst().orElseThrow();
            List<TrajectoryWriter.Trajectory> batch = e.answers().stream().filter(a -> !a.failed())
                    .map(a -> new TrajectoryWriter.Trajectory(a.item().id(), ds.name(), a.item().text(), a.item().example().gold(), a.result()))
                    .toList();
            Path file = out.resolve(stem(result) + "-trajectories-" + e.group().replaceAll("[^A-Za-z0-9._-]", "_") + ".jsonl");
            new TrajectoryWriter(m.candidates().keySet(), rewardAlpha, basis, orchestrators.get(m.profile()).systemPrompt()).write(batch, file);
            stdout.printf(Locale.ROOT, "trajectories of %s: %s (%d, rewards at α=%s, cost basis %s)%n", e.group(), file.toAbsolutePath(),
                    batch.size(), fmt(rewardAlpha), basis.label());
        }
        stdout.flush();
        return code;
    }

    private List<Arm> singleArms(GatewayConfig cfg) {
        if (arms != null && arms.size() == 1 && arms.getFirst().equals("none")) return List.of();
        return LiveSetup.arms(cfg, arms);
    }

    private Dataset fileDataset() {
        if (!Files.isRegularFile(source.file)) throw new CliException("--file " + source.file + ": no such file");
        Map<String, String> f = new HashMap<>(Map.of("question", "question", "answer", "answer"));
        if (fields != null) {
            for (String part : fields.split(",")) {
                String[] kv = part.split("=", 2);
                if (kv.length != 2 || kv[1].isBlank() || !Set.of("question", "answer", "id").contains(kv[0].trim())) {
                    throw new CliException("--fields: expected question=FIELD,answer=FIELD[,id=FIELD], got '" + part + "'");
                }
                f.put(kv[0].trim(), kv[1].trim());
            }
        }
        String stem = source.file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        return new JsonDataset(stem, source.file.toAbsolutePath(), f.get("question"), f.get("answer"), f.get("id"),
                scorer != null ? scorer : "qa-f1");
    }

    // ------------------------------------------------------------------ shared

    /** The α values asked for; the full grid for 'sweep' (or by default when {@code sweepByDefault}). */
    private List<Double> alphas(boolean sweepByDefault) {
        if (alpha == null) return sweepByDefault ? grid() : List.of();
        if (alpha.contains("sweep")) return grid();
        List<Double> out = new ArrayList<>();
        for (String s : alpha) {
            try {
                double a = Double.parseDouble(s.trim());
                if (!(a >= 0) || Double.isInfinite(a)) throw new NumberFormatException();
                out.add(a);
            } catch (NumberFormatException e) {
                throw new CliException("--alpha: expected numbers >= 0 or 'sweep', got '" + s + "'");
            }
        }
        return out;
    }

    private static List<Double> grid() {
        return java.util.Arrays.stream(AlphaSweep.defaultGrid()).boxed().toList();
    }

    private int report(Evaluation.Result result, String protocol, Set<String> sweeps) throws IOException {
        EvalReport report = EvalReport.of(result, protocol, sweeps);
        print(report);
        String stem = stem(result);
        Files.createDirectories(out);
        report.writeJson(out.resolve(stem + ".json"));
        report.writeCsv(out.resolve(stem + ".csv"));
        EvalReport.writeAnswersCsv(out.resolve(stem + "-answers.csv"), result, sweeps);
        stdout.println("reports: " + out.toAbsolutePath().resolve(stem) + ".{json,csv} and " + stem + "-answers.csv (one row per answer)");
        if (!noHtml) {
            HtmlReport html = HtmlReport.of(report);
            Path page = out.resolve(stem + ".html");
            html.writeHtml(page);
            html.writePng(out.resolve(stem + ".png"));
            stdout.println("HTML report: " + page.toAbsolutePath() + " (frontier plot: " + stem + ".png)");
        }
        int failures = report.failures();
        if (failures > 0) {
            stdout.printf(Locale.ROOT, "%d questions could not be evaluated (%d dataset rows skipped, the rest failed calls or missing answers): "
                    + "see the 'failed' column and %s-answers.csv; exit code 3%n", failures, result.skipped().size(), stem);
        }
        stdout.flush();
        return failures > 0 ? 3 : 0;
    }

    /** The reports' file name stem. */
    private String stem(Evaluation.Result result) {
        return name != null ? name : "eval-" + result.dataset().replaceFirst("\\.(jsonl|json)$", "").replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private void print(EvalReport r) {
        RouterComparison.Result c = r.comparison();
        stdout.printf(Locale.ROOT, "%s (%s): %d questions, %s%n", r.dataset(), r.mode(), r.questions(), r.protocol());
        boolean f1 = r.shown().stream().anyMatch(s -> !Double.isNaN(s.f1()));
        String head = "%-34s %8s" + (f1 ? " %7s %7s" : "%s%s") + " %12s %7s %7s %6s %6s %6s %8s %9s%n";
        stdout.printf(Locale.ROOT, head, "contestant", "quality", f1 ? "EM" : "", f1 ? "F1" : "", "cost/query", "strong", "think", "ok", "unpars", "failed", "out tok", "p50 ms");
        for (Evaluation.Summary s : r.shown()) {
            stdout.printf(Locale.ROOT, "%-34s %8s" + (f1 ? " %7s %7s" : "%s%s") + " %12s %7s %7s %6d %6d %6d %8s %9s%n", clip(s.name()),
                    num(s.quality(), 4), f1 ? num(s.em(), 4) : "", f1 ? num(s.f1(), 4) : "", usd(s.meanCost()),
                    pct(s.strongShare()), pct(s.thinkingRate()), s.scored(), s.unparsed(), s.failed(), num(s.outputTokens().mean(), 0),
                    num(s.latencyMs().p50(), 0));
        }
        stdout.printf(Locale.ROOT, "%-34s %8s" + (f1 ? " %7s %7s" : "%s%s") + " %12s%n", "oracle", num(c.oracle().accuracy(), 4), "", "",
                usd(c.oracle().meanCost()));
        for (EvalReport.MultiRound m : r.multiRound()) {
            stdout.printf(Locale.ROOT, "%s: %s sub-questions per question, size-weighted cost %s per question; loops ended: %s%n",
                    m.contestant(), num(m.meanSubQuestions(), 2), num(m.meanSizeWeighted(), 0), m.stops());
        }
        if (!c.routers().isEmpty()) {
            stdout.println();
            stdout.printf(Locale.ROOT, "%-34s %8s %12s %7s %7s %7s %8s %8s %12s%n", "frontier", "peak", "cost@peak", "APGR", "CPT50", "CPT80", "AIQ", "AIQ/orc", "match-best $");
            stdout.printf(Locale.ROOT, "%-34s %8s %12s %7.3f %7s %7s %8.4f %8.3f%n", "random (best mix of single arms)", "", "", 0.5, pct(0.5), pct(0.8),
                    c.aiqRandom(), c.aiqOracle() > 0 ? c.aiqRandom() / c.aiqOracle() : Double.NaN);
            for (RouterComparison.RouterResult rr : c.routers()) {
                RouterComparison.Metrics m = rr.metrics();
                stdout.printf(Locale.ROOT, "%-34s %8s %12s %7s %7s %7s %8s %8s %12s%n", clip(rr.kind() + " (" + rr.sweep().size() + " α)"),
                        num(m.peakQuality(), 4), usd(m.costAtPeak()), num(m.apgr(), 3), pct(m.cpt50()), pct(m.cpt80()), num(m.aiq(), 4),
                        num(m.aiqShareOfOracle(), 3), usd(m.costToMatchBest()));
            }
        }
    }

    private static String fmt(double a) {
        return a == 0 ? "0" : String.format(Locale.ROOT, "%.4g", a);
    }

    private static String num(double v, int decimals) {
        return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private static String usd(double v) {
        return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "$%.6f", v);
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%.0f%%", v * 100);
    }

    private static String clip(String s) {
        return s.length() <= 34 ? s : s.substring(0, 33) + "…";
    }
}
