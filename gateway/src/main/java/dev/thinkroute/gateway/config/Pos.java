package dev.thinkroute.gateway.config;

/**
 * Where something is in the config file: 1-based line and column. Messages show only the line; the column keeps
 * problems on one line (a flow mapping such as {@code {input: -1, output: -2}}) in file order.
 */
record Pos(int line, int column) {

    /** For problems with no place in the file, such as a missing top-level key. */
    static final Pos NONE = new Pos(0, 0);

    boolean known() {
        return line > 0;
    }
}
