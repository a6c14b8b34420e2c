package dev.thinkroute.core.route;

import dev.thinkroute.core.Decision;

/**
 * Chooses an arm for one query. Implementations are pure and fast (a few milliseconds): they run on the
 * request path, before any upstream call.
 */
@FunctionalInterface
public interface Router {
    Decision route(Query query);

    /**
     * Whether this router honours a query's {@link Query.Constraints} (α, cost cap, allowed arms). Fixed rules do
     * not, and the gateway refuses constraints sent to them rather than ignore them silently.
     */
    default boolean acceptsConstraints() {
        return false;
    }
}
