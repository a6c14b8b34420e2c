package dev.thinkroute.llm.data;

import dev.thinkroute.llm.replay.DataLocation;
import dev.thinkroute.llm.replay.MissingDataException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Downloads the files of a {@link DataManifest} from GitHub into a datasets root and verifies them.
 *
 * <p>Each file comes from {@code {baseUrl}/{repo}/{commit}/{path}} (the path percent-encoded segment by segment), is
 * written to a temporary file next to its destination, checked against the manifest's size and SHA-256 and only then
 * moved into place atomically, so an interrupted or corrupted download never leaves a half file under the real name.
 * A file already present with the right hash is skipped. Server errors (5xx, 429) and broken connections are retried
 * with a doubling pause; an unknown host stops the whole fetch at once ({@link DataFetchException.Kind#OFFLINE}).
 */
public final class DataFetcher implements AutoCloseable {

    /** Where GitHub serves a file of a repository at a commit. */
    public static final String GITHUB_RAW = "https://raw.githubusercontent.com";

    /**
     * How downloads are made.
     *
     * @param baseUrl        prepended to {@code /{repo}/{commit}/{path}} ({@value #GITHUB_RAW} outside tests)
     * @param connectTimeout how long to wait for a connection
     * @param readTimeout    how long to wait for the response headers, and at most between two chunks of the body
     * @param maxAttempts    tries per file (at least 1) for 5xx/429 answers and network errors
     * @param backoff        the pause before the second try, doubled before each further one
     */
    public record Options(String baseUrl, Duration connectTimeout, Duration readTimeout, int maxAttempts, Duration backoff) {

        public static final Options DEFAULTS = new Options(GITHUB_RAW, Duration.ofSeconds(15), Duration.ofSeconds(60), 3,
                Duration.ofMillis(400));

        public Options {
            Objects.requireNonNull(baseUrl, "baseUrl");
            while (baseUrl.endsWith("/")) baseUrl = baseUrl.substring(0, baseUrl.length() - 1);
            URI u = URI.create(baseUrl);
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
                throw new IllegalArgumentException("base URL must be http or https: " + baseUrl);
            }
            Objects.requireNonNull(connectTimeout, "connectTimeout");
            Objects.requireNonNull(readTimeout, "readTimeout");
            Objects.requireNonNull(backoff, "backoff");
            if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be at least 1");
        }

        /** These options with another base URL. */
        public Options withBaseUrl(String url) {
            return new Options(url, connectTimeout, readTimeout, maxAttempts, backoff);
        }
    }

    /** What a check found for one file. */
    public enum Status {
        OK("ok"), MISSING("missing"), WRONG_SIZE("wrong size"), WRONG_HASH("wrong hash");

        private final String label;

        Status(String label) {
            this.label = label;
        }

        /** For messages: {@code ok}, {@code missing}, {@code wrong size}, {@code wrong hash}. */
        public String label() {
            return label;
        }
    }

    /**
     * One file checked against the manifest.
     *
     * @param entry      the manifest line
     * @param status     the verdict
     * @param actualSize the size found, or -1 when missing
     * @param actualHash the SHA-256 found, or {@code null} when missing or the size already differs
     */
    public record FileCheck(DataManifest.Entry entry, Status status, long actualSize, String actualHash) {

        public boolean ok() {
            return status == Status.OK;
        }

        /** A one-line explanation, e.g. {@code wrong size (expected 38011 bytes, found 12)}. */
        public String detail() {
            return switch (status) {
                case OK -> "ok";
                case MISSING -> "missing";
                case WRONG_SIZE -> String.format(Locale.ROOT, "wrong size (expected %d bytes, found %d)", entry.size(), actualSize);
                case WRONG_HASH -> "wrong hash (expected sha256 " + entry.sha256() + ", found " + actualHash + ")";
            };
        }
    }

    /** What happened to one file in a fetch. */
    public enum Outcome { PRESENT, FETCHED, FAILED }

    /**
     * One file's fetch.
     *
     * @param entry    the manifest line
     * @param outcome  present already, fetched now, or failed
     * @param url      where it was (or would be) downloaded from
     * @param attempts how many downloads were tried (0 when present)
     * @param took     the time spent on it
     * @param error    why it failed, or {@code null}
     */
    public record Result(DataManifest.Entry entry, Outcome outcome, String url, int attempts, Duration took, String error) {
    }

    /** Told after each file of a fetch, in order. */
    @FunctionalInterface
    public interface Listener {
        /**
         * @param index 1-based position of the file
         * @param total how many files the fetch covers
         */
        void onFile(int index, int total, Result result);
    }

    private static final HexFormat HEX = HexFormat.of();

    private final Options options;
    private final HttpClient client;
    private final ScheduledExecutorService watchdog;

    public DataFetcher(Options options) {
        this.options = Objects.requireNonNull(options, "options");
        this.client = HttpClient.newBuilder()
                .connectTimeout(options.connectTimeout())
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "thinkroute-data-fetch-watchdog");
            t.setDaemon(true);
            return t;
        });
    }

    public Options options() {
        return options;
    }

    /** The download URL of {@code entry} under {@code baseUrl}: {@code baseUrl/repo/commit/encoded-path}. */
    public static String url(String baseUrl, DataManifest.Entry entry) {
        String base = baseUrl;
        while (base.endsWith("/")) base = base.substring(0, base.length() - 1);
        return base + "/" + entry.repo() + "/" + entry.commit() + "/" + encodePath(entry.repoPath());
    }

    /** This fetcher's download URL for {@code entry}. */
    public String url(DataManifest.Entry entry) {
        return url(options.baseUrl(), entry);
    }

    /**
     * Percent-encodes each {@code /}-separated segment of {@code path} as UTF-8 (RFC 3986): everything but
     * {@code A-Z a-z 0-9 - . _ ~} is encoded, so a space becomes {@code %20} (not {@code +}), {@code +} becomes
     * {@code %2B}, {@code #} {@code %23}, {@code ?} {@code %3F} and {@code %} {@code %25}.
     */
    public static String encodePath(String path) {
        StringBuilder out = new StringBuilder(path.length() + 16);
        for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    // ---------------------------------------------------------------- checking

    /** Checks every file of {@code manifest} under {@code root} (a missing root makes every file missing). */
    public static List<FileCheck> check(Path root, DataManifest manifest) throws IOException {
        List<FileCheck> out = new ArrayList<>(manifest.entries().size());
        for (DataManifest.Entry e : manifest.entries()) out.add(check(root, e));
        return out;
    }

    /** Checks one file: missing, wrong size (not hashed then), wrong hash, or ok. */
    public static FileCheck check(Path root, DataManifest.Entry entry) throws IOException {
        Path file = entry.resolveIn(root);
        if (!Files.isRegularFile(file)) return new FileCheck(entry, Status.MISSING, -1, null);
        long size = Files.size(file);
        if (size != entry.size()) return new FileCheck(entry, Status.WRONG_SIZE, size, null);
        String hash = sha256(file);
        return new FileCheck(entry, hash.equals(entry.sha256()) ? Status.OK : Status.WRONG_HASH, size, hash);
    }

    /** The SHA-256 of a file, streamed, as lower-case hex. */
    public static String sha256(Path file) throws IOException {
        MessageDigest md = sha256();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) md.update(buf, 0, n);
        }
        return HEX.formatHex(md.digest());
    }

    // ---------------------------------------------------------------- fetching

    /**
     * Fetches every file of {@code manifest} that is not already under {@code root} with the right hash. A file that
     * fails (HTTP error, hash mismatch) is reported and the others are still fetched.
     *
     * @return one result per file, in manifest order
     * @throws DataFetchException of kind {@link DataFetchException.Kind#OFFLINE} when the host cannot be reached:
     *                            the fetch stops at the first such file
     */
    public List<Result> fetch(Path root, DataManifest manifest, Listener listener) throws DataFetchException {
        List<Result> out = new ArrayList<>();
        int total = manifest.entries().size();
        int i = 0;
        for (DataManifest.Entry e : manifest.entries()) {
            i++;
            Result r = fetchOne(root, e);
            out.add(r);
            if (listener != null) listener.onFile(i, total, r);
        }
        return out;
    }

    /**
     * Fetches one file unless it is present with the right hash.
     *
     * @throws DataFetchException only when the host cannot be reached ({@link DataFetchException.Kind#OFFLINE});
     *                            every other failure is a {@link Outcome#FAILED} result
     */
    public Result fetchOne(Path root, DataManifest.Entry entry) throws DataFetchException {
        long started = System.nanoTime();
        String url = url(entry);
        try {
            if (check(root, entry).ok()) return new Result(entry, Outcome.PRESENT, url, 0, elapsed(started), null);
        } catch (IOException e) {
            // Unreadable: try to replace it below, which reports the real problem if that fails too.
        }
        int[] attempts = {0};
        try {
            download(root, entry, url, attempts);
            return new Result(entry, Outcome.FETCHED, url, attempts[0], elapsed(started), null);
        } catch (DataFetchException e) {
            if (e.kind() == DataFetchException.Kind.OFFLINE) throw e;
            return new Result(entry, Outcome.FAILED, url, attempts[0], elapsed(started), e.getMessage());
        }
    }

    /** Downloads, verifies and moves one file into place, counting the tries in {@code attempts[0]}. */
    private void download(Path root, DataManifest.Entry entry, String url, int[] attempts) throws DataFetchException {
        Path target = entry.resolveIn(root);
        Path dir = target.getParent();
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(url))
                    .timeout(options.readTimeout())
                    .header("User-Agent", "thinkroute-data-fetch")
                    .GET().build();
        } catch (IllegalArgumentException e) {
            throw new DataFetchException(DataFetchException.Kind.IO, url, entry.localPath() + ": bad URL " + url + ": " + e.getMessage(), e);
        }
        DataFetchException last = null;
        for (int attempt = 1; attempt <= options.maxAttempts(); attempt++) {
            if (attempt > 1) pause(attempt);
            attempts[0] = attempt;
            Path tmp = null;
            try {
                HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
                int status = response.statusCode();
                if (status != 200) {
                    response.body().close();
                    DataFetchException failure = new DataFetchException(DataFetchException.Kind.HTTP, url,
                            entry.localPath() + ": HTTP " + status + " from " + url, null);
                    if (status >= 500 || status == 429) {
                        last = failure;
                        continue;
                    }
                    throw failure;
                }
                // Folders are made only once there is something to put in them, so a failed fetch leaves no empty ones.
                try {
                    Files.createDirectories(dir);
                    tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".part");
                } catch (IOException e) {
                    response.body().close();
                    throw new DataFetchException(DataFetchException.Kind.IO, null, entry.localPath() + ": cannot write in " + dir + ": " + e, e);
                }
                String[] hash = new String[1];
                long size = copy(response.body(), tmp, hash);
                if (size != entry.size() || !hash[0].equals(entry.sha256())) {
                    Files.deleteIfExists(tmp);
                    throw new DataFetchException(DataFetchException.Kind.MISMATCH, url, String.format(Locale.ROOT,
                            "%s: the download from %s does not match the manifest: expected sha256 %s (%d bytes), got sha256 %s (%d bytes); "
                                    + "the download was deleted", entry.localPath(), url, entry.sha256(), entry.size(), hash[0], size), null);
                }
                moveIntoPlace(tmp, target);
                tmp = null;
                return;
            } catch (DataFetchException e) {
                throw e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DataFetchException(DataFetchException.Kind.IO, url, entry.localPath() + ": interrupted", e);
            } catch (IOException e) {
                if (DataFetchException.unknownHost(e)) {
                    throw new DataFetchException(DataFetchException.Kind.OFFLINE, url, "cannot reach " + url + ": " + describe(e), e);
                }
                DataFetchException.Kind kind = DataFetchException.unreachable(e) ? DataFetchException.Kind.OFFLINE : DataFetchException.Kind.IO;
                last = new DataFetchException(kind, url, (kind == DataFetchException.Kind.OFFLINE ? "cannot reach " + url
                        : entry.localPath() + ": download from " + url + " failed") + ": " + describe(e), e);
            } finally {
                if (tmp != null) {
                    try {
                        Files.deleteIfExists(tmp);
                    } catch (IOException ignored) {
                        // best effort: a leftover .part file is harmless and ignored by check
                    }
                }
            }
        }
        String tries = options.maxAttempts() == 1 ? "" : " (after " + options.maxAttempts() + " tries)";
        throw new DataFetchException(last.kind(), last.url(), last.getMessage() + tries, last.getCause());
    }

    /** Streams the body into {@code tmp} while hashing it; a stall longer than the read timeout aborts. */
    private long copy(InputStream body, Path tmp, String[] hashOut) throws IOException {
        MessageDigest md = sha256();
        AtomicLong lastProgress = new AtomicLong(System.nanoTime());
        AtomicBoolean stalled = new AtomicBoolean();
        long limit = options.readTimeout().toNanos();
        long period = Math.max(20, options.readTimeout().toMillis() / 4);
        ScheduledFuture<?> guard = watchdog.scheduleAtFixedRate(() -> {
            if (System.nanoTime() - lastProgress.get() > limit && stalled.compareAndSet(false, true)) {
                try {
                    body.close();
                } catch (IOException ignored) {
                    // closing is only to unblock the reader
                }
            }
        }, period, period, TimeUnit.MILLISECONDS);
        long size = 0;
        try (InputStream in = body; OutputStream out = Files.newOutputStream(tmp)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                lastProgress.set(System.nanoTime());
                md.update(buf, 0, n);
                out.write(buf, 0, n);
                size += n;
            }
        } catch (IOException e) {
            if (stalled.get()) throw new IOException("no data for " + options.readTimeout().toSeconds() + " s", e);
            throw e;
        } finally {
            guard.cancel(false);
        }
        if (stalled.get()) throw new IOException("no data for " + options.readTimeout().toSeconds() + " s");
        hashOut[0] = HEX.formatHex(md.digest());
        return size;
    }

    private static void moveIntoPlace(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private void pause(int attempt) throws DataFetchException {
        long millis = options.backoff().toMillis() << Math.min(attempt - 2, 10);
        if (millis <= 0) return;
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DataFetchException(DataFetchException.Kind.IO, null, "interrupted", e);
        }
    }

    private static String describe(Throwable e) {
        // The JDK client wraps the real cause, often in an exception of the same class: name each class once.
        StringBuilder s = new StringBuilder();
        String lastName = null;
        String lastMessage = null;
        for (Throwable t = e; t != null && s.length() < 300; t = t.getCause()) {
            String name = t.getClass().getSimpleName();
            String message = t.getMessage() == null || t.getMessage().isBlank() ? null : t.getMessage();
            boolean sameName = name.equals(lastName);
            if (sameName && (message == null || message.equals(lastMessage))) continue;
            if (!s.isEmpty()) s.append(": ");
            if (!sameName) s.append(name);
            if (message != null && !message.equals(lastMessage)) s.append(sameName ? "" : " ").append(message);
            lastName = name;
            lastMessage = message;
            if (t.getCause() == t) break;
        }
        return s.toString();
    }

    private static Duration elapsed(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
        client.close();
    }

    // ---------------------------------------------------------------- where to

    /**
     * Where {@code thinkroute data fetch} writes (and {@code data check} looks) when given {@code explicit} or nothing.
     *
     * <ol>
     *   <li>{@code --data DIR}, created if absent;</li>
     *   <li>{@code $THINKROUTE_DATA}, created if absent;</li>
     *   <li>an existing datasets root found the way every other command finds it ({@link DataLocation});</li>
     *   <li>otherwise a new {@code <thinkroute.home>/../shared/datasets}: the place the other commands look at from
     *       any current directory, so nothing needs to be set afterwards; without {@code thinkroute.home},
     *       {@code ../shared/datasets} relative to the current directory.</li>
     * </ol>
     */
    public static DataLocation target(Path explicit) {
        return target(explicit, System::getenv, Path.of("").toAbsolutePath(), System.getProperty(DataLocation.HOME_PROPERTY));
    }

    /** {@link #target(Path)} with every input given, for tests. */
    public static DataLocation target(Path explicit, Function<String, String> env, Path cwd, String home) {
        if (explicit != null) return new DataLocation(cwd.resolve(explicit).toAbsolutePath().normalize(), "--data");
        String fromEnv = env.apply(DataLocation.ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return new DataLocation(cwd.resolve(fromEnv.trim()).toAbsolutePath().normalize(), DataLocation.ENV);
        }
        try {
            return DataLocation.resolve(null, env, cwd, home);
        } catch (MissingDataException e) {
            if (home != null && !home.isBlank()) {
                return new DataLocation(Path.of(home.trim()).resolve(DataLocation.RELATIVE).toAbsolutePath().normalize(),
                        "default: " + DataLocation.HOME_PROPERTY + "/" + DataLocation.RELATIVE + ", not there yet");
            }
            return new DataLocation(cwd.resolve(DataLocation.RELATIVE).toAbsolutePath().normalize(),
                    "default: " + DataLocation.RELATIVE + " relative to the current directory, not there yet");
        }
    }
}
