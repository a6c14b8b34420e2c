package dev.thinkroute.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thinkroute.core.ModelCard;
import dev.thinkroute.core.metric.Baselines;
import dev.thinkroute.core.metric.Frontier;
import dev.thinkroute.core.metric.OutcomeMatrix;
import dev.thinkroute.eval.dataset.Datasets;
import dev.thinkroute.eval.dataset.Example;
import dev.thinkroute.eval.report.HtmlReport;
import dev.thinkroute.core.score.Scorer;
import dev.thinkroute.core.score.Scorers;
import dev.thinkroute.gateway.Gateway;
import dev.thinkroute.gateway.config.GatewayConfig;
import dev.thinkroute.learn.artifact.RouterArtifact;
import dev.thinkroute.learn.embed.MiniLmEncoder;
import dev.thinkroute.learn.predict.QualityModels;
import dev.thinkroute.learn.report.RouterComparison;
import dev.thinkroute.learn.train.Calibration;
import dev.thinkroute.learn.train.RouterTrainer;
import dev.thinkroute.learn.train.Target;
import dev.thinkroute.llm.replay.DataLocation;
import dev.thinkroute.llm.replay.MissingDataException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * {@code thinkroute demo}: the whole product on embedded defaults. RouteLLM's recorded GSM8K outcomes are split in
 * halves; a router is trained and calibrated on one, the gateway is started on a free loopback port over replay
 * upstreams with that router as profile {@code auto}, and every question of the other half is sent through it over
 * HTTP with the OpenAI protocol (at three α values and through the single-model profiles). The answers are scored
 * against GSM8K's gold and compared with each single model, random routing at the same cost and the oracle; an HTML
 * report of the router's whole cost/quality frontier is written.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Train a router on half of RouteLLM's recorded GSM8K answers (GPT-4 and Mixtral), start the gateway with it "
                + "on embedded defaults (no server, no key), send the other half through it over HTTP and score the answers.",
                "Prints accuracy, cost and strong-model share against each single model, random routing and the oracle, "
                + "and writes an HTML report."})
final class DemoCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One recorded table the demo routes over: the importer (the outcomes a router trains on), the dataset with the
     * gold answers, the embedded pool config whose replay models answer from the same table, and the scorer.
     */
    record Scenario(String key, String table, String goldDataset, String configResource, String scorer, String title,
                    String description) {
    }

    static final Scenario GSM8K = new Scenario("gsm8k", "routellm-gsm8k", "gsm8k", "/dev/thinkroute/cli/demo.yaml", "math",
            "GSM8K", "RouteLLM's recorded GSM8K answers");
    static final Scenario NQ = new Scenario("nq", "llmrouter-nq", "llmrouter-nq", "/dev/thinkroute/cli/demo-nq.yaml", "qa-f1",
            "NQ", "LLMRouter's recorded Natural Questions answers");

    @Option(names = "--data", paramLabel = "DIR", description = "Datasets root (default: $THINKROUTE_DATA, then ../shared/datasets).")
    Path data;

    @Option(names = "--cache", paramLabel = "DIR", defaultValue = "target/cache/embeddings",
            description = "Embedding cache, so a second demo starts at once (default: ${DEFAULT-VALUE}).")
    Path cache;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "target/reports", description = "Where the HTML report goes (default: ${DEFAULT-VALUE}).")
    Path reports;

    @Option(names = {"-n", "--questions"}, paramLabel = "N", description = "Send only the first N questions of the test half (default: all of it).")
    Integer questions;

    @Option(names = {"-p", "--predictor"}, defaultValue = "knn", description = "The router's quality predictor: knn, mlp, mf, cluster or ensemble (default: ${DEFAULT-VALUE}).")
    String predictor;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the 50/50 split and of training (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--concurrency", defaultValue = "4", description = "Requests in flight at once (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--tables", defaultValue = "gsm8k,nq", split = ",", description = "Which recorded tables to route over: gsm8k "
            + "(RouteLLM: GPT-4 vs Mixtral), nq (LLMRouter: six open models on Natural Questions) (default: ${DEFAULT-VALUE}).")
    List<String> tables;

    @Spec
    CommandSpec spec;

    private PrintWriter out;
    private PrintWriter err;

    /** One answer from the gateway, as the caller sees it. */
    record Answer(int row, String arm, String reason, String detail, double cost, String content, double score) {
    }

    /** One pass over the test questions, summarised. */
    record Pass(String label, double accuracy, double meanCost, double strongShare, List<Answer> answers) {
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (questions != null && questions < 1) throw new CliException("--questions must be at least 1, got " + questions);
        if (concurrency < 1 || concurrency > 64) throw new CliException("--concurrency must be between 1 and 64, got " + concurrency);
        try {
            QualityModels.trainer(predictor);
        } catch (IllegalArgumentException e) {
            throw new CliException("--predictor: " + e.getMessage());
        }
        List<Scenario> chosen = new ArrayList<>();
        for (String t : tables) {
            Scenario sc = switch (t.trim()) {
                case "gsm8k" -> GSM8K;
                case "nq" -> NQ;
                default -> throw new CliException("--tables: unknown table '" + t + "'; known: gsm8k, nq");
            };
            if (!chosen.contains(sc)) chosen.add(sc);
        }
        out = spec.commandLine().getOut();
        err = spec.commandLine().getErr();
        Logging.quiet();
        long started = System.nanoTime();
        DataLocation location;
        try {
            location = DataLocation.resolve(data);
        } catch (MissingDataException e) {
            throw new CliException(e.getMessage());
        }
        for (int i = 0; i < chosen.size(); i++) {
            if (i > 0) {
                out.println();
                out.println("-".repeat(100));
                out.println();
            }
            runScenario(chosen.get(i), location);
        }
        out.printf(Locale.ROOT, "demo finished in %.0f s. Point any OpenAI SDK at a gateway of your own: thinkroute serve --config FILE  (see README.md)%n",
                (System.nanoTime() - started) / 1e9);
        out.flush();
        return 0;
    }

    private void runScenario(Scenario sc, DataLocation location) throws IOException, InterruptedException {
        Path root = location.root();
        // 1. The outcome table, split in seeded halves.
        LearnInputs.Loaded loaded = LearnInputs.withFraction(LearnInputs.dataset(sc.table(), root, err), 0.5, seed);
        OutcomeMatrix all = loaded.matrix();
        int[] testRows = questions == null ? loaded.test() : Arrays.copyOf(loaded.test(), Math.min(questions, loaded.test().length));
        OutcomeMatrix train = all.rows(loaded.train());
        OutcomeMatrix test = all.rows(testRows);
        Map<String, List<String>> gold = gold(sc, root);
        out.printf(Locale.ROOT, "thinkroute demo: %s of %s, %d questions (%s)%n", sc.description(),
                all.arms().size() == 2 ? String.join(" and ", all.arms().stream().map(a -> a.model()).toList()) : all.arms().size() + " models",
                all.size(), location.describe());
        out.printf(Locale.ROOT, "  split 50/50 (seed %d): train a router on %d questions, send %d held-out questions through the gateway%n",
                seed, train.size(), test.size());

        // 2. Embed and train.
        float[][] x = LearnInputs.embed(all, cache, err);
        float[][] trainX = IntStream.of(loaded.train()).mapToObj(i -> x[i]).toArray(float[][]::new);
        Target target = Target.parse("quality-drop=0.01");
        RouterTrainer.Result trained = RouterTrainer.train(
                new RouterTrainer.Spec("demo-" + sc.key() + "-" + predictor, predictor, 5, seed, target, MiniLmEncoder.ID, MiniLmEncoder.DIMENSION),
                train, trainX, null, line -> { });
        int strongArm = RouterTrainer.bestArm(train);
        Calibration calibrated = trained.calibration();
        Calibration cheaper = Calibration.calibrate(Target.parse("quality-drop=0.05"), trained.sweep(), strongArm, train.meanScore(strongArm));
        out.printf(Locale.ROOT, "router '%s' trained in %.1f s on %d questions; α=%.3g calibrated for %s (out-of-fold: quality %.3f, %.0f%% of calls to %s)%n",
                trained.artifact().name(), trained.millis() / 1000.0, train.size(), calibrated.alpha(), target.label(),
                calibrated.achieved().quality(), 100 * calibrated.achieved().share(strongArm), train.arms().get(strongArm).model());

        Path dir = Files.createTempDirectory("thinkroute-demo-");
        try {
            trained.artifact().write(dir.resolve("router.json"));
            Path configFile = dir.resolve("demo.yaml");
            Files.writeString(configFile, resource(sc.configResource()));
            GatewayConfig cfg = Setup.load(configFile);
            // The best model on the training half, by the name the gateway knows it under.
            String strongModel = train.arms().get(strongArm).model();
            String strongCard = cfg.pool().cards().stream()
                    .filter(c -> c.name().equals(strongModel) || strongModel.equals(c.upstreamModel()))
                    .map(ModelCard::name).findFirst().orElse(strongModel);
            runGateway(sc, cfg, root, test, gold, calibrated.alpha(), cheaper.alpha(), strongCard);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }

        // 5. The report: the router's whole frontier on the same halves.
        RouterComparison.Result comparison = RouterComparison.run(sc.table(), all, x,
                new RouterComparison.Split(loaded.train(), loaded.test(), loaded.split(), seed, 5), List.of(predictor),
                null /* calibrated and printed above: no second round of calibration folds */, line -> { });
        Files.createDirectories(reports);
        HtmlReport report = HtmlReport.of(comparison);
        Path page = reports.resolve("demo-" + sc.key() + ".html");
        report.writeHtml(page);
        report.writePng(reports.resolve("demo-" + sc.key() + ".png"));
        out.println("HTML report (the router's whole cost/quality frontier on the test half): " + page.toAbsolutePath());
    }

    private void runGateway(Scenario sc, GatewayConfig cfg, Path root, OutcomeMatrix test, Map<String, List<String>> gold,
                            double alpha, double cheaperAlpha, String strongCard) throws IOException, InterruptedException {
        Scorer scorer = Scorers.get(sc.scorer());
        try (Gateway gateway = Setup.start(cfg, () -> root);
             HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            out.println("gateway on " + gateway.baseUrl() + " over replay upstreams:");
            for (ModelCard card : cfg.pool().cards()) {
                out.printf("  model %-20s $%s in / $%s out per 1M tokens%n", card.name(), card.prices().inputPerMillion(), card.prices().outputPerMillion());
            }
            out.println("  profile auto: " + cfg.profiles().get("auto").description());
            Client client = new Client(http, gateway.baseUrl());

            // 3. Every question at three α, then through each single model; the very first request is streamed.
            String first = test.queries().getFirst();
            List<Pass> passes = new ArrayList<>();
            passes.add(pass(client, test, gold, scorer, strongCard, "router α=" + fmt(alpha) + " (calibrated)", "auto", null));
            Answer streamed = passes.getFirst().answers().getFirst();
            out.printf(Locale.ROOT, "  first request streamed (model=auto, stream=true): %s [%s], %d chars in SSE chunks, $%.6f, answer %s, score %s%n",
                    streamed.arm(), streamed.reason(), streamed.content().length(), streamed.cost(), shortAnswer(streamed.content()),
                    Double.isNaN(streamed.score()) ? "— (no gold)" : String.format(Locale.ROOT, "%.2f", streamed.score()));
            passes.add(pass(client, test, gold, scorer, strongCard, "router α=" + fmt(cheaperAlpha) + " (cheaper)", "auto", cheaperAlpha));
            passes.add(pass(client, test, gold, scorer, strongCard, "router α=0 (best quality)", "auto", 0.0));
            List<Pass> singles = new ArrayList<>();
            for (ModelCard card : cfg.pool().cards()) {
                singles.add(pass(client, test, gold, scorer, strongCard, "always " + card.name(), card.name(), null));
            }
            singles.sort(Comparator.comparingDouble(Pass::meanCost));

            // 4./5. The table.
            out.println();
            out.printf(Locale.ROOT, "%d held-out %s questions; every answer came through the gateway and was scored against %s's gold (%s):%n",
                    test.size(), sc.title(), sc.title(), sc.scorer());
            out.printf(Locale.ROOT, "  %-34s %9s %12s %16s  %s%n", "", sc.scorer().equals("math") ? "accuracy" : "score", "$ / query",
                    "to " + shorten(strongCard, 16), "vs random at the same $");
            for (Pass p : singles) row(p.label(), p.accuracy(), p.meanCost(), p.strongShare(), "");
            List<Frontier.Point> points = singles.stream().map(p -> new Frontier.Point(p.meanCost(), p.accuracy(), p.label())).toList();
            Pass router = passes.getFirst();
            row("random at the router's cost", Baselines.randomAtCost(points, router.meanCost()), router.meanCost(),
                    singles.size() == 2 ? mixShare(singles.get(0), singles.get(1), router.meanCost()) : Double.NaN, "");
            for (Pass p : passes) {
                double random = Baselines.randomAtCost(points, p.meanCost());
                row(p.label(), p.accuracy(), p.meanCost(), p.strongShare(),
                        Double.isNaN(random) ? "" : String.format(Locale.ROOT, "%+.1f pt", 100 * (p.accuracy() - random)));
            }
            // The oracle: per question, the cheapest model with the best score (the cheapest one when none scored).
            double oracleScore = 0, oracleCost = 0, oracleStrong = 0;
            int judged = 0;
            for (int i = 0; i < test.size(); i++) {
                Answer pick = null;
                for (Pass p : singles) {
                    Answer a = p.answers().get(i);
                    if (Double.isNaN(a.score())) continue;
                    if (pick == null || a.score() > pick.score()) pick = a; // singles are cheapest first: ties keep the cheaper
                }
                if (pick == null) continue;
                judged++;
                oracleScore += pick.score();
                oracleCost += pick.cost();
                oracleStrong += pick.arm().startsWith(strongCard + ":") ? 1 : 0;
            }
            row("oracle (best model per question)", oracleScore / Math.max(1, judged), oracleCost / Math.max(1, judged),
                    oracleStrong / Math.max(1, judged), "");
            Pass strong = singles.stream().filter(p -> p.label().equals("always " + strongCard)).findFirst().orElse(singles.getLast());
            out.printf(Locale.ROOT, "  the calibrated router keeps %.1f%% of %s's %s at %.0f%% of its cost%n",
                    100 * router.accuracy() / strong.accuracy(), strongCard, sc.scorer().equals("math") ? "accuracy" : "score",
                    100 * router.meanCost() / strong.meanCost());
            // Singles are sorted cheapest first: the best model sits in the cheaper half when it is "also cheap".
            if (router.strongShare() >= 0.95 && singles.indexOf(strong) < singles.size() / 2) {
                out.printf(Locale.ROOT, "  (here %s is both the best model and one of the cheapest, so the router sends it nearly everything; "
                        + "the oracle's row is the headroom a per-question predictor could still win)%n", strongCard);
            }
            if (sc == GSM8K) {
                out.println();
                out.println("a bad request gets an OpenAI error object naming the field:");
                String cheapModel = singles.getFirst().label().substring("always ".length());
                ObjectNode bad = body(first, cheapModel);
                bad.put("reasoning_effort", "high");
                HttpResponse<String> r = client.post(bad);
                out.println("  model=" + cheapModel + ", reasoning_effort=high -> HTTP " + r.statusCode() + " " + r.body());
            }
            out.flush();
        }
    }

    private void row(String label, double accuracy, double cost, double strongShare, String note) {
        out.printf(Locale.ROOT, "  %-34s %9s %12s %16s  %s%n", label, Double.isNaN(accuracy) ? "—" : String.format(Locale.ROOT, "%.1f%%", 100 * accuracy),
                String.format(Locale.ROOT, "$%.6f", cost), Double.isNaN(strongShare) ? "—" : String.format(Locale.ROOT, "%.0f%%", 100 * strongShare), note);
    }

    /** The share of calls to the strong model that a random mix spending {@code cost} makes. */
    private static double mixShare(Pass cheap, Pass strong, double cost) {
        return strong.meanCost() == cheap.meanCost() ? Double.NaN : (cost - cheap.meanCost()) / (strong.meanCost() - cheap.meanCost());
    }

    private Pass pass(Client client, OutcomeMatrix test, Map<String, List<String>> gold, Scorer scorer, String strongCard, String label,
                      String model, Double alpha) throws InterruptedException {
        int n = test.size();
        Progress bar = new Progress(err, "model=" + model + (alpha == null ? "" : ", routing.alpha=" + fmt(alpha)));
        AtomicInteger done = new AtomicInteger();
        Answer[] answers = new Answer[n];
        try (ExecutorService pool = Executors.newFixedThreadPool(concurrency, Thread.ofVirtual().factory())) {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int row = i;
                futures.add(pool.submit(() -> {
                    String q = test.queries().get(row);
                    ObjectNode b = body(q, model);
                    if (alpha != null) b.putObject("routing").put("alpha", alpha);
                    Answer a = row == 0 && model.equals("auto") && alpha == null ? client.stream(q) : client.complete(row, b);
                    List<String> g = gold.get(normalise(q));
                    double s = g == null ? Double.NaN : scorer.score(a.content(), g).value();
                    answers[row] = new Answer(row, a.arm(), a.reason(), a.detail(), a.cost(), a.content(), s);
                    bar.update(done.incrementAndGet(), n);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    pool.shutdownNow();
                    if (e.getCause() instanceof CliException c) throw c;
                    throw new CliException("request failed: " + e.getCause(), 1);
                }
            }
        } finally {
            bar.finish();
        }
        List<Answer> list = List.of(answers);
        long scored = list.stream().filter(a -> !Double.isNaN(a.score())).count();
        if (scored < n) err.println(label + ": " + (n - scored) + " questions have no gold answer and were left out of the score");
        double accuracy = list.stream().filter(a -> !Double.isNaN(a.score())).mapToDouble(Answer::score).sum() / Math.max(1, scored);
        double cost = list.stream().mapToDouble(Answer::cost).sum() / n;
        double share = list.stream().filter(a -> a.arm().startsWith(strongCard + ":")).count() / (double) n;
        return new Pass(label, accuracy, cost, share, list);
    }

    /** The gold answers by question text (the same questions the recorded table holds). */
    private static Map<String, List<String>> gold(Scenario sc, Path root) {
        List<Example> examples;
        try {
            examples = Datasets.get(sc.goldDataset()).load(root).examples();
        } catch (MissingDataException e) {
            throw new CliException(e.getMessage());
        } catch (RuntimeException e) {
            throw new CliException("cannot read " + sc.title() + "'s gold answers under " + root + ": " + e.getMessage());
        }
        Map<String, List<String>> byText = new HashMap<>();
        for (Example e : examples) byText.put(normalise(e.question()), e.gold());
        return byText;
    }

    private static String normalise(String question) {
        return question.replaceAll("\\s+", " ").strip();
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = DemoCommand.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException(name + " is missing from the jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String fmt(double alpha) {
        return alpha == 0 ? "0" : String.format(Locale.ROOT, "%.3g", alpha);
    }

    private static ObjectNode body(String question, String model) {
        ObjectNode b = JSON.createObjectNode();
        b.put("model", model);
        b.putArray("messages").addObject().put("role", "user").put("content", question);
        return b;
    }

    /** The answer as a reader would spot it: the last {@code <answer>} tag's text, else the last number, else the text's start. */
    static String shortAnswer(String content) {
        if (content == null) return "";
        java.util.regex.Matcher tag = java.util.regex.Pattern.compile("<answer>(.*?)</answer>", java.util.regex.Pattern.DOTALL).matcher(content);
        String last = null;
        while (tag.find()) last = tag.group(1).strip();
        if (last != null) return "'" + shorten(last, 40) + "'";
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("-?\\$?\\d[\\d,]*(\\.\\d+)?").matcher(content);
        while (m.find()) last = m.group();
        return last != null ? last : "'" + shorten(content.strip(), 40) + "'";
    }

    private static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    /** A minimal OpenAI Chat Completions client over the JDK's HttpClient, as any SDK would call the gateway. */
    private record Client(HttpClient http, String baseUrl) {

        HttpResponse<String> post(ObjectNode body) throws IOException, InterruptedException {
            HttpRequest req = HttpRequest.newBuilder(URI.create(baseUrl + "/chat/completions"))
                    .header("Content-Type", "application/json")
                    .header("Authorization", "Bearer demo")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                    .build();
            return http.send(req, HttpResponse.BodyHandlers.ofString());
        }

        Answer complete(int row, ObjectNode body) throws IOException, InterruptedException {
            HttpResponse<String> r = post(body);
            JsonNode json = JSON.readTree(r.body());
            if (r.statusCode() != 200) throw new CliException("gateway answered " + r.statusCode() + ": " + json.path("error").path("message").asText(r.body()), 1);
            JsonNode routing = json.path("routing");
            return new Answer(row, routing.path("arm").asText(), routing.path("reason").asText(), routing.path("detail").asText(),
                    routing.path("cost_usd").asDouble(), json.path("choices").path(0).path("message").path("content").asText(), Double.NaN);
        }

        Answer stream(String question) throws IOException, InterruptedException {
            ObjectNode body = body(question, "auto");
            body.put("stream", true);
            body.putObject("stream_options").put("include_usage", true);
            HttpRequest req = HttpRequest.newBuilder(URI.create(baseUrl + "/chat/completions"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                    .build();
            HttpResponse<Stream<String>> r = http.send(req, HttpResponse.BodyHandlers.ofLines());
            if (r.statusCode() != 200) throw new CliException("gateway answered " + r.statusCode() + " to a stream request", 1);
            StringBuilder content = new StringBuilder();
            JsonNode tail = null;
            try (Stream<String> lines = r.body()) {
                for (String line : (Iterable<String>) lines::iterator) {
                    if (!line.startsWith("data: ") || line.equals("data: [DONE]")) continue;
                    JsonNode chunk = JSON.readTree(line.substring(6));
                    if (chunk.has("error")) throw new CliException("stream failed: " + chunk.path("error").path("message").asText(), 1);
                    JsonNode delta = chunk.path("choices").path(0).path("delta");
                    if (delta.hasNonNull("content")) content.append(delta.get("content").asText());
                    if (chunk.has("routing")) tail = chunk;
                }
            }
            if (tail == null) throw new CliException("stream ended without its routing chunk", 1);
            JsonNode routing = tail.path("routing");
            return new Answer(0, routing.path("arm").asText(), routing.path("reason").asText(), routing.path("detail").asText(),
                    routing.path("cost_usd").asDouble(), content.toString(), Double.NaN);
        }
    }
}
