package dev.agentharness.core;

import java.util.Locale;

/** Which of the agent's two output pipes a chunk came from. */
public enum StreamType {
    STDOUT,
    STDERR;

    /** Kept, as SessionStatus keeps its own: it is bound for every chunk the writer stores. */
    private final String wireName = name().toLowerCase(Locale.ROOT);

    /** "stdout" or "stderr", as stored and printed. */
    public String wireName() {
        return wireName;
    }

    /** @throws IllegalArgumentException for anything but stdout or stderr */
    public static StreamType fromWireName(String text) {
        String normal = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        return switch (normal) {
            case "stdout" -> STDOUT;
            case "stderr" -> STDERR;
            default -> throw new IllegalArgumentException("unknown stream '" + text + "' (expected stdout or stderr)");
        };
    }

    @Override
    public String toString() {
        return wireName();
    }
}
