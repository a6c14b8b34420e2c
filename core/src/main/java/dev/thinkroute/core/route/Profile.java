package dev.thinkroute.core.route;

import java.util.Objects;

/** A named routing setup that clients select by putting its name in {@code model}. */
public record Profile(String name, String description, Router router) {
    public Profile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(router, "router");
        if (description == null) description = "";
    }
}
