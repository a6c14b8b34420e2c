package dev.thinkroute.cli;

import dev.thinkroute.llm.data.DataFetchException;
import dev.thinkroute.llm.data.DataFetcher;
import dev.thinkroute.llm.data.DataManifest;
import dev.thinkroute.llm.replay.DataLocation;
import dev.thinkroute.llm.replay.MissingDataException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code thinkroute data fetch | check}: download the public datasets from GitHub, and verify them. */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = {"Download the public datasets thinkroute reads (RouteLLM, LLMRouter, GSM8K, …) from GitHub at pinned "
                + "commits, and check them against the sizes and SHA-256 hashes of the shipped manifest."},
        subcommands = {DataCommand.Fetch.class, DataCommand.Check.class})
final class DataCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: 'data fetch' or 'data check'");
    }

    /** The options both subcommands share. */
    static final class Where {
        @Option(names = "--data", paramLabel = "DIR", description = "Datasets root (default: $THINKROUTE_DATA, then an existing "
                + "../shared/datasets, else a new ../shared/datasets next to the thinkroute checkout).")
        Path data;

        @Option(names = "--only", split = ",", paramLabel = "FOLDER", description = "Only these folders, e.g. routellm,llmrouter "
                + "(default: all).")
        List<String> only;

        DataManifest manifest() {
            try {
                return DataManifest.load().only(only);
            } catch (IllegalArgumentException e) {
                throw new CliException("--only: " + e.getMessage());
            }
        }

        DataLocation target() {
            return DataFetcher.target(data);
        }
    }

    @Command(name = "fetch", mixinStandardHelpOptions = true,
            description = {"Download every dataset file that is missing or damaged from raw.githubusercontent.com at the commit "
                    + "its SOURCE.md names, verify its size and SHA-256, and move it into place. Files already present with "
                    + "the right hash are skipped, so it is safe to re-run.",
                    "Exit code 3 when some files failed; 2 when GitHub cannot be reached (the message says how to copy the files by hand)."})
    static final class Fetch implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @CommandLine.Mixin
        Where where = new Where();

        @Option(names = "--dry-run", description = "List what would be fetched (and from where) without downloading anything.")
        boolean dryRun;

        @Option(names = "--base-url", hidden = true, paramLabel = "URL", description = "Download from here instead of GitHub (tests).")
        String baseUrl;

        @Override
        public Integer call() throws IOException {
            PrintWriter o = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            DataManifest manifest = where.manifest();
            DataLocation loc = where.target();
            Path root = loc.root();
            DataFetcher.Options options;
            try {
                options = baseUrl == null ? DataFetcher.Options.DEFAULTS : DataFetcher.Options.DEFAULTS.withBaseUrl(baseUrl);
            } catch (IllegalArgumentException e) {
                throw new CliException("--base-url: " + e.getMessage());
            }
            if (Files.exists(root) && !Files.isDirectory(root)) throw new CliException(root + " exists and is not a directory");

            if (dryRun) {
                List<DataFetcher.FileCheck> checks = checkAll(root, manifest);
                long bytes = 0;
                int toFetch = 0;
                for (DataFetcher.FileCheck c : checks) {
                    if (c.ok()) {
                        o.printf(Locale.ROOT, "present  %s%n", c.entry().localPath());
                    } else {
                        toFetch++;
                        bytes += c.entry().size();
                        o.printf(Locale.ROOT, "fetch    %s  (%s, %s)  <- %s%n", c.entry().localPath(), megabytes(c.entry().size()),
                                c.status().label(), DataFetcher.url(options.baseUrl(), c.entry()));
                    }
                }
                o.printf(Locale.ROOT, "dry run: would fetch %d of %d files (%s) into %s; %d already present%n", toFetch, checks.size(),
                        megabytes(bytes), loc.describe(), checks.size() - toFetch);
                o.flush();
                return 0;
            }

            boolean created = !Files.exists(root);
            try {
                Files.createDirectories(root);
            } catch (IOException e) {
                throw new CliException("cannot create the datasets folder " + root + ": " + e.getMessage());
            }
            err.printf(Locale.ROOT, "fetching %d files (%s) into %s%n", manifest.entries().size(), megabytes(manifest.totalBytes()), loc.describe());
            err.flush();
            List<DataFetcher.Result> results;
            try (DataFetcher fetcher = new DataFetcher(options)) {
                results = fetcher.fetch(root, manifest, (i, n, r) -> {
                    String what = switch (r.outcome()) {
                        case PRESENT -> "present (hash ok), skipped";
                        case FETCHED -> String.format(Locale.ROOT, "fetched %s in %.1f s%s", megabytes(r.entry().size()),
                                r.took().toMillis() / 1000.0, r.attempts() > 1 ? " (" + r.attempts() + " tries)" : "");
                        case FAILED -> "FAILED: " + r.error();
                    };
                    err.printf(Locale.ROOT, "[%d/%d] %s: %s%n", i, n, r.entry().localPath(), what);
                    err.flush();
                });
            } catch (DataFetchException e) {
                if (created) deleteIfEmpty(root);
                if (e.kind() == DataFetchException.Kind.OFFLINE) throw new CliException(offline(e, root, manifest));
                throw new CliException(e.getMessage());
            }
            List<DataFetcher.Result> failed = results.stream().filter(r -> r.outcome() == DataFetcher.Outcome.FAILED).toList();
            long fetched = results.stream().filter(r -> r.outcome() == DataFetcher.Outcome.FETCHED).count();
            long present = results.stream().filter(r -> r.outcome() == DataFetcher.Outcome.PRESENT).count();
            o.printf(Locale.ROOT, "%d fetched, %d already present, %d failed; datasets folder %s%n", fetched, present, failed.size(), root);
            if (!failed.isEmpty()) {
                for (DataFetcher.Result r : failed) o.println("failed: " + r.error());
                o.println("Re-run '" + fetchCommand(loc, folders(failed.stream().map(DataFetcher.Result::entry).toList()))
                        + "' to try the failed files again.");
                o.flush();
                return 3;
            }
            String hint = findHint(loc);
            if (hint != null) o.println(hint);
            o.flush();
            return 0;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Check every dataset file against the manifest: ok, missing, wrong size or wrong hash.",
                    "Exit code 0 when all are ok, 3 otherwise (the output says what to run to fix it)."})
    static final class Check implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @CommandLine.Mixin
        Where where = new Where();

        @Override
        public Integer call() throws IOException {
            PrintWriter o = spec.commandLine().getOut();
            DataManifest manifest = where.manifest();
            DataLocation loc = where.target();
            Path root = loc.root();
            o.println("datasets folder: " + loc.describe() + (Files.isDirectory(root) ? "" : " — does not exist"));
            List<DataFetcher.FileCheck> checks = checkAll(root, manifest);
            List<DataManifest.Entry> bad = new ArrayList<>();
            for (DataFetcher.FileCheck c : checks) {
                o.printf(Locale.ROOT, "%-10s %s%s%n", c.status().label(), c.entry().localPath(),
                        switch (c.status()) {
                            case WRONG_SIZE -> String.format(Locale.ROOT, " (expected %d bytes, found %d)", c.entry().size(), c.actualSize());
                            case WRONG_HASH -> " (expected sha256 " + c.entry().sha256() + ", found " + c.actualHash() + ")";
                            default -> "";
                        });
                if (!c.ok()) bad.add(c.entry());
            }
            if (bad.isEmpty()) {
                o.printf(Locale.ROOT, "all %d files ok%n", checks.size());
                o.flush();
                return 0;
            }
            long missing = checks.stream().filter(c -> c.status() == DataFetcher.Status.MISSING).count();
            o.printf(Locale.ROOT, "%d of %d files not ok (%d missing, %d damaged). To fix, run: %s%n", bad.size(), checks.size(), missing,
                    bad.size() - missing, fetchCommand(loc, folders(bad)));
            o.flush();
            return 3;
        }
    }

    private static List<DataFetcher.FileCheck> checkAll(Path root, DataManifest manifest) {
        try {
            return DataFetcher.check(root, manifest);
        } catch (IOException e) {
            throw new CliException("cannot read the datasets under " + root + ": " + e.getMessage());
        } catch (UncheckedIOException e) {
            throw new CliException("cannot read the datasets under " + root + ": " + e.getCause().getMessage());
        }
    }

    /** The folders of {@code entries}, or {@code null} when that is every folder of the shipped manifest. */
    private static List<String> folders(List<DataManifest.Entry> entries) {
        Set<String> out = new LinkedHashSet<>();
        for (DataManifest.Entry e : entries) out.add(e.folder());
        return out.size() == DataManifest.load().folders().size() ? null : List.copyOf(out);
    }

    /** The fetch command that targets {@code loc} again, e.g. {@code thinkroute data fetch --data /x --only routellm}. */
    static String fetchCommand(DataLocation loc, List<String> only) {
        StringBuilder s = new StringBuilder("thinkroute data fetch");
        if (loc.source().equals("--data")) s.append(" --data ").append(quote(loc.root().toString()));
        if (only != null && !only.isEmpty()) s.append(" --only ").append(String.join(",", only));
        return s.toString();
    }

    /** When other commands would not find {@code loc} by themselves: how to point them at it. */
    private static String findHint(DataLocation loc) {
        try {
            if (DataLocation.resolve((Path) null).root().equals(loc.root())) return null;
        } catch (MissingDataException e) {
            // not found by default: say how
        }
        return "Other commands find it with --data " + quote(loc.root().toString()) + " or " + DataLocation.ENV + "=" + quote(loc.root().toString()) + ".";
    }

    /** The message for a machine that cannot reach GitHub: which URL, and how to copy the files by hand. */
    static String offline(DataFetchException e, Path root, DataManifest manifest) {
        StringBuilder s = new StringBuilder();
        s.append(e.getMessage()).append(System.lineSeparator());
        s.append("This machine seems to be offline (or a proxy or firewall blocks ")
                .append(e.url() == null ? "the download host" : hostOf(e.url())).append(").").append(System.lineSeparator());
        s.append("To copy the files by hand: on a machine with internet access run 'thinkroute data fetch --data DIR' (or download "
                + "the URLs that 'thinkroute data fetch --dry-run' lists), then copy DIR here as " + root
                + " (or anywhere, and pass --data / set " + DataLocation.ENV + "), keeping one folder per source:");
        s.append(System.lineSeparator());
        Set<String> shown = new LinkedHashSet<>();
        for (DataManifest.Entry entry : manifest.entries()) {
            if (shown.add(entry.folder())) {
                long n = manifest.entries().stream().filter(x -> x.folder().equals(entry.folder())).count();
                s.append("  ").append(entry.folder()).append("/  (").append(n).append(n == 1 ? " file" : " files").append(", e.g. ")
                        .append(entry.localPath()).append(")").append(System.lineSeparator());
            }
        }
        s.append("Then run 'thinkroute data check").append(" --data ").append(quote(root.toString())).append("' to verify them.");
        return s.toString();
    }

    private static String hostOf(String url) {
        try {
            String host = java.net.URI.create(url).getHost();
            return host == null ? url : host;
        } catch (IllegalArgumentException e) {
            return url;
        }
    }

    /** Removes a folder this run created when nothing landed in it, so a failed first fetch leaves no empty root behind. */
    private static void deleteIfEmpty(Path dir) {
        try (var entries = Files.list(dir)) {
            if (entries.findAny().isEmpty()) Files.delete(dir);
        } catch (IOException ignored) {
            // best effort
        }
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    private static String quote(String path) {
        return path.matches("[A-Za-z0-9_./:@%+=,-]+") ? path : "'" + path.replace("'", "'\\''") + "'";
    }
}
