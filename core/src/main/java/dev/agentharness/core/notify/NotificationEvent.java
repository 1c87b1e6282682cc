package dev.agentharness.core.notify;

import dev.agentharness.core.SessionStatus;
import java.util.Locale;
import java.util.Optional;

/**
 * What a notification announces: seed 004's start, pause, resume, complete, error and timeout, plus
 * the harness's own {@code waiting} (an agent at a prompt: what users most want to hear about),
 * {@code crashed} and {@code stopped}. Wire names are lower snake case.
 */
public enum NotificationEvent {
    STARTED,
    PAUSED,
    RESUMED,
    WAITING,
    COMPLETED,
    FAILED,
    TIMED_OUT,
    CRASHED,
    STOPPED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The event a status change announces, if any. Changes users did not ask to hear about (stalled,
     * back to running after input or output) announce nothing.
     */
    public static Optional<NotificationEvent> forChange(SessionStatus from, SessionStatus to) {
        if (from == to) {
            return Optional.empty();
        }
        return Optional.ofNullable(switch (to) {
            case RUNNING -> from == SessionStatus.STARTING ? STARTED : from == SessionStatus.PAUSED ? RESUMED : null;
            case PAUSED -> PAUSED;
            case WAITING_CHECKPOINT -> WAITING;
            case COMPLETED -> COMPLETED;
            case FAILED -> FAILED;
            case TIMED_OUT -> TIMED_OUT;
            case CRASHED -> CRASHED;
            case STOPPED -> STOPPED;
            case STARTING, STALLED -> null;
        });
    }

    public static NotificationEvent fromWireName(String text) {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return wireName();
    }
}
