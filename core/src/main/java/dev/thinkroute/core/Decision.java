package dev.thinkroute.core;

import java.util.Objects;

/** The chosen arm and why. */
public record Decision(Arm arm, Reason reason) {
    public Decision {
        Objects.requireNonNull(arm, "arm");
        Objects.requireNonNull(reason, "reason");
    }
}
