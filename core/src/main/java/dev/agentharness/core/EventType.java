package dev.agentharness.core;

import java.util.Locale;

/** What a {@link SessionEvent} records. Wire names are lower snake case. */
public enum EventType {
    CREATED,
    QUEUED,
    STARTED,
    /** Any status change; data has "from", "to" and, where there is one, "reason". */
    STATUS_CHANGED,
    STALLED,
    ESCALATED,
    CHECKPOINT,
    INPUT,
    PAUSED,
    RESUMED,
    STOP_REQUESTED,
    /** Processes left in the agent's group after its main process exited were terminated. */
    GROUP_TERMINATED,
    EXITED,
    SPAWN_FAILED,
    TIMED_OUT,
    CRASHED,
    RECOVERED,
    RESTARTED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static EventType fromWireName(String text) {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return wireName();
    }
}
