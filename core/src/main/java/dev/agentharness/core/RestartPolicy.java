package dev.agentharness.core;

import java.util.Locale;

/**
 * Whether a session that fails is started again as a new session (linked by {@code restartOf}).
 *
 * @param mode        {@link Mode#NO} or {@link Mode#ON_FAILURE}
 * @param maxRestarts how many times at most; ignored for {@link Mode#NO}
 */
public record RestartPolicy(Mode mode, int maxRestarts) {
    public static final int DEFAULT_MAX_RESTARTS = 5;
    public static final RestartPolicy NO = new RestartPolicy(Mode.NO, 0);

    public enum Mode {
        NO,
        ON_FAILURE;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** "no" or "on-failure" ("on_failure" is accepted too). */
        public static Mode fromWireName(String text) {
            String normal = text == null ? "" : text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
            return switch (normal) {
                case "no" -> NO;
                case "on-failure" -> ON_FAILURE;
                default -> throw new IllegalArgumentException("unknown restart policy '" + text + "' (expected no or on-failure)");
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

    /** Whether a session that ended with {@code status} after {@code restartsSoFar} restarts is started again. */
    public boolean shouldRestart(SessionStatus status, int restartsSoFar) {
        return mode == Mode.ON_FAILURE && status == SessionStatus.FAILED && restartsSoFar < maxRestarts;
    }
}
