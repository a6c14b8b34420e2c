package dev.thinkroute.llm.data;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.util.Objects;

/**
 * A file that could not be fetched. {@link #kind()} says why: {@link Kind#OFFLINE} means the host could not be reached
 * at all (every other file would fail the same way, so a fetch stops there).
 */
public final class DataFetchException extends IOException {

    /** Why a fetch failed. */
    public enum Kind {
        /** The host is unknown or unreachable: the machine seems offline (or behind a proxy). */
        OFFLINE,
        /** The server answered with an error status (404, 403, 5xx after retries). */
        HTTP,
        /** The download's size or SHA-256 differs from the manifest. */
        MISMATCH,
        /** Anything else: a timeout, a broken connection after retries, a local write error. */
        IO
    }

    private final Kind kind;
    private final String url;

    public DataFetchException(Kind kind, String url, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.url = url;
    }

    public Kind kind() {
        return kind;
    }

    /** The URL that failed, or {@code null} when the failure was local. */
    public String url() {
        return url;
    }

    /** Whether {@code e} (or a cause) says the host could not be reached at all. */
    static boolean unreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnknownHostException || t instanceof ConnectException || t instanceof NoRouteToHostException
                    || t instanceof HttpConnectTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code e} (or a cause) is an unknown host: retrying will not help. */
    static boolean unknownHost(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnknownHostException) return true;
        }
        return false;
    }
}
