package dev.agentharness.cli.control;

import java.util.Locale;

/** The {@code error.code} of a failed control-socket response, and the exit code the CLI gives it. */
public enum ErrorCode {
    NO_FREE_SLOT(3),
    NO_SUCH_SESSION(4),
    AMBIGUOUS_SESSION(4),
    /** A value the daemon rejects: bad duration, slot out of range, unknown run. */
    USAGE(2),
    /** Malformed JSON, unknown op, missing or mistyped fields, an over-long line. */
    BAD_REQUEST(2),
    NOT_ACTIVE(1),
    DUPLICATE_NAME(1),
    ILLEGAL_TRANSITION(1),
    SPAWN_FAILED(1),
    SHUTTING_DOWN(1),
    /** The daemon already serves as many connections as it allows; try again. */
    BUSY(1),
    ERROR(1);

    private final int exitCode;

    ErrorCode(int exitCode) {
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Unknown codes (from a newer daemon) read as {@link #ERROR}. */
    public static ErrorCode fromWireName(String text) {
        if (text != null) {
            for (ErrorCode c : values()) {
                if (c.wireName().equals(text)) {
                    return c;
                }
            }
        }
        return ERROR;
    }
}
