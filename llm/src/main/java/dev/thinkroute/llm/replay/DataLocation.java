package dev.thinkroute.llm.replay;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Where the datasets root (the folder holding {@code routellm/} and the other recorded tables) was found, and why
 * there.
 *
 * <p>Resolution order, first match wins:
 * <ol>
 *   <li>an explicit path (the CLI's {@code --data} flag);</li>
 *   <li>the environment variable {@value #ENV};</li>
 *   <li>{@value #RELATIVE} relative to the current directory (a checkout next to {@code shared/});</li>
 *   <li>{@code <thinkroute.home>/}{@value #RELATIVE}, where the system property {@value #HOME_PROPERTY} is the
 *       repository root (set by the launcher and by surefire), so it works from any current directory.</li>
 * </ol>
 * An explicit path or a set {@value #ENV} that does not name an existing directory is an error rather than a
 * reason to fall through: the user asked for that place, and silently using another would hide the typo.
 *
 * @param root   the datasets root, absolute and normalised
 * @param source where it came from, for messages: {@code --data}, {@code THINKROUTE_DATA}, …
 */
public record DataLocation(Path root, String source) {

    /** The environment variable that names the datasets root. */
    public static final String ENV = "THINKROUTE_DATA";
    /** The system property holding the repository root. */
    public static final String HOME_PROPERTY = "thinkroute.home";
    /** Where the datasets sit relative to a checkout (and to the current directory). */
    public static final String RELATIVE = "../shared/datasets";

    /** How to point thinkroute at the data, or get it, for every "not found" message. */
    public static final String HOW_TO_SET =
            "Pass --data <dir> or set " + ENV + "=<dir> to the datasets folder (the one that holds routellm/)."
                    + " Or download the data: thinkroute data fetch.";

    public DataLocation {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(source, "source");
    }

    /** Resolves from the real environment, current directory and {@value #HOME_PROPERTY}. */
    public static DataLocation resolve(String explicit) {
        return resolve(explicit == null || explicit.isBlank() ? null : Path.of(explicit.trim()));
    }

    /** Resolves from the real environment, current directory and {@value #HOME_PROPERTY}. */
    public static DataLocation resolve(Path explicit) {
        return resolve(explicit, System::getenv, Path.of("").toAbsolutePath(), System.getProperty(HOME_PROPERTY));
    }

    /**
     * Resolves with every input given, for tests.
     *
     * @param explicit the {@code --data} path, or {@code null}
     * @param env      environment lookup ({@code System::getenv} outside tests)
     * @param cwd      the directory {@value #RELATIVE} is taken relative to
     * @param home     the value of {@value #HOME_PROPERTY}, or {@code null}
     * @throws MissingDataException naming the places tried and how to set the location
     */
    public static DataLocation resolve(Path explicit, Function<String, String> env, Path cwd, String home) {
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(cwd, "cwd");
        if (explicit != null) {
            Path p = cwd.resolve(explicit).toAbsolutePath().normalize();
            if (Files.isDirectory(p)) return new DataLocation(p, "--data");
            throw new MissingDataException("--data " + explicit + ": " + why(p) + ". " + HOW_TO_SET);
        }
        String fromEnv = env.apply(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            Path p = cwd.resolve(fromEnv.trim()).toAbsolutePath().normalize();
            if (Files.isDirectory(p)) return new DataLocation(p, ENV);
            throw new MissingDataException(ENV + "=" + fromEnv + ": " + why(p) + ". " + HOW_TO_SET);
        }
        List<String> tried = new ArrayList<>();
        tried.add("--data (not given)");
        tried.add(ENV + " (not set)");
        Path relative = cwd.resolve(RELATIVE).toAbsolutePath().normalize();
        if (Files.isDirectory(relative)) {
            return new DataLocation(relative, RELATIVE + " relative to the current directory");
        }
        tried.add(RELATIVE + " relative to the current directory (" + relative + ": " + why(relative) + ")");
        if (home != null && !home.isBlank()) {
            Path fromHome = Path.of(home.trim()).resolve(RELATIVE).toAbsolutePath().normalize();
            if (Files.isDirectory(fromHome)) return new DataLocation(fromHome, HOME_PROPERTY + " " + home.trim());
            tried.add(HOME_PROPERTY + "/" + RELATIVE + " (" + fromHome + ": " + why(fromHome) + ")");
        } else {
            tried.add(HOME_PROPERTY + " (system property not set)");
        }
        throw new MissingDataException("no datasets folder found; tried " + String.join(", ", tried) + ". " + HOW_TO_SET);
    }

    /** The root and its source, for messages: {@code /x (from THINKROUTE_DATA)}. */
    public String describe() {
        return root + " (from " + source + ")";
    }

    @Override
    public String toString() {
        return describe();
    }

    private static String why(Path p) {
        return Files.exists(p) ? "not a directory" : "no such directory";
    }
}
