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
    RESTARTED,
    /** The agent said who it is: data has "agentSessionId" and, where printed, "model". */
    AGENT_SESSION,
    /** The agent called a tool: data has "tool" and "input" (a short summary of its input). */
    TOOL_CALL,
    /** The agent finished a turn: data has "status" and whatever it reported (cost, tokens, turns...). */
    TURN_RESULT,
    /**
     * The agent's own hooks said what it is doing: data has "state" (working, waiting, idle), "hook"
     * (the hook event) and, where there is one, "detail". Recorded when the state changes.
     */
    AGENT_STATUS,
    /** A session was started to continue this one's conversation: data has "sessionId". */
    RESUMED_AS,
    /** The daemon lost its connection to the session's keeper (the daemon died or shut down keeping agents); data: "at". */
    DETACHED,
    /** A daemon took the session over from its keeper again; data: "gapMs", how long none was connected. */
    REATTACHED;

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
