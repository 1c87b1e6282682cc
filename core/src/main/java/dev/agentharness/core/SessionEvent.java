package dev.agentharness.core;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Something that happened to a session, kept for {@code harness show} and for later analysis.
 *
 * @param seq  gap-free per session, from 1
 * @param data JSON-compatible values (strings, numbers, booleans, lists, maps); never environment values
 */
public record SessionEvent(String sessionId, long seq, Instant timestamp, EventType type, Map<String, Object> data) {
    public SessionEvent {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(type, "type");
        data = data == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(data));
    }
}
