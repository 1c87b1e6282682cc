package dev.agentharness.supervisor.internal.lifecycle;

import dev.agentharness.core.SessionStatus;

/**
 * Why the harness itself ended an agent. A session the harness stopped ends {@code stopped} (or
 * {@code timed_out}) whatever exit code the signal produced: the exit is the harness's doing, not a
 * failure of the agent.
 */
public record StopCause(Kind kind, String reason) {
    public enum Kind { USER, SHUTDOWN, TIMEOUT, WATCHDOG, KEEPER_LOST }

    public static StopCause user() {
        return new StopCause(Kind.USER, "stopped by user");
    }

    public static StopCause shutdown() {
        return new StopCause(Kind.SHUTDOWN, "harness shut down");
    }

    /** The session's keeper died before the agent: the agent's group was terminated, as after a crash. */
    public static StopCause keeperLost() {
        return new StopCause(Kind.KEEPER_LOST, "its keeper died; the agent was terminated");
    }

    public SessionStatus terminalStatus() {
        if (kind == Kind.KEEPER_LOST) {
            return SessionStatus.CRASHED;
        }
        return kind == Kind.TIMEOUT ? SessionStatus.TIMED_OUT : SessionStatus.STOPPED;
    }
}
