package dev.thinkroute.gateway.chat;

import dev.thinkroute.core.Arm;
import dev.thinkroute.core.Decision;
import dev.thinkroute.core.ModelCard;
import dev.thinkroute.core.Pool;
import dev.thinkroute.core.Reason;
import dev.thinkroute.core.Thinking;
import dev.thinkroute.core.route.Cascade;
import dev.thinkroute.core.route.MultiRound;
import dev.thinkroute.core.route.Profile;
import dev.thinkroute.core.route.Query;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns a request into a decision. The caller's choice always wins: {@code routing.model} over {@code model};
 * a concrete model name is used as asked; a profile name lets the profile's router decide; a forced thinking
 * setting then replaces the thinking of whichever model was chosen.
 */
public final class ArmSelector {

    private final Pool pool;
    private final Map<String, Profile> profiles;

    public ArmSelector(Pool pool, Map<String, Profile> profiles) {
        this.pool = pool;
        this.profiles = profiles;
    }

    /**
     * The decision and, when a profile decided, its name; {@code cascade} when that profile is a cascade the gateway
     * must run (not when the caller forced the thinking, which then wins over the cascade); {@code multiRound} when it
     * is a multi-round profile, whose loop the gateway runs.
     */
    public record Selection(Decision decision, String profile, Cascade cascade, MultiRound multiRound) {
        public Selection(Decision decision, String profile) {
            this(decision, profile, null, null);
        }
    }

    public Selection select(ChatRequest request) {
        String name = request.routingModel() != null ? request.routingModel() : request.model();
        String param = request.routingModel() != null ? "routing.model" : "model";
        CallerThinking forced = request.thinking();

        ModelCard card = pool.card(name).orElse(null);
        Query.Constraints limits = request.query().constraints();
        if (card != null) {
            if (!limits.isNone()) {
                throw ApiException.invalid(constraintParam(limits), "'" + constraintParam(limits) + "' applies to learned profiles; '"
                        + card.name() + "' is a model, so there is nothing to choose");
            }
            forced = adapt(forced, card);
            Arm arm = forced != null ? new Arm(card.name(), forced.thinking()) : card.defaultArm();
            check(arm, forced, param);
            String detail = forced != null
                    ? "caller asked for model '" + card.name() + "' (" + param + ") with thinking '" + arm.thinking().label() + "' (" + forced.describe() + ")"
                    : "caller asked for model '" + card.name() + "' (" + param + "); thinking '" + arm.thinking().label() + "' is its default";
            return new Selection(new Decision(arm, new Reason.CallerForced(param, detail)), null);
        }
        Profile profile = profiles.get(name);
        if (profile == null) {
            List<String> known = new ArrayList<>(profiles.keySet());
            pool.cards().forEach(c -> known.add(c.name()));
            throw new ApiException(404, "invalid_request_error", param, "model_not_found",
                    "the model '" + name + "' does not exist; known profiles and models: " + String.join(", ", known));
        }
        if (!limits.isNone() && !profile.router().acceptsConstraints()) {
            throw ApiException.invalid(constraintParam(limits), "'" + constraintParam(limits) + "' applies to learned profiles (router: FILE); profile '"
                    + profile.name() + "' is a fixed rule");
        }
        Decision decided;
        try {
            decided = profile.router().route(request.query());
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("routing.arms", e.getMessage());
        }
        if (profile.router() instanceof MultiRound m) {
            if (forced != null) {
                throw ApiException.invalid(forced.via().startsWith("/") ? "messages" : forced.via(), "unsupported_thinking",
                        "multi-round profile '" + profile.name() + "' sets the thinking of each model it asks in its config; "
                                + "drop " + forced.via() + ", or name a model to choose its thinking");
            }
            return new Selection(decided, profile.name(), null, m);
        }
        if (forced == null) {
            check(decided.arm(), null, param);
            return new Selection(decided, profile.name(), profile.router() instanceof Cascade c ? c : null, null);
        }
        forced = adapt(forced, pool.require(decided.arm().model()));
        Arm arm = new Arm(decided.arm().model(), forced.thinking());
        check(arm, forced, param);
        String detail = "profile '" + profile.name() + "' chose model '" + arm.model() + "'; thinking '" + arm.thinking().label()
                + "' forced by the caller (" + forced.describe() + ")";
        return new Selection(new Decision(arm, new Reason.CallerForced(forced.via(), detail)), profile.name());
    }

    /**
     * OpenAI SDK applications often send {@code reasoning_effort} whatever the model; a model whose thinking is
     * only switched on or off (Qwen3, DeepSeek V3.1) takes any effort level as "on" rather than refusing it.
     * Explicit settings ({@code routing.thinking}) are never adapted.
     */
    private static CallerThinking adapt(CallerThinking forced, ModelCard card) {
        if (forced == null || !"reasoning_effort".equals(forced.via()) || !(forced.thinking() instanceof Thinking.Effort effort)) {
            return forced;
        }
        return switch (card.thinking()) {
            case QWEN3, QWEN3_SOFT, DEEPSEEK, DEEPSEEK_API, BUDGET -> new CallerThinking(Thinking.ON, forced.via(),
                    "'" + effort.label() + "' read as 'on', since " + card.name() + " has no effort levels");
            case NONE, EFFORT, GPT_OSS, ADAPTIVE, ALWAYS -> forced;
        };
    }

    private static String constraintParam(Query.Constraints limits) {
        return limits.alpha() != null ? "routing.alpha" : limits.maxCostUsd() != null ? "routing.max_cost" : "routing.arms";
    }

    private void check(Arm arm, CallerThinking forced, String modelParam) {
        pool.problemWith(arm).ifPresent(problem -> {
            throw ApiException.invalid(forced == null ? modelParam : forced.via().startsWith("/") ? "messages" : forced.via(),
                    "unsupported_thinking", problem);
        });
    }
}
