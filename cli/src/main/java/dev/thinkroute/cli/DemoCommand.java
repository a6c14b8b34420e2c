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
import dev.thinkroute.eval.score.Scorer;
import dev.thinkroute.eval.score.Scorers;
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

    static final String TABLE = "routellm-gsm8k";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STRONG = "gpt-4-1106-preview";

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
        Path root = location.root();

        // 1. The outcome table, split in seeded halves.
        LearnInputs.Loaded loaded = LearnInputs.withFraction(LearnInputs.dataset(TABLE, root, err), 0.5, seed);
        OutcomeMatrix all = loaded.matrix();
        int[] testRows = questions == null ? loaded.test() : Arrays.copyOf(loaded.test(), Math.min(questions, loaded.test().length));
        OutcomeMatrix train = all.rows(loaded.train());
        OutcomeMatrix test = all.rows(testRows);
        Map<String, List<String>> gold = gold(root);
        out.printf(Locale.ROOT, "thinkroute demo: RouteLLM's recorded GSM8K answers of %s, %d questions (%s)%n",
                String.join(" and ", all.arms().stream().map(a -> a.model()).toList()), all.size(), location.describe());
        out.printf(Locale.ROOT, "  split 50/50 (seed %d): train a router on %d questions, send %d held-out questions through the gateway%n",
                seed, train.size(), test.size());

        // 2. Embed and train.
        float[][] x = LearnInputs.embed(all, cache, err);
        float[][] trainX = IntStream.of(loaded.train()).mapToObj(i -> x[i]).toArray(float[][]::new);
        Target target = Target.parse("quality-drop=0.01");
        RouterTrainer.Result trained = RouterTrainer.train(
                new RouterTrainer.Spec("demo-gsm8k-" + predictor, predictor, 5, seed, target, MiniLmEncoder.ID, MiniLmEncoder.DIMENSION),
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
            Files.writeString(configFile, resource("/dev/thinkroute/cli/demo.yaml"));
            GatewayConfig cfg = Setup.load(configFile);
            runGateway(cfg, root, test, testRows, all, gold, calibrated.alpha(), cheaper.alpha());
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }

        // 5. The report: the router's whole frontier on the same halves.
        RouterComparison.Result comparison = RouterComparison.run(TABLE, all, x,
                new RouterComparison.Split(loaded.train(), loaded.test(), loaded.split(), seed, 5), List.of(predictor),
                null /* calibrated and printed above: no second round of calibration folds */, line -> { });
        Files.createDirectories(reports);
        HtmlReport report = HtmlReport.of(comparison);
        Path page = reports.resolve("demo-gsm8k.html");
        report.writeHtml(page);
        report.writePng(reports.resolve("demo-gsm8k.png"));
        out.println("HTML report (the router's whole cost/quality frontier on the test half): " + page.toAbsolutePath());
        out.printf(Locale.ROOT, "demo finished in %.0f s. Point any OpenAI SDK at a gateway of your own: thinkroute serve --config FILE  (see README.md)%n",
                (System.nanoTime() - started) / 1e9);
        out.flush();
        return 0;
    }

    private void runGateway(GatewayConfig cfg, Path root, OutcomeMatrix test, int[] testRows, OutcomeMatrix all,
                            Map<String, List<String>> gold, double alpha, double cheaperAlpha) throws IOException, InterruptedException {
        Scorer scorer = Scorers.get("math");
        try (Gateway gateway = Setup.start(cfg, () -> root);
             HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            out.println("gateway on " + gateway.baseUrl() + " over replay upstreams:");
            for (ModelCard card : cfg.pool().cards()) {
                out.printf("  model %-20s $%s in / $%s out per 1M tokens%n", card.name(), card.prices().inputPerMillion(), card.prices().outputPerMillion());
            }
            out.println("  profile auto: " + cfg.profiles().get("auto").description());
            Client client = new Client(http, gateway.baseUrl());

            // 3. Every question at three α, then through each single-model profile; the very first request is streamed.
            String first = test.queries().getFirst();
            List<Pass> passes = new ArrayList<>();
            passes.add(pass(client, test, gold, scorer, "router α=" + fmt(alpha) + " (calibrated)", "auto", null));
            Answer streamed = passes.getFirst().answers().getFirst();
            out.printf(Locale.ROOT, "  first request streamed (model=auto, stream=true): %s [%s], %d chars in SSE chunks, $%.6f, answer %s, %s%n",
                    streamed.arm(), streamed.reason(), streamed.content().length(), streamed.cost(), finalAnswer(streamed.content()),
                    Double.isNaN(streamed.score()) ? "no gold" : streamed.score() >= 1 ? "correct" : "wrong");
            passes.add(pass(client, test, gold, scorer, "router α=" + fmt(cheaperAlpha) + " (cheaper)", "auto", cheaperAlpha));
            passes.add(pass(client, test, gold, scorer, "router α=0 (best quality)", "auto", 0.0));
            Pass cheap = pass(client, test, gold, scorer, "always mixtral-8x7b", "cheap", null);
            Pass strong = pass(client, test, gold, scorer, "always gpt-4-1106-preview", "strong", null);

            // 4./5. The table.
            out.println();
            out.printf(Locale.ROOT, "%d held-out GSM8K questions; every answer came through the gateway and was scored against GSM8K's gold:%n", test.size());
            out.printf(Locale.ROOT, "  %-34s %9s %12s %9s  %s%n", "", "accuracy", "$ / query", "to GPT-4", "vs random at the same $");
            row(cheap.label(), cheap.accuracy(), cheap.meanCost(), cheap.strongShare(), "");
            row(strong.label(), strong.accuracy(), strong.meanCost(), strong.strongShare(), "");
            List<Frontier.Point> singles = List.of(new Frontier.Point(cheap.meanCost(), cheap.accuracy(), cheap.label()),
                    new Frontier.Point(strong.meanCost(), strong.accuracy(), strong.label()));
            Pass router = passes.getFirst();
            row("random at the router's cost", Baselines.randomAtCost(singles, router.meanCost()), router.meanCost(), mixShare(cheap, strong, router.meanCost()), "");
            for (Pass p : passes) {
                double random = Baselines.randomAtCost(singles, p.meanCost());
                row(p.label(), p.accuracy(), p.meanCost(), p.strongShare(),
                        Double.isNaN(random) ? "" : String.format(Locale.ROOT, "%+.1f pt", 100 * (p.accuracy() - random)));
            }
            // The oracle: per question, the cheapest model that answered it correctly (the cheap one when neither did).
            double oracleCorrect = 0, oracleCost = 0, oracleStrong = 0;
            for (int i = 0; i < test.size(); i++) {
                Answer c = cheap.answers().get(i), s = strong.answers().get(i);
                boolean useStrong = !(c.score() >= 1) && s.score() >= 1;
                Answer pick = useStrong ? s : c;
                oracleCorrect += Double.isNaN(pick.score()) ? 0 : pick.score();
                oracleCost += pick.cost();
                oracleStrong += useStrong ? 1 : 0;
            }
            row("oracle (best model per question)", oracleCorrect / test.size(), oracleCost / test.size(), oracleStrong / test.size(), "");
            out.printf(Locale.ROOT, "  the calibrated router keeps %.1f%% of GPT-4's accuracy at %.0f%% of its cost%n",
                    100 * router.accuracy() / strong.accuracy(), 100 * router.meanCost() / strong.meanCost());
            out.println();
            out.println("a bad request gets an OpenAI error object naming the field:");
            ObjectNode bad = body(first, "mixtral-8x7b");
            bad.put("reasoning_effort", "high");
            HttpResponse<String> r = client.post(bad);
            out.println("  model=mixtral-8x7b, reasoning_effort=high -> HTTP " + r.statusCode() + " " + r.body());
            out.flush();
        }
    }

    private void row(String label, double accuracy, double cost, double strongShare, String note) {
        out.printf(Locale.ROOT, "  %-34s %9s %12s %9s  %s%n", label, Double.isNaN(accuracy) ? "—" : String.format(Locale.ROOT, "%.1f%%", 100 * accuracy),
                String.format(Locale.ROOT, "$%.6f", cost), Double.isNaN(strongShare) ? "—" : String.format(Locale.ROOT, "%.0f%%", 100 * strongShare), note);
    }

    /** The share of calls to the strong model that a random mix spending {@code cost} makes. */
    private static double mixShare(Pass cheap, Pass strong, double cost) {
        return strong.meanCost() == cheap.meanCost() ? Double.NaN : (cost - cheap.meanCost()) / (strong.meanCost() - cheap.meanCost());
    }

    private Pass pass(Client client, OutcomeMatrix test, Map<String, List<String>> gold, Scorer scorer, String label, String model, Double alpha)
            throws InterruptedException {
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
        if (scored < n) err.println(label + ": " + (n - scored) + " questions have no GSM8K gold and were left out of the accuracy");
        double accuracy = list.stream().filter(a -> !Double.isNaN(a.score())).mapToDouble(Answer::score).sum() / Math.max(1, scored);
        double cost = list.stream().mapToDouble(Answer::cost).sum() / n;
        double share = list.stream().filter(a -> a.arm().startsWith(STRONG + ":")).count() / (double) n;
        return new Pass(label, accuracy, cost, share, list);
    }

    /** GSM8K's gold answers by question text (the same 1,319 questions RouteLLM recorded). */
    private static Map<String, List<String>> gold(Path root) {
        List<Example> examples;
        try {
            examples = Datasets.get("gsm8k").load(root).examples();
        } catch (MissingDataException e) {
            throw new CliException(e.getMessage());
        } catch (RuntimeException e) {
            throw new CliException("cannot read GSM8K's gold answers under " + root + ": " + e.getMessage());
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

    static String finalAnswer(String content) {
        if (content == null) return "";
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("-?\\$?\\d[\\d,]*(\\.\\d+)?").matcher(content);
        String last = "";
        while (m.find()) last = m.group();
        return last;
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
