package dev.thinkroute.cli;

/** A failure the user can fix (bad config, missing data, port in use): printed as one message, no stack trace. */
final class CliException extends RuntimeException {
    private final int exitCode;

    CliException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    CliException(String message) {
        this(message, 2);
    }

    int exitCode() {
        return exitCode;
    }
}
