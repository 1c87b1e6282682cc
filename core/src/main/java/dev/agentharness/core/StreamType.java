package dev.agentharness.core;

import java.util.Locale;

/**
 * Where a chunk of output came from: one of a pipe session's two pipes, or the pseudo-terminal of a
 * terminal session (which merges both, as a terminal does, and carries escape sequences as written).
 */
public enum StreamType {
    STDOUT,
    STDERR,
    PTY;

    /** Kept, as SessionStatus keeps its own: it is bound for every chunk the writer stores. */
    private final String wireName = name().toLowerCase(Locale.ROOT);

    /** "stdout", "stderr" or "pty", as stored and printed. */
    public String wireName() {
        return wireName;
    }

    /** @throws IllegalArgumentException for anything but stdout, stderr or pty */
    public static StreamType fromWireName(String text) {
        String normal = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        return switch (normal) {
            case "stdout" -> STDOUT;
            case "stderr" -> STDERR;
            case "pty" -> PTY;
            default -> throw new IllegalArgumentException("unknown stream '" + text + "' (expected stdout, stderr or pty)");
        };
    }

    @Override
    public String toString() {
        return wireName();
    }
}
