package dev.agentharness.core;

import java.time.Instant;
import java.util.Objects;

/** Output that has been read but not yet stored, and so has no seq yet. */
public record PendingChunk(String sessionId, StreamType stream, Instant timestamp, String text) {
    public PendingChunk {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(text, "text");
    }
}
