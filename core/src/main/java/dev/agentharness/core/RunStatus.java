package dev.agentharness.core;

import java.util.Locale;

/** A run is open for new sessions until it is completed. */
public enum RunStatus {
    ACTIVE,
    COMPLETED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static RunStatus fromWireName(String text) {
        return switch (text == null ? "" : text.trim().toLowerCase(Locale.ROOT)) {
            case "active" -> ACTIVE;
            case "completed" -> COMPLETED;
            default -> throw new IllegalArgumentException("unknown run status '" + text + "' (expected active or completed)");
        };
    }

    @Override
    public String toString() {
        return wireName();
    }
}
