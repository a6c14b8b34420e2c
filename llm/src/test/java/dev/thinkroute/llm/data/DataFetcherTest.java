package dev.thinkroute.llm.data;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.thinkroute.llm.replay.DataLocation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DataFetcherTest {

    /** The real datasets root, found the way the CLI finds it; fails (never skips) when absent. */
    private static final Path DATA = DataLocation.resolve((Path) null).root();
    private static final DataManifest MANIFEST = DataManifest.load();
    /** Two small real files from two sources: what the loopback server serves. */
    private static final DataManifest SMALL = new DataManifest(MANIFEST.entries().stream()
            .filter(e -> e.localPath().equals("r1searcher_qa_evalsets/bamboogle.jsonl") || e.localPath().equals("adaptthink_testsets/aime.json"))
            .toList());

    /** What the server answers for one request: status and body. */
    record Reply(int status, byte[] body) {
    }

    private HttpServer server;
    private ExecutorService executor;
    private String base;
    /** Raw request paths, in order. */
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    /** Raw path -> bytes served with 200. */
    private final Map<String, byte[]> files = new HashMap<>();
    /** Raw path -> replies to give first (a 500 before the real file, a corrupted body…). */
    private final Map<String, Deque<Reply>> scripted = new HashMap<>();
    /** Raw path -> milliseconds to stall after sending half the body. */
    private final Map<String, Integer> stalls = new HashMap<>();

    @TempDir
    Path tmp;

    @BeforeEach
    void start() throws IOException {
        assertThat(SMALL.entries()).hasSize(2);
        for (DataManifest.Entry e : SMALL.entries()) files.put(rawPath(e), Files.readAllBytes(e.resolveIn(DATA)));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        executor = Executors.newCachedThreadPool();
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        requests.add(path);
        Reply reply;
        synchronized (scripted) {
            Deque<Reply> queue = scripted.get(path);
            reply = queue != null && !queue.isEmpty() ? queue.poll() : null;
        }
        if (reply == null) {
            byte[] body = files.get(path);
            reply = body == null ? new Reply(404, "404: Not Found".getBytes(StandardCharsets.UTF_8)) : new Reply(200, body);
        }
        Integer stall = stalls.get(path);
        ex.sendResponseHeaders(reply.status(), reply.body().length);
        try (OutputStream out = ex.getResponseBody()) {
            if (stall != null) {
                out.write(reply.body(), 0, reply.body().length / 2);
                out.flush();
                try {
                    Thread.sleep(stall);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            out.write(reply.body());
        } catch (IOException e) {
            // the client gave up (stall test)
        }
    }

    private static String rawPath(DataManifest.Entry e) {
        return "/" + e.repo() + "/" + e.commit() + "/" + DataFetcher.encodePath(e.repoPath());
    }

    private DataFetcher fetcher() {
        return new DataFetcher(new DataFetcher.Options(base, Duration.ofSeconds(5), Duration.ofSeconds(5), 3, Duration.ofMillis(10)));
    }

    private static DataManifest.Entry entry(String local) {
        return MANIFEST.entries().stream().filter(e -> e.localPath().equals(local)).findFirst().orElseThrow();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private List<Path> filesUnder(Path root) throws IOException {
        if (!Files.exists(root)) return List.of();
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    // ---------------------------------------------------------------- fetching

    @Test
    void fetchedFilesAreByteIdenticalToTheLocalCopiesAndPassTheCheck() throws Exception {
        List<String> seen = new ArrayList<>();
        List<DataFetcher.Result> results;
        try (DataFetcher f = fetcher()) {
            results = f.fetch(tmp, SMALL, (i, n, r) -> seen.add(i + "/" + n + " " + r.entry().localPath() + " " + r.outcome()));
        }
        assertThat(results).extracting(DataFetcher.Result::outcome).containsOnly(DataFetcher.Outcome.FETCHED);
        assertThat(seen).containsExactly("1/2 adaptthink_testsets/aime.json FETCHED", "2/2 r1searcher_qa_evalsets/bamboogle.jsonl FETCHED");
        for (DataManifest.Entry e : SMALL.entries()) {
            assertThat(Files.mismatch(e.resolveIn(tmp), e.resolveIn(DATA))).as(e.localPath()).isEqualTo(-1L);
        }
        assertThat(DataFetcher.check(tmp, SMALL)).extracting(DataFetcher.FileCheck::status).containsOnly(DataFetcher.Status.OK);
        assertThat(filesUnder(tmp)).hasSize(2); // no .part files left behind
        assertThat(requests).containsExactly(rawPath(SMALL.entries().get(0)), rawPath(SMALL.entries().get(1)));
    }

    @Test
    void reRunningSkipsFilesAlreadyPresentWithTheRightHash() throws Exception {
        try (DataFetcher f = fetcher()) {
            f.fetch(tmp, SMALL, null);
            int before = requests.size();
            List<DataFetcher.Result> again = f.fetch(tmp, SMALL, null);
            assertThat(again).extracting(DataFetcher.Result::outcome).containsOnly(DataFetcher.Outcome.PRESENT);
            assertThat(requests).hasSize(before);
        }
    }

    @Test
    void aPresentFileWithTheWrongHashIsReplaced() throws Exception {
        DataManifest.Entry aime = entry("adaptthink_testsets/aime.json");
        Path target = aime.resolveIn(tmp);
        Files.createDirectories(target.getParent());
        Files.writeString(target, "stale");
        try (DataFetcher f = fetcher()) {
            assertThat(f.fetchOne(tmp, aime).outcome()).isEqualTo(DataFetcher.Outcome.FETCHED);
        }
        assertThat(Files.mismatch(target, aime.resolveIn(DATA))).isEqualTo(-1L);
    }

    @Test
    void aCorruptedDownloadIsRejectedWithBothHashesAndDeleted() throws Exception {
        DataManifest.Entry aime = entry("adaptthink_testsets/aime.json");
        byte[] bad = files.get(rawPath(aime)).clone();
        bad[100] ^= 1;
        scripted.put(rawPath(aime), new ArrayDeque<>(List.of(new Reply(200, bad))));
        DataFetcher.Result r;
        try (DataFetcher f = fetcher()) {
            r = f.fetchOne(tmp, aime);
        }
        assertThat(r.outcome()).isEqualTo(DataFetcher.Outcome.FAILED);
        assertThat(r.error()).contains("adaptthink_testsets/aime.json", "expected sha256 " + aime.sha256(), "got sha256 " + sha256(bad),
                "deleted");
        assertThat(filesUnder(tmp)).isEmpty();
        assertThat(requests).hasSize(1); // a mismatch is not retried
    }

    @Test
    void aTruncatedDownloadIsRejectedToo() throws Exception {
        DataManifest.Entry aime = entry("adaptthink_testsets/aime.json");
        byte[] good = files.get(rawPath(aime));
        byte[] shorter = java.util.Arrays.copyOf(good, good.length - 10);
        scripted.put(rawPath(aime), new ArrayDeque<>(List.of(new Reply(200, shorter))));
        DataFetcher.Result r;
        try (DataFetcher f = fetcher()) {
            r = f.fetchOne(tmp, aime);
        }
        assertThat(r.outcome()).isEqualTo(DataFetcher.Outcome.FAILED);
        assertThat(r.error()).contains("(" + aime.size() + " bytes)", "(" + shorter.length + " bytes)");
        assertThat(filesUnder(tmp)).isEmpty();
    }

    @Test
    void aServerErrorIsRetriedAndThenSucceeds() throws Exception {
        DataManifest.Entry aime = entry("adaptthink_testsets/aime.json");
        scripted.put(rawPath(aime), new ArrayDeque<>(List.of(new Reply(500, "boom".getBytes(StandardCharsets.UTF_8)))));
        DataFetcher.Result r;
        try (DataFetcher f = fetcher()) {
            r = f.fetchOne(tmp, aime);
        }
        assertThat(r.outcome()).as(r.error()).isEqualTo(DataFetcher.Outcome.FETCHED);
        assertThat(r.attempts()).isEqualTo(2);
        assertThat(requests).hasSize(2);
        assertThat(Files.mismatch(aime.resolveIn(tmp), aime.resolveIn(DATA))).isEqualTo(-1L);
    }

    @Test
    void aServerErrorThatPersistsFailsAfterTheLastTry() throws Exception {
        DataManifest.Entry aime = entry("adaptthink_testsets/aime.json");
        byte[] busy = "busy".getBytes(StandardCharsets.UTF_8);
        scripted.put(rawPath(aime), new ArrayDeque<>(List.of(new Reply(503, busy), new Reply(503, busy), new Reply(503, busy))));
        DataFetcher.Result r;
        try (DataFetcher f = fetcher()) {
            r = f.fetchOne(tmp, aime);
        }
        assertThat(r.outcome()).isEqualTo(DataFetcher.Outcome.FAILED);
        assertThat(r.error()).contains("HTTP 503", base + rawPath(aime), "after 3 tries");
        assertThat(requests).hasSize(3);
        assertThat(r.attempts()).isEqualTo(3);
        assertThat(filesUnder(tmp)).isEmpty();
    }

    @Test
    void aNotFoundNamesTheUrlAndTheOtherFilesAreStillFetched() throws Exception {
        DataManifest.Entry aime = entry("adaptthink_testsets/aime.json");
        files.remove(rawPath(aime));
        List<DataFetcher.Result> results;
        try (DataFetcher f = fetcher()) {
            results = f.fetch(tmp, SMALL, null);
        }
        assertThat(results.get(0).outcome()).isEqualTo(DataFetcher.Outcome.FAILED);
        assertThat(results.get(0).error()).contains("HTTP 404", base + rawPath(aime)).doesNotContain("tries");
        assertThat(results.get(1).outcome()).isEqualTo(DataFetcher.Outcome.FETCHED);
        assertThat(requests).hasSize(2); // a 404 is not retried
    }

    @Test
    void aStalledBodyTimesOutInsteadOfHanging() throws Exception {
        DataManifest.Entry aime = entry("adaptthink_testsets/aime.json");
        stalls.put(rawPath(aime), 3_000);
        DataFetcher.Result r;
        long started = System.nanoTime();
        try (DataFetcher f = new DataFetcher(new DataFetcher.Options(base, Duration.ofSeconds(5), Duration.ofMillis(300), 1, Duration.ZERO))) {
            r = f.fetchOne(tmp, aime);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(2_500));
        assertThat(r.outcome()).isEqualTo(DataFetcher.Outcome.FAILED);
        assertThat(r.error()).contains("no data for");
        assertThat(filesUnder(tmp)).isEmpty();
    }

    @Test
    void anUnreachableHostStopsTheFetchAsOfflineNamingTheUrl() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        String nowhere = "http://127.0.0.1:" + closedPort;
        try (DataFetcher f = new DataFetcher(new DataFetcher.Options(nowhere, Duration.ofSeconds(2), Duration.ofSeconds(2), 2, Duration.ZERO))) {
            assertThatThrownBy(() -> f.fetch(tmp, SMALL, null))
                    .isInstanceOfSatisfying(DataFetchException.class, e -> {
                        assertThat(e.kind()).isEqualTo(DataFetchException.Kind.OFFLINE);
                        assertThat(e.url()).isEqualTo(nowhere + rawPath(SMALL.entries().getFirst()));
                    })
                    .hasMessageContaining("cannot reach " + nowhere + rawPath(SMALL.entries().getFirst()));
        }
        assertThat(filesUnder(tmp)).isEmpty();
    }

    @Test
    void anUnknownHostCountsAsOfflineAndIsNotRetried() {
        IOException wrapped = new IOException("send failed", new UnknownHostException("raw.githubusercontent.com"));
        assertThat(DataFetchException.unknownHost(wrapped)).isTrue();
        assertThat(DataFetchException.unreachable(wrapped)).isTrue();
        assertThat(DataFetchException.unreachable(new java.net.ConnectException("refused"))).isTrue();
        assertThat(DataFetchException.unreachable(new IOException("reset"))).isFalse();
    }

    // ---------------------------------------------------------------- URLs

    @Test
    void urlsUseTheRepoCommitAndPercentEncodedPath() {
        DataManifest.Entry e = entry("routellm/routellm/evals/gsm8k/gsm8k_responses.csv");
        assertThat(DataFetcher.url(DataFetcher.GITHUB_RAW, e)).isEqualTo("https://raw.githubusercontent.com/lm-sys/RouteLLM/"
                + "0b64fdafe049e596a3f5657c219329f24af24198/routellm/evals/gsm8k/gsm8k_responses.csv");
        assertThat(DataFetcher.encodePath("data/with space/a+b#c?d%e/ü~x.json"))
                .isEqualTo("data/with%20space/a%2Bb%23c%3Fd%25e/%C3%BC~x.json");
        assertThat(DataFetcher.encodePath("benchmarks/mt-bench/gpt-4_single.jsonl")).isEqualTo("benchmarks/mt-bench/gpt-4_single.jsonl");
    }

    @Test
    void aPathThatNeedsEncodingIsRequestedEncodedAndFetched() throws Exception {
        byte[] body = "{\"x\": 1}\n".getBytes(StandardCharsets.UTF_8);
        DataManifest.Entry odd = new DataManifest.Entry("odd/with space/ü+#.json", "owner/repo", "0123456789abcdef0123456789abcdef01234567",
                "data/with space/ü+#%.json", body.length, sha256(body));
        String expected = "/owner/repo/0123456789abcdef0123456789abcdef01234567/data/with%20space/%C3%BC%2B%23%25.json";
        files.put(expected, body);
        DataFetcher.Result r;
        try (DataFetcher f = fetcher()) {
            r = f.fetchOne(tmp, odd);
        }
        assertThat(r.outcome()).as(r.error()).isEqualTo(DataFetcher.Outcome.FETCHED);
        assertThat(requests).containsExactly(expected);
        assertThat(tmp.resolve("odd").resolve("with space").resolve("ü+#.json")).hasBinaryContent(body);
    }

    // ---------------------------------------------------------------- check

    @Test
    void checkTellsOkMissingWrongSizeAndWrongHashApart() throws Exception {
        DataManifest.Entry aime = entry("adaptthink_testsets/aime.json");
        DataManifest.Entry math = entry("adaptthink_testsets/math.json");
        DataManifest.Entry gsm8k = entry("adaptthink_testsets/gsm8k.json");
        DataManifest.Entry bamboogle = entry("r1searcher_qa_evalsets/bamboogle.jsonl");
        Files.createDirectories(tmp.resolve("adaptthink_testsets"));
        Files.copy(aime.resolveIn(DATA), aime.resolveIn(tmp));
        Files.writeString(math.resolveIn(tmp), "short");
        byte[] flipped = Files.readAllBytes(gsm8k.resolveIn(DATA));
        flipped[0] ^= 1;
        Files.write(gsm8k.resolveIn(tmp), flipped);
        List<DataFetcher.FileCheck> checks = DataFetcher.check(tmp, new DataManifest(List.of(aime, math, gsm8k, bamboogle)));
        assertThat(checks).extracting(DataFetcher.FileCheck::status).containsExactly(DataFetcher.Status.OK, DataFetcher.Status.WRONG_SIZE,
                DataFetcher.Status.WRONG_HASH, DataFetcher.Status.MISSING);
        assertThat(checks.get(1).detail()).isEqualTo("wrong size (expected " + math.size() + " bytes, found 5)");
        assertThat(checks.get(2).detail()).contains(gsm8k.sha256(), sha256(flipped));
    }

    // ---------------------------------------------------------------- the real manifest

    @Test
    void theManifestCoversEveryDataFileUnderTheDatasetsRootAndNothingElse() throws IOException {
        Set<String> present = new TreeSet<>();
        try (Stream<Path> s = Files.walk(DATA)) {
            s.filter(Files::isRegularFile)
                    .map(p -> DATA.relativize(p).toString().replace('\\', '/'))
                    .filter(p -> !p.equals("README.md") && !p.endsWith("/SOURCE.md") && !p.contains("/.") && !p.startsWith("."))
                    .forEach(present::add);
        }
        Set<String> listed = new TreeSet<>();
        MANIFEST.entries().forEach(e -> listed.add(e.localPath()));
        assertThat(listed).as("manifest.tsv vs the files under " + DATA).isEqualTo(present);
        assertThat(MANIFEST.folders()).containsExactlyInAnyOrder("adaptthink_testsets", "fireact_hotpotqa", "gsm8k_openai", "llmrouter",
                "r1searcher_qa_evalsets", "routellm");
    }

    @Test
    void theManifestsSizesAndHashesMatchTheLocalCopies() throws IOException {
        long started = System.nanoTime();
        List<String> wrong = new ArrayList<>();
        for (DataFetcher.FileCheck c : DataFetcher.check(DATA, MANIFEST)) {
            if (!c.ok()) wrong.add(c.entry().localPath() + ": " + c.detail());
        }
        assertThat(wrong).isEmpty();
        // All of it is ~26 MB; hashing it should take well under a second, so every file is hashed.
        System.out.printf("hashed %d files, %d bytes, in %d ms%n", MANIFEST.entries().size(), MANIFEST.totalBytes(),
                Duration.ofNanos(System.nanoTime() - started).toMillis());
    }

    @Test
    void everyEntrysRepoAndCommitAreTheOnesItsFoldersSourceMdNames() throws IOException {
        for (DataManifest.Entry e : MANIFEST.entries()) {
            String source = Files.readString(DATA.resolve(e.folder()).resolve("SOURCE.md"));
            assertThat(source).as(e.localPath()).contains("https://github.com/" + e.repo()).contains(e.commit());
            String file = e.repoPath().substring(e.repoPath().lastIndexOf('/') + 1);
            assertThat(source).as(e.localPath() + " original file name").contains(file.replaceAll("^mmlu_.*\\.csv$", "mmlu_<subject>.csv"));
        }
    }

    // ---------------------------------------------------------------- parsing and selection

    @Test
    void theManifestRejectsMalformedLinesAndPathsThatEscapeTheRoot() {
        String good = "a/b.json\towner/repo\t0123456789abcdef0123456789abcdef01234567\tx/b.json\t3\t" + "0".repeat(64);
        assertThat(parse("# comment\n\n" + good + "\n").entries()).hasSize(1);
        assertThatThrownBy(() -> DataManifest.parse(stream(good.replace("\t3\t", "\t"))))
                .hasMessageContaining("line 1").hasMessageContaining("6 tab-separated fields");
        assertThatThrownBy(() -> DataManifest.parse(stream(good.replace("a/b.json", "a/../../etc/passwd")))).hasMessageContaining("..");
        assertThatThrownBy(() -> DataManifest.parse(stream(good.replace("a/b.json", "/abs/b.json")))).hasMessageContaining("relative");
        assertThatThrownBy(() -> DataManifest.parse(stream(good.replace("0123456789abcdef", "main")))).hasMessageContaining("commit");
        assertThatThrownBy(() -> DataManifest.parse(stream(good + "\n" + good))).hasMessageContaining("duplicate");
    }

    @Test
    void onlyKeepsTheNamedFoldersAndRejectsUnknownOnes() {
        assertThat(MANIFEST.only(List.of("routellm")).entries()).hasSize(66).allMatch(e -> e.folder().equals("routellm"));
        assertThat(MANIFEST.only(List.of("llmrouter/", " r1searcher_qa_evalsets")).folders()).containsExactly("llmrouter", "r1searcher_qa_evalsets");
        assertThat(MANIFEST.only(null)).isSameAs(MANIFEST);
        assertThatThrownBy(() -> MANIFEST.only(List.of("routelm"))).hasMessageContaining("unknown data folder 'routelm'")
                .hasMessageContaining("routellm");
    }

    private static DataManifest parse(String text) {
        try {
            return DataManifest.parse(stream(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ByteArrayInputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    // ---------------------------------------------------------------- where to

    @Test
    void theTargetIsDataThenTheEnvironmentThenAnExistingRootThenANewOneNextToTheCheckout() throws IOException {
        Path cwd = Files.createDirectories(tmp.resolve("work/repo"));
        Map<String, String> env = new HashMap<>();
        assertThat(DataFetcher.target(Path.of("mine"), env::get, cwd, null).root()).isEqualTo(cwd.resolve("mine"));
        assertThat(DataFetcher.target(Path.of("mine"), env::get, cwd, null).source()).isEqualTo("--data");
        env.put(DataLocation.ENV, tmp.resolve("fromenv").toString());
        assertThat(DataFetcher.target(null, env::get, cwd, null).root()).isEqualTo(tmp.resolve("fromenv")); // created later by fetch
        env.clear();
        Path home = Files.createDirectories(tmp.resolve("home/repo"));
        DataLocation fresh = DataFetcher.target(null, env::get, cwd, home.toString());
        assertThat(fresh.root()).isEqualTo(tmp.resolve("home/shared/datasets"));
        assertThat(fresh.source()).contains("not there yet");
        assertThat(DataFetcher.target(null, env::get, cwd, null).root()).isEqualTo(tmp.resolve("work/shared/datasets"));
        Files.createDirectories(tmp.resolve("work/shared/datasets"));
        assertThat(DataFetcher.target(null, env::get, cwd, home.toString()).root()).isEqualTo(tmp.resolve("work/shared/datasets"));
    }
}
