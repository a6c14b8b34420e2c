package dev.thinkroute.cli;

import com.sun.net.httpserver.HttpServer;
import dev.thinkroute.llm.data.DataFetchException;
import dev.thinkroute.llm.data.DataFetcher;
import dev.thinkroute.llm.data.DataManifest;
import dev.thinkroute.llm.replay.DataLocation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DataCommandTest {

    /** The real datasets root (read only here: every fetch writes into a @TempDir). */
    private static final Path DATA = DataLocation.resolve((Path) null).root();
    private static final String FOLDER = "r1searcher_qa_evalsets";
    private static final DataManifest SMALL = DataManifest.load().only(List.of(FOLDER));

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @TempDir
    Path tmp;

    private HttpServer server;
    private String base;
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, byte[]> served = new HashMap<>();

    @BeforeEach
    void start() throws IOException {
        for (DataManifest.Entry e : SMALL.entries()) {
            served.put("/" + e.repo() + "/" + e.commit() + "/" + DataFetcher.encodePath(e.repoPath()), Files.readAllBytes(e.resolveIn(DATA)));
        }
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            String path = ex.getRequestURI().getRawPath();
            requests.add(path);
            byte[] body = served.get(path);
            if (body == null) body = "404: Not Found".getBytes();
            ex.sendResponseHeaders(served.containsKey(path) ? 200 : 404, body.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(body);
            }
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    // ---------------------------------------------------------------- check

    @Test
    void checkOnTheRealDataSaysAllOkAndExitsZero() {
        Run r = run("data", "check", "--data", DATA.toString(), "--only", FOLDER);
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("ok         " + FOLDER + "/bamboogle.jsonl").contains("all 4 files ok");
    }

    @Test
    void checkReportsEachBadFileExitsThreeAndSaysWhatToRun() throws IOException {
        Path data = tmp.resolve("data");
        Files.createDirectories(data.resolve("adaptthink_testsets"));
        Files.copy(DATA.resolve("adaptthink_testsets/aime.json"), data.resolve("adaptthink_testsets/aime.json"));
        byte[] math = Files.readAllBytes(DATA.resolve("adaptthink_testsets/math.json"));
        math[10] ^= 1;
        Files.write(data.resolve("adaptthink_testsets/math.json"), math);
        Run r = run("data", "check", "--data", data.toString(), "--only", "adaptthink_testsets");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.out())
                .contains("datasets folder: " + data + " (from --data)")
                .contains("ok         adaptthink_testsets/aime.json")
                .contains("wrong hash adaptthink_testsets/math.json (expected sha256 ")
                .contains("missing    adaptthink_testsets/gsm8k.json")
                .contains("2 of 3 files not ok (1 missing, 1 damaged)")
                .contains("To fix, run: thinkroute data fetch --data " + data + " --only adaptthink_testsets");
    }

    @Test
    void checkOfAFolderThatDoesNotExistListsEverythingAsMissing() {
        Path nowhere = tmp.resolve("nowhere");
        Run r = run("data", "check", "--data", nowhere.toString());
        assertThat(r.code()).isEqualTo(3);
        int files = DataManifest.load().entries().size();
        assertThat(r.out()).contains("does not exist").contains(files + " of " + files + " files not ok (" + files + " missing")
                .contains("To fix, run: thinkroute data fetch --data " + nowhere)
                .doesNotContain("--only");
        assertThat(nowhere).doesNotExist();
    }

    @Test
    void anUnknownFolderIsAUserError() {
        Run r = run("data", "check", "--only", "routelm");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--only: unknown data folder 'routelm'").contains("routellm");
    }

    @Test
    void dataWithoutASubcommandSaysWhichOnesThereAre() {
        Run r = run("data");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("fetch").contains("check");
    }

    // ---------------------------------------------------------------- fetch

    @Test
    void fetchDownloadsFromTheLoopbackServerAndTheResultPassesCheckThenReRunsSkipEverything() throws IOException {
        Path data = tmp.resolve("data");
        Run r = run("data", "fetch", "--data", data.toString(), "--only", FOLDER, "--base-url", base);
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.err()).contains("fetching 4 files").contains("[1/4] " + FOLDER + "/hotpotqa_500.jsonl: fetched")
                .contains("[4/4] " + FOLDER + "/bamboogle.jsonl: fetched");
        assertThat(r.out()).contains("4 fetched, 0 already present, 0 failed")
                .contains("Other commands find it with --data " + data);
        for (DataManifest.Entry e : SMALL.entries()) assertThat(Files.mismatch(e.resolveIn(data), e.resolveIn(DATA))).isEqualTo(-1L);
        assertThat(requests).hasSize(4);

        Run check = run("data", "check", "--data", data.toString(), "--only", FOLDER);
        assertThat(check.code()).as(check.out()).isZero();

        Run again = run("data", "fetch", "--data", data.toString(), "--only", FOLDER, "--base-url", base);
        assertThat(again.code()).isZero();
        assertThat(again.out()).contains("0 fetched, 4 already present, 0 failed");
        assertThat(again.err()).contains("present (hash ok), skipped");
        assertThat(requests).hasSize(4);
    }

    @Test
    void dryRunListsUrlsAndDownloadsNothing() throws IOException {
        Path data = tmp.resolve("data");
        Files.createDirectories(data.resolve(FOLDER));
        Files.copy(DATA.resolve(FOLDER + "/bamboogle.jsonl"), data.resolve(FOLDER + "/bamboogle.jsonl"));
        Run r = run("data", "fetch", "--dry-run", "--data", data.toString(), "--only", FOLDER, "--base-url", base);
        assertThat(r.code()).as(r.err()).isZero();
        DataManifest.Entry hotpot = SMALL.entries().getFirst();
        assertThat(r.out()).contains("fetch    " + hotpot.localPath()).contains(DataFetcher.url(base, hotpot))
                .contains("present  " + FOLDER + "/bamboogle.jsonl")
                .contains("dry run: would fetch 3 of 4 files");
        assertThat(requests).isEmpty();
        assertThat(data.resolve(FOLDER + "/hotpotqa_500.jsonl")).doesNotExist();
    }

    @Test
    void dryRunShowsGitHubUrlsByDefault() {
        Run r = run("data", "fetch", "--dry-run", "--data", tmp.resolve("empty").toString(), "--only", "gsm8k_openai");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("https://raw.githubusercontent.com/openai/grade-school-math/3101c7d5072418e28b9008a6636bde82a006892c/"
                + "grade_school_math/data/test.jsonl");
        assertThat(tmp.resolve("empty")).doesNotExist();
    }

    @Test
    void aFileTheServerDoesNotHaveIsNamedWithItsUrlAndExitsThree() {
        DataManifest.Entry bamboogle = SMALL.entries().getLast();
        served.remove("/" + bamboogle.repo() + "/" + bamboogle.commit() + "/" + bamboogle.repoPath());
        Path data = tmp.resolve("data");
        Run r = run("data", "fetch", "--data", data.toString(), "--only", FOLDER, "--base-url", base);
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.out()).contains("3 fetched, 0 already present, 1 failed")
                .contains("HTTP 404 from " + DataFetcher.url(base, bamboogle))
                .contains("Re-run 'thinkroute data fetch --data " + data + " --only " + FOLDER + "'");
        assertThat(bamboogle.resolveIn(data)).doesNotExist();
    }

    @Test
    void anUnreachableServerSaysTheMachineSeemsOfflineAndHowToCopyTheFilesByHand() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        String nowhere = "http://127.0.0.1:" + closedPort;
        Path data = tmp.resolve("data");
        Run r = run("data", "fetch", "--data", data.toString(), "--only", FOLDER, "--base-url", nowhere);
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err())
                .contains("cannot reach " + DataFetcher.url(nowhere, SMALL.entries().getFirst()))
                .contains("seems to be offline")
                .contains("thinkroute data fetch --data DIR")
                .contains(FOLDER + "/  (4 files, e.g. " + FOLDER + "/hotpotqa_500.jsonl)")
                .contains("thinkroute data check --data " + data);
        assertThat(data).doesNotExist(); // a failed first fetch leaves no empty datasets folder behind
    }

    @Test
    void theOfflineMessageForAnUnknownHostNamesGitHubAndEveryFolder() {
        DataManifest all = DataManifest.load();
        String url = DataFetcher.url(DataFetcher.GITHUB_RAW, all.entries().getFirst());
        String msg = DataCommand.offline(new DataFetchException(DataFetchException.Kind.OFFLINE, url,
                "cannot reach " + url + ": UnknownHostException raw.githubusercontent.com", null), tmp, all);
        assertThat(msg).contains("cannot reach " + url).contains("blocks raw.githubusercontent.com")
                .contains("routellm/  (66 files, e.g. routellm/")
                .contains("llmrouter/  (6 files")
                .contains("adaptthink_testsets/", "fireact_hotpotqa/", "gsm8k_openai/", "r1searcher_qa_evalsets/");
    }

    @Test
    void missingDataMessagesSayHowToDownloadIt() {
        assertThat(DataLocation.HOW_TO_SET).contains("Pass --data <dir>").contains("thinkroute data fetch");
        assertThatThrownBy(() -> DataLocation.resolve(tmp.resolve("nowhere"))).hasMessageContaining("nowhere")
                .hasMessageContaining("Or download the data: thinkroute data fetch.");
    }
}
