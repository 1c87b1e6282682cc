package dev.agentharness.supervisor.internal.lifecycle;

import dev.agentharness.core.SessionStatus;

/**
 * Why the harness itself ended an agent. A session the harness stopped ends {@code stopped} (or
 * {@code timed_out}) whatever exit code the signal produced: the exit is the harness's doing, not a
 * failure of the agent.
 */
public record StopCause(Kind kind, String reason) {
    public enum Kind { USER, SHUTDOWN, TIMEOUT, WATCHDOG }

    public static StopCause user() {
        return new StopCause(Kind.USER, "stopped by user");
    }

    public static StopCause shutdown() {
        return new StopCause(Kind.SHUTDOWN, "harness shut down");
    }

    public SessionStatus terminalStatus() {
        return kind == Kind.TIMEOUT ? SessionStatus.TIMED_OUT : SessionStatus.STOPPED;
    }
}
