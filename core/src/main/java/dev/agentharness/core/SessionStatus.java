package dev.agentharness.core;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where a session is in its life. The wire name ({@link #wireName()}) is what the database, the JSON
 * output and the CLI use; which status may follow which is decided by {@link SessionTransitions}
 * alone.
 */
public enum SessionStatus {
    /** A slot is claimed; the process is being spawned. */
    STARTING(true),
    /** The agent's process is alive and producing (or may produce) output. */
    RUNNING(true),
    /** The agent's output ends in a prompt that waits for an answer. */
    WAITING_CHECKPOINT(true),
    /** Alive, but silent for longer than its stall timeout. */
    STALLED(true),
    /** Stopped with SIGSTOP by the user; SIGCONT resumes it. */
    PAUSED(true),
    /** Exited with code 0. */
    COMPLETED(false),
    /** Exited non-zero, died by a signal nobody sent, or could not start. */
    FAILED(false),
    /** Stopped by the user. */
    STOPPED(false),
    /** Stopped because it ran longer than its maximum runtime. */
    TIMED_OUT(false),
    /** Found dead or orphaned when a harness restarted after a crash. */
    CRASHED(false);

    /** Statuses that occupy a slot. The database's partial unique index lists exactly these. */
    public static final Set<SessionStatus> ACTIVE = EnumSet.of(STARTING, RUNNING, WAITING_CHECKPOINT, STALLED, PAUSED);
    /** Statuses that are final. */
    public static final Set<SessionStatus> TERMINAL = EnumSet.complementOf(EnumSet.copyOf(ACTIVE));
    /** Active statuses in which a live agent process is expected. */
    public static final Set<SessionStatus> PROCESS_EXPECTED = EnumSet.of(RUNNING, WAITING_CHECKPOINT, STALLED, PAUSED);

    private final boolean active;
    private final String wireName;

    SessionStatus(boolean active) {
        this.active = active;
        this.wireName = name().toLowerCase(java.util.Locale.ROOT);
    }

    public boolean isActive() {
        return active;
    }

    public boolean isTerminal() {
        return !active;
    }

    /** The lower-case name used in the database, in JSON and on the command line. */
    public String wireName() {
        return wireName;
    }

    public boolean canTransitionTo(SessionStatus next) {
        return SessionTransitions.isAllowed(this, next);
    }

    /**
     * Parses a wire name ("running", "timed_out"; "timed-out" is accepted too).
     *
     * @throws IllegalArgumentException naming the valid values
     */
    public static SessionStatus fromWireName(String text) {
        String normal = text == null ? "" : text.trim().toLowerCase(java.util.Locale.ROOT).replace('-', '_');
        for (SessionStatus s : values()) {
            if (s.wireName.equals(normal)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown status '" + text + "' (expected one of "
                + Arrays.stream(values()).map(SessionStatus::wireName).collect(Collectors.joining(", ")) + ")");
    }

    @Override
    public String toString() {
        return wireName;
    }
}
