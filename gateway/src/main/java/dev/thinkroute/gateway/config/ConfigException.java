package dev.thinkroute.gateway.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A configuration file that cannot be used, with every problem found in it.
 *
 * <p>Checked on purpose: a bad config is an expected, user-facing failure that the caller (the CLI, a test
 * fixture) has to turn into a readable message and an exit code, not a stack trace. The message starts with the
 * file and lists one problem a line, in file order, each as {@code path: what is wrong (line N)}, e.g.
 * {@code models[2].price.input: must be a non-negative number, got -1 (line 14)}.
 */
public class ConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient Path source;
    private final List<String> problems;

    /**
     * @param source   the file the problems are in (shown at the top of the message)
     * @param problems one line each, in file order; at least one
     */
    public ConfigException(Path source, List<String> problems) {
        super(render(source, problems));
        this.source = Objects.requireNonNull(source, "source");
        this.problems = List.copyOf(problems);
    }

    /** The file the problems are in. */
    public Path source() {
        return source;
    }

    /** Each problem on its own, in file order, without the file name. */
    public List<String> problems() {
        return problems;
    }

    private static String render(Path source, List<String> problems) {
        if (problems.isEmpty()) throw new IllegalArgumentException("a ConfigException needs at least one problem");
        StringBuilder text = new StringBuilder()
                .append(source).append(": ")
                .append(problems.size()).append(problems.size() == 1 ? " problem" : " problems").append(':');
        for (String problem : problems) text.append("\n  - ").append(problem);
        return text.toString();
    }
}
