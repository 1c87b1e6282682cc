package dev.agentharness.core;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * Output that has been read but not yet stored, and so has no seq yet.
 *
 * <p>The text travels as the agent's own UTF-8 bytes, not as a {@link String}: capture reads bytes,
 * SQLite stores bytes, and decoding to UTF-16 in between (then encoding back, then counting the
 * bytes again) was most of the output writer's Java time in the capture benchmark. The array is
 * handed over, not copied: whoever builds a chunk must not change it afterwards.
 *
 * @param utf8 the bytes as the agent wrote them: UTF-8 as a rule, but not necessarily (they are stored
 *     exactly, as TEXT when well-formed and as a BLOB otherwise)
 */
public record PendingChunk(String sessionId, StreamType stream, Instant timestamp, byte[] utf8) {
    public PendingChunk {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(utf8, "utf8");
    }

    public PendingChunk(String sessionId, StreamType stream, Instant timestamp, String text) {
        this(sessionId, stream, timestamp, Objects.requireNonNull(text, "text").getBytes(StandardCharsets.UTF_8));
    }

    /** The text, decoded; for tests and small chunks, not for the bulk path. */
    public String text() {
        return new String(utf8, StandardCharsets.UTF_8);
    }

    public int byteLength() {
        return utf8.length;
    }

    /** By content: a record compares arrays by identity, which would make two equal chunks unequal. */
    @Override
    public boolean equals(Object o) {
        return o instanceof PendingChunk c && sessionId.equals(c.sessionId) && stream == c.stream
                && timestamp.equals(c.timestamp) && Arrays.equals(utf8, c.utf8);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sessionId, stream, timestamp) * 31 + Arrays.hashCode(utf8);
    }

    @Override
    public String toString() {
        return "PendingChunk[" + sessionId + ", " + stream + ", " + timestamp + ", " + utf8.length + " bytes]";
    }
}
