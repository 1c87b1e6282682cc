package dev.agentharness.core.store;

import dev.agentharness.core.OutputChunk;
import dev.agentharness.core.OutputSize;
import dev.agentharness.core.PendingChunk;
import dev.agentharness.core.StreamType;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Every byte an agent printed, as chunks numbered 1, 2, 3... per session in arrival order across
 * both streams. Reading the chunks back in seq order and concatenating their bytes reproduces the
 * stream exactly: nothing is ever inserted between chunks, and nothing is replaced (bytes that are
 * not UTF-8 are kept; the text views decode them leniently).
 */
public interface OutputStore {
    /** Stores one chunk and returns it numbered. */
    OutputChunk append(String sessionId, StreamType stream, Instant timestamp, String text);

    /**
     * Stores chunks, possibly of several sessions, in one transaction, numbering each session's
     * chunks in list order. Also advances each session's output counters and last activity, once
     * per session rather than once per chunk.
     */
    void appendBatch(List<PendingChunk> chunks);

    /** The newest {@code limit} chunks, newest first. */
    List<OutputChunk> getBySession(String sessionId, int limit);

    /** Chunks stored at or after {@code since}, oldest first. */
    List<OutputChunk> getBySessionSince(String sessionId, Instant since);

    /** The cursor read for live follow: up to {@code limit} chunks with seq greater than {@code afterSeq}, oldest first. */
    List<OutputChunk> after(String sessionId, long afterSeq, int limit);

    /**
     * Exactly the last {@code n} lines of the chosen streams, as {@code tail -n} would print them,
     * across chunk boundaries; a last line without a newline counts as a line.
     */
    String lastLines(String sessionId, int n, Set<StreamType> streams);

    /**
     * Writes the seq of the first chunk that holds any of the last {@code n} lines, so that a
     * follower can print history and then continue from one cursor.
     *
     * @return the highest seq written, 0 when nothing was
     */
    long writeLastLines(String sessionId, int n, Set<StreamType> streams, OutputStream out) throws IOException;

    /** As {@link #writeLastLines(String, int, Set, OutputStream)}, as text (decoded leniently). */
    default long writeLastLines(String sessionId, int n, Set<StreamType> streams, Writer out) throws IOException {
        long last = writeLastLines(sessionId, n, streams, asText(out));
        out.flush();
        return last;
    }

    /**
     * Streams everything of the chosen streams to {@code out} in seq order, in constant memory.
     *
     * @return the highest seq written, 0 when nothing was
     */
    long writeFull(String sessionId, Set<StreamType> streams, OutputStream out) throws IOException;

    /** As {@link #writeFull(String, Set, OutputStream)}, as text (decoded leniently). */
    default long writeFull(String sessionId, Set<StreamType> streams, Writer out) throws IOException {
        long last = writeFull(sessionId, streams, asText(out));
        out.flush();
        return last;
    }

    /**
     * Bytes written a chunk at a time, decoded leniently into {@code out}: chunks are cut at character
     * boundaries when they are text, so each decodes on its own.
     */
    private static OutputStream asText(Writer out) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(new String(b, off, len, StandardCharsets.UTF_8));
            }

            @Override
            public void flush() throws IOException {
                out.flush();
            }
        };
    }

    /** Deletes a session's output; returns the number of chunks deleted. */
    long deleteBySession(String sessionId);

    OutputSize size(String sessionId);
}
