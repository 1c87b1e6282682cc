package dev.agentharness.core;

import java.util.Locale;

/**
 * Whether a session that fails is started again as a new session (linked by {@code restartOf}).
 * {@link Mode#ON_CRASH} resumes the agent's conversation instead of starting it over (linked by
 * {@code resumeOf} as well), when the session ended {@code crashed}, or {@code failed} with an agent
 * session id to resume; a user's stop never restarts anything.
 *
 * @param mode        {@link Mode#NO}, {@link Mode#ON_FAILURE} or {@link Mode#ON_CRASH}
 * @param maxRestarts how many times at most; ignored for {@link Mode#NO}
 */
public record RestartPolicy(Mode mode, int maxRestarts) {
    public static final int DEFAULT_MAX_RESTARTS = 5;
    public static final RestartPolicy NO = new RestartPolicy(Mode.NO, 0);

    public enum Mode {
        NO,
        ON_FAILURE,
        ON_CRASH;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** "no" or "on-failure" ("on_failure" is accepted too). */
        public static Mode fromWireName(String text) {
            String normal = text == null ? "" : text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
            return switch (normal) {
                case "no" -> NO;
                case "on-failure" -> ON_FAILURE;
                case "on-crash" -> ON_CRASH;
                default -> throw new IllegalArgumentException(
                        "unknown restart policy '" + text + "' (expected no, on-failure or on-crash)");
            };
        }
    }

    public RestartPolicy {
        if (mode == null) {
            mode = Mode.NO;
        }
        if (maxRestarts < 0) {
            throw new IllegalArgumentException("maxRestarts must not be negative");
        }
    }

    public static RestartPolicy onFailure(int maxRestarts) {
        return new RestartPolicy(Mode.ON_FAILURE, maxRestarts);
    }

    public static RestartPolicy onCrash(int maxRestarts) {
        return new RestartPolicy(Mode.ON_CRASH, maxRestarts);
    }

    /** Whether a session that ended with {@code status} after {@code restartsSoFar} restarts is started again. */
    public boolean shouldRestart(SessionStatus status, int restartsSoFar) {
        return mode == Mode.ON_FAILURE && status == SessionStatus.FAILED && restartsSoFar < maxRestarts;
    }

    /**
     * Whether a session that ended with {@code status} after {@code restartsSoFar} restarts is resumed:
     * {@code crashed} always (its agent lost its harness), {@code failed} only when {@code resumable}
     * (the agent's session id is known and its profile can resume).
     */
    public boolean shouldResume(SessionStatus status, boolean resumable, int restartsSoFar) {
        if (mode != Mode.ON_CRASH || restartsSoFar >= maxRestarts) {
            return false;
        }
        return status == SessionStatus.CRASHED || (status == SessionStatus.FAILED && resumable);
    }
}
