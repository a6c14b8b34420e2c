package dev.thinkroute.learn.outcome;

import dev.thinkroute.core.Prices;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where an outcome log came from: written next to the log as {@code <log>.provenance.json} (see
 * {@link OutcomeLog#provenancePath(Path)}), so a number in a report can be traced to the exact source files and to
 * the assumptions that turned them into costs.
 *
 * @param importer    the importer's registry name, or whatever produced the log ({@code gateway}, {@code collect})
 * @param dataset     the dataset name the outcomes carry
 * @param dataRoot    the absolute datasets root the source paths are relative to, or {@code null}
 * @param sources     the files read, with their SHA-256, so a changed source is detected
 * @param costMethod  how {@code cost_usd} and the token counts were derived, in words
 * @param prices      the prices used, by model, in USD per 1M tokens
 * @param notes       further choices and findings worth keeping (ambiguous joins, duplicates, estimates)
 * @param command     the command or call that produced the log
 * @param created     when, ISO-8601 UTC
 * @param rowsRead    records read from the source files
 * @param rowsSkipped records skipped as bad or unjoinable (each listed by the importer as {@code file:line: why})
 * @param outcomes    outcomes written
 */
public record Provenance(
        String importer,
        String dataset,
        String dataRoot,
        List<SourceFile> sources,
        String costMethod,
        Map<String, Prices> prices,
        List<String> notes,
        String command,
        String created,
        long rowsRead,
        long rowsSkipped,
        long outcomes) {

    public Provenance {
        Objects.requireNonNull(importer, "importer");
        sources = sources == null ? List.of() : List.copyOf(sources);
        // Insertion order is kept: prices read back list models in the order they were written.
        prices = prices == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(prices));
        notes = notes == null ? List.of() : List.copyOf(notes);
    }

    /**
     * One source file.
     *
     * @param path   relative to {@link Provenance#dataRoot()} (forward slashes), or absolute when outside it
     * @param sha256 lower-case hex SHA-256 of the file's bytes
     * @param bytes  the file's size
     */
    public record SourceFile(String path, String sha256, long bytes) {
        public SourceFile {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(sha256, "sha256");
        }

        /** Hashes {@code file}, naming it relative to {@code root} when it lies under it. */
        public static SourceFile of(Path root, Path file) {
            Path abs = file.toAbsolutePath().normalize();
            Path base = root == null ? null : root.toAbsolutePath().normalize();
            String name = base != null && abs.startsWith(base)
                    ? base.relativize(abs).toString().replace('\\', '/')
                    : abs.toString();
            try {
                return new SourceFile(name, Provenance.sha256(abs), Files.size(abs));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot hash " + abs + ": " + e, e);
            }
        }
    }

    /** The same provenance with another command line (the CLI records the one the user typed). */
    public Provenance withCommand(String newCommand) {
        return new Provenance(importer, dataset, dataRoot, sources, costMethod, prices, notes, newCommand, created,
                rowsRead, rowsSkipped, outcomes);
    }

    /** The current time in the form {@link #created()} uses, to the second. */
    public static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /**
     * Checks the recorded hashes against the files under {@code root} (or {@link #dataRoot()} when {@code root} is
     * {@code null}).
     *
     * @return one line per file that is missing or differs; empty when every source is unchanged
     */
    public List<String> checkSources(Path root) {
        Path base = root != null ? root : dataRoot == null ? null : Path.of(dataRoot);
        List<String> problems = new ArrayList<>();
        for (SourceFile s : sources) {
            Path p = Path.of(s.path());
            Path file = p.isAbsolute() || base == null ? p : base.resolve(p);
            if (!Files.isRegularFile(file)) {
                problems.add(file + ": missing (recorded sha256 " + s.sha256() + ")");
                continue;
            }
            SourceFile now = SourceFile.of(base, file);
            if (!now.sha256().equals(s.sha256())) {
                problems.add(file + ": changed since import (sha256 " + now.sha256() + ", recorded " + s.sha256() + ")");
            }
        }
        return problems;
    }

    /** Lower-case hex SHA-256 of a file, streamed. */
    public static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) digest.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
