package dev.thinkroute.llm.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The files under the datasets root that thinkroute reads, each with where it comes from on GitHub (repository,
 * pinned commit, path there) and the size and SHA-256 it must have. Read from the resource {@value #RESOURCE}, one
 * tab-separated line per file; {@code #} lines are comments.
 *
 * @param entries every file, in manifest order
 */
public record DataManifest(List<Entry> entries) {

    /** The classpath resource holding the shipped manifest. */
    public static final String RESOURCE = "/dev/thinkroute/llm/data/manifest.tsv";

    private static final Pattern REPO = Pattern.compile("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+");
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    /**
     * One file.
     *
     * @param localPath where it sits under the datasets root, with {@code /} separators, e.g.
     *                  {@code routellm/routellm/evals/gsm8k/gsm8k_responses.csv}; its first segment is the folder
     * @param repo      the GitHub repository, {@code owner/name}
     * @param commit    the commit it is taken from, 40 hex digits
     * @param repoPath  its path in that repository at that commit, unencoded
     * @param size      its size in bytes
     * @param sha256    its SHA-256, 64 lower-case hex digits
     */
    public record Entry(String localPath, String repo, String commit, String repoPath, long size, String sha256) {

        public Entry {
            checkRelative(localPath, "local path");
            if (!localPath.contains("/")) throw new IllegalArgumentException("local path " + localPath + " must start with its folder");
            Objects.requireNonNull(repo, "repo");
            if (!REPO.matcher(repo).matches()) throw new IllegalArgumentException("repo must be owner/name: " + repo);
            Objects.requireNonNull(commit, "commit");
            if (!COMMIT.matcher(commit).matches()) throw new IllegalArgumentException("commit must be 40 lower-case hex digits: " + commit);
            checkRelative(repoPath, "repo path");
            if (size < 0) throw new IllegalArgumentException("negative size for " + localPath);
            Objects.requireNonNull(sha256, "sha256");
            if (!SHA256.matcher(sha256).matches()) throw new IllegalArgumentException("sha256 must be 64 lower-case hex digits: " + sha256);
        }

        /** The top-level folder under the datasets root, e.g. {@code routellm}. */
        public String folder() {
            return localPath.substring(0, localPath.indexOf('/'));
        }

        /** Where the file belongs under {@code root}. */
        public Path resolveIn(Path root) {
            Path p = root;
            for (String segment : localPath.split("/")) p = p.resolve(segment);
            return p;
        }
    }

    public DataManifest {
        entries = List.copyOf(entries);
        Set<String> seen = new HashSet<>();
        for (Entry e : entries) {
            if (!seen.add(e.localPath())) throw new IllegalArgumentException("duplicate local path in the manifest: " + e.localPath());
        }
    }

    /** The manifest shipped with thinkroute. */
    public static DataManifest load() {
        try (InputStream in = DataManifest.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException("the data manifest " + RESOURCE + " is missing from the classpath");
            return parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the data manifest " + RESOURCE, e);
        }
    }

    /** Parses the tab-separated format of {@value #RESOURCE}. */
    public static DataManifest parse(InputStream in) throws IOException {
        List<Entry> out = new ArrayList<>();
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        int n = 0;
        while ((line = r.readLine()) != null) {
            n++;
            if (line.isBlank() || line.startsWith("#")) continue;
            String[] f = line.split("\t", -1);
            if (f.length != 6) throw new IOException("manifest line " + n + ": expected 6 tab-separated fields, found " + f.length);
            try {
                out.add(new Entry(f[0], f[1], f[2], f[3], Long.parseLong(f[4]), f[5]));
            } catch (IllegalArgumentException e) {
                throw new IOException("manifest line " + n + ": " + e.getMessage(), e);
            }
        }
        return new DataManifest(out);
    }

    /** The top-level folders, in manifest order. */
    public List<String> folders() {
        Set<String> out = new LinkedHashSet<>();
        for (Entry e : entries) out.add(e.folder());
        return List.copyOf(out);
    }

    /** The total size of every entry, in bytes. */
    public long totalBytes() {
        return entries.stream().mapToLong(Entry::size).sum();
    }

    /**
     * The entries of the named folders only; {@code null} or empty keeps every folder.
     *
     * @throws IllegalArgumentException naming an unknown folder and the known ones
     */
    public DataManifest only(Collection<String> folders) {
        if (folders == null || folders.isEmpty()) return this;
        Set<String> wanted = new LinkedHashSet<>();
        for (String f : folders) {
            String name = f.trim();
            while (name.endsWith("/")) name = name.substring(0, name.length() - 1);
            if (name.isEmpty()) continue;
            if (!folders().contains(name)) {
                throw new IllegalArgumentException("unknown data folder '" + name + "'; known: " + String.join(", ", folders()));
            }
            wanted.add(name);
        }
        if (wanted.isEmpty()) return this;
        return new DataManifest(entries.stream().filter(e -> wanted.contains(e.folder())).toList());
    }

    private static void checkRelative(String path, String what) {
        Objects.requireNonNull(path, what);
        if (path.isEmpty() || path.startsWith("/") || path.endsWith("/") || path.contains("\\") || path.contains("\t")) {
            throw new IllegalArgumentException(what + " must be a relative path with / separators: '" + path + "'");
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException(what + " must not hold empty, . or .. segments: '" + path + "'");
            }
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "DataManifest[%d files, %d bytes]", entries.size(), totalBytes());
    }
}
