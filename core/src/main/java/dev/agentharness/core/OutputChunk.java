package dev.agentharness.core;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * One stored piece of an agent's output.
 *
 * @param sessionId the session it belongs to
 * @param seq       gap-free per session, from 1, in arrival order across both streams
 * @param stream    the pipe it came from
 * @param timestamp when the harness read it
 * @param data      exactly the bytes the agent wrote (usually UTF-8, but not necessarily); no separator
 *                  is ever added between chunks. The array is shared, not copied: do not change it.
 */
public record OutputChunk(String sessionId, long seq, StreamType stream, Instant timestamp, byte[] data) {
    public OutputChunk {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(data, "data");
    }

    public OutputChunk(String sessionId, long seq, StreamType stream, Instant timestamp, String text) {
        this(sessionId, seq, stream, timestamp, Objects.requireNonNull(text, "text").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The bytes as text, decoded leniently (what is not UTF-8 shows as U+FFFD): for views that show
     * text. {@link #data()} is what the agent wrote.
     */
    public String text() {
        return new String(data, StandardCharsets.UTF_8);
    }

    /** By content: a record compares arrays by identity. */
    @Override
    public boolean equals(Object o) {
        return o instanceof OutputChunk c && seq == c.seq && sessionId.equals(c.sessionId) && stream == c.stream
                && timestamp.equals(c.timestamp) && Arrays.equals(data, c.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sessionId, seq, stream, timestamp) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "OutputChunk[" + sessionId + ", " + seq + ", " + stream + ", " + timestamp + ", " + data.length + " bytes]";
    }
}
