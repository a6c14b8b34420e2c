package dev.thinkroute.gateway.chat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thinkroute.core.route.Query;

/**
 * A validated Chat Completions request.
 *
 * @param forward       the body to forward upstream: the caller's fields minus the gateway's own ({@code routing}
 *                      and the thinking switches already read), with a trailing {@code /think}/{@code /no_think}
 *                      stripped from the last user message
 * @param model         the {@code model} field: a model name or a profile name
 * @param routingModel  {@code routing.model}, which overrides {@code model}; or {@code null}
 * @param thinking      the thinking the caller forced, by precedence; or {@code null}
 * @param stream        whether to answer as server-sent events
 * @param includeUsage  {@code stream_options.include_usage}: send usage in the last chunk
 * @param query         what routers see
 */
public record ChatRequest(
        ObjectNode forward,
        String model,
        String routingModel,
        CallerThinking thinking,
        boolean stream,
        boolean includeUsage,
        Query query) {
}
