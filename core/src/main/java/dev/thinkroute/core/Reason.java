package dev.thinkroute.core;

/** Why a decision chose its arm. {@link #code()} is the stable token sent in {@code x-thinkroute-reason}. */
public sealed interface Reason permits Reason.CallerForced, Reason.ProfileRule, Reason.Learned, Reason.Fallback {

    String code();

    /** One human sentence. */
    String detail();

    /** The caller named the model and/or the thinking ({@code via} says where: routing, reasoning_effort, /think…). */
    record CallerForced(String via, String detail) implements Reason {
        @Override public String code() { return "caller-forced"; }
    }

    /** A profile's fixed, documented rule chose. */
    record ProfileRule(String profile, String detail) implements Reason {
        @Override public String code() { return "profile-rule"; }
    }

    /** A learned router chose from its predictions. */
    record Learned(String router, String detail) implements Reason {
        @Override public String code() { return "learned"; }
    }

    /** The preferred arm could not be used; {@code detail} says why and what replaced it. */
    record Fallback(String detail) implements Reason {
        @Override public String code() { return "fallback"; }
    }
}
