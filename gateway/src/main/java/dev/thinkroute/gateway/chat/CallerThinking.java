package dev.thinkroute.gateway.chat;

import dev.thinkroute.core.Thinking;

/** A thinking setting the caller forced, and the request field it came from (for reasons and error params). */
public record CallerThinking(Thinking thinking, String via) {
}
