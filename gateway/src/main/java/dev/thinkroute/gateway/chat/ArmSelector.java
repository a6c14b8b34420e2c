package dev.thinkroute.gateway.chat;

import dev.thinkroute.core.Arm;
import dev.thinkroute.core.Decision;
import dev.thinkroute.core.ModelCard;
import dev.thinkroute.core.Pool;
import dev.thinkroute.core.Reason;
import dev.thinkroute.core.route.Profile;

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

    /** The decision and, when a profile decided, its name. */
    public record Selection(Decision decision, String profile) {
    }

    public Selection select(ChatRequest request) {
        String name = request.routingModel() != null ? request.routingModel() : request.model();
        String param = request.routingModel() != null ? "routing.model" : "model";
        CallerThinking forced = request.thinking();

        ModelCard card = pool.card(name).orElse(null);
        if (card != null) {
            Arm arm = forced != null ? new Arm(card.name(), forced.thinking()) : card.defaultArm();
            check(arm, forced, param);
            String detail = forced != null
                    ? "caller asked for model '" + card.name() + "' (" + param + ") with thinking '" + arm.thinking().label() + "' (" + forced.via() + ")"
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
        Decision decided = profile.router().route(request.query());
        if (forced == null) {
            check(decided.arm(), null, param);
            return new Selection(decided, profile.name());
        }
        Arm arm = new Arm(decided.arm().model(), forced.thinking());
        check(arm, forced, param);
        String detail = "profile '" + profile.name() + "' chose model '" + arm.model() + "'; thinking '" + arm.thinking().label()
                + "' forced by the caller (" + forced.via() + ")";
        return new Selection(new Decision(arm, new Reason.CallerForced(forced.via(), detail)), profile.name());
    }

    private void check(Arm arm, CallerThinking forced, String modelParam) {
        pool.problemWith(arm).ifPresent(problem -> {
            throw ApiException.invalid(forced != null ? forced.via().startsWith("/") ? "messages" : forced.via() : modelParam,
                    "unsupported_thinking", problem);
        });
    }
}
