package dev.thinkroute.llm;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thinkroute.core.ModelCard;
import dev.thinkroute.core.Thinking;

import java.util.Objects;

/**
 * One call to one upstream: the chosen model's card, the thinking setting to apply, and the caller's OpenAI
 * Chat Completions body. The gateway has already consumed its own fields ({@code routing}, and the thinking
 * switches it read: {@code reasoning_effort}, {@code chat_template_kwargs.enable_thinking}, {@code /think});
 * everything else ({@code messages}, {@code temperature}, {@code max_tokens}, {@code tools}…) is forwarded.
 * The dialect replaces {@code model} and {@code stream}, and never mutates {@code body} (it works on a copy).
 */
public record ChatCall(ModelCard card, Thinking thinking, ObjectNode body) {
    public ChatCall {
        Objects.requireNonNull(card, "card");
        Objects.requireNonNull(thinking, "thinking");
        Objects.requireNonNull(body, "body");
    }
}
