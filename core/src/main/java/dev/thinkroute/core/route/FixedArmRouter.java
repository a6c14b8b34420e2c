package dev.thinkroute.core.route;

import dev.thinkroute.core.Arm;
import dev.thinkroute.core.Decision;
import dev.thinkroute.core.Reason;

/** A profile that always answers with one arm (e.g. {@code cheap}). */
public record FixedArmRouter(String profile, Arm arm) implements Router {
    @Override
    public Decision route(Query query) {
        return new Decision(arm, new Reason.ProfileRule(profile, "profile '" + profile + "' always uses " + arm.label()));
    }
}
