package dev.agentharness.core;

import java.time.Instant;
import java.util.Objects;

/**
 * One stored piece of an agent's output.
 *
 * @param sessionId the session it belongs to
 * @param seq       gap-free per session, from 1, in arrival order across both streams
 * @param stream    the pipe it came from
 * @param timestamp when the harness read it
 * @param text      exactly the decoded bytes; no separator is ever added between chunks
 */
public record OutputChunk(String sessionId, long seq, StreamType stream, Instant timestamp, String text) {
    public OutputChunk {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(text, "text");
    }
}
