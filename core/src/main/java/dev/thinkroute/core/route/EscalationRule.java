package dev.thinkroute.core.route;

import dev.thinkroute.core.Arm;
import dev.thinkroute.core.Decision;
import dev.thinkroute.core.Reason;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The plain rule behind profile {@code auto} until a learned router is loaded: answer with the cheap arm, and
 * escalate to the strong arm when the prompt is long ({@code longPromptChars} characters or more, all messages)
 * or the last user message contains one of the {@code keywords} (case-insensitive). It is a placeholder, and its
 * reason says so; it is not a quality predictor.
 */
public record EscalationRule(String profile, Arm cheap, Arm strong, int longPromptChars, List<String> keywords) implements Router {

    public static final int DEFAULT_LONG_PROMPT_CHARS = 1200;
    public static final List<String> DEFAULT_KEYWORDS = List.of("prove", "step by step", "derive", "think carefully");

    public EscalationRule {
        Objects.requireNonNull(cheap, "cheap");
        Objects.requireNonNull(strong, "strong");
        if (longPromptChars <= 0) throw new IllegalArgumentException("long_prompt_chars must be positive, got " + longPromptChars);
        keywords = keywords.stream().map(k -> k.toLowerCase(Locale.ROOT)).toList();
    }

    @Override
    public Decision route(Query query) {
        if (query.promptChars() >= longPromptChars) {
            return decide(strong, "prompt is " + query.promptChars() + " chars, at least " + longPromptChars + ": escalated to " + strong.label());
        }
        String text = query.text().toLowerCase(Locale.ROOT);
        for (String keyword : keywords) {
            if (text.contains(keyword)) {
                return decide(strong, "query mentions '" + keyword + "': escalated to " + strong.label());
            }
        }
        return decide(cheap, "short query without escalation keywords: " + cheap.label());
    }

    private Decision decide(Arm arm, String why) {
        return new Decision(arm, new Reason.ProfileRule(profile, "placeholder rule (no learned router loaded): " + why));
    }
}
