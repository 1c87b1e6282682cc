package dev.agentharness.supervisor.internal.capture;

import dev.agentharness.core.StreamType;
import dev.agentharness.supervisor.internal.capture.Utf8StreamSanitizer.Piece;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries one session's bytes from its source to the {@link BatchWriter}: cuts each stream at
 * character boundaries (without changing a byte), stamps and enqueues the bytes, and remembers what the
 * watchdog needs (when output last arrived, the tail for checkpoint prompts, the start of stderr for
 * launch failures). It never touches the database itself, so the source's thread only pays for one
 * copy, one check of the bytes and a queue insert.
 */
public final class OutputPump implements ByteSink {
    private static final Logger LOG = LoggerFactory.getLogger(OutputPump.class);
    private static final int STDERR_HEAD_BYTES = 1024;

    private final String sessionId;
    private final BatchWriter writer;
    private final ByteBudget budget;
    private final OutputTail tail;
    private final Clock clock;
    private final Utf8StreamSanitizer stdout = new Utf8StreamSanitizer();
    private final Utf8StreamSanitizer stderr = new Utf8StreamSanitizer();
    private final byte[] stderrHead = new byte[STDERR_HEAD_BYTES];
    private int stderrHeadLength;
    private boolean stdoutEnded;
    private boolean stderrEnded;
    private boolean closed;
    private long droppedBytes;
    private volatile String reportedStderrHead;
    private volatile Instant lastOutputAt;
    private volatile long arrivals;

    /**
     * A pump that stores nothing: the daemon's view of a session whose keeper stores the output
     * itself. It is fed the keeper's activity reports, so that the watchdog sees when output
     * arrived and what the tail says, exactly as for a session the daemon captures.
     */
    public static OutputPump mirror(String sessionId, ByteBudget budget, OutputTail tail, Clock clock) {
        return new OutputPump(sessionId, null, budget, tail, clock);
    }

    /** @param writer where the bytes go; null for a {@link #mirror} */
    public OutputPump(String sessionId, BatchWriter writer, ByteBudget budget, OutputTail tail, Clock clock) {
        this.sessionId = sessionId;
        this.writer = writer;
        this.budget = budget;
        this.tail = tail;
        this.clock = clock;
    }

    /**
     * Cuts and enqueues; then, if this session has more captured-but-uncommitted bytes than its
     * budget, waits until the writer has committed enough of them.
     *
     * <p>This is the one place where a source callback may wait, and it is on purpose: it is the
     * backpressure. While the callback waits, NuProcess stops reading this pipe, the pipe fills and
     * the agent blocks in write(2) until SQLite has caught up. The alternative, buffering without a
     * limit, would let one chatty agent take all of the daemon's memory. The wait is short (one batch
     * commit) but it holds a NuProcess thread, which other agents may share; that is the price of
     * the memory bound, paid only while the database is slower than the agent.
     */
    @Override
    public void onBytes(StreamType stream, ByteBuffer bytes) {
        int n = bytes.remaining();
        synchronized (this) {
            if (closed || ended(stream)) {
                droppedBytes += n;
                bytes.position(bytes.limit());
                return;
            }
            emit(stream, sanitizer(stream).accept(bytes), n);
        }
        try {
            budget.awaitBelowLimit();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized void onEnd(StreamType stream) {
        if (closed || ended(stream)) {
            return;
        }
        emit(stream, sanitizer(stream).finish(), 0);
        if (stream == StreamType.STDOUT) {
            stdoutEnded = true;
        } else {
            stderrEnded = true;
        }
    }

    /**
     * Ends capture even though the pipes may still be open (something outside the agent's group
     * holds them): flushes both sanitizers and ignores whatever arrives afterwards, so that nothing is
     * stored after the session's terminal status.
     */
    public synchronized void close() {
        onEnd(StreamType.STDOUT);
        onEnd(StreamType.STDERR);
        closed = true;
    }

    public synchronized boolean isDrained() {
        return stdoutEnded && stderrEnded;
    }

    /** When bytes last arrived, or null when none have. */
    public Instant lastOutputAt() {
        return lastOutputAt;
    }

    /** How many reads brought bytes so far; a change means new output. */
    public long arrivals() {
        return arrivals;
    }

    public OutputTail tail() {
        return tail;
    }

    public ByteBudget budget() {
        return budget;
    }

    /** The start of what the agent wrote to stderr (on a terminal: to the terminal), cut at a character boundary. */
    public synchronized String stderrHead() {
        if (reportedStderrHead != null) {
            return reportedStderrHead;
        }
        int whole = stderrHeadLength - Utf8StreamSanitizer.incompleteTail(stderrHead, stderrHeadLength);
        return new String(stderrHead, 0, whole, StandardCharsets.UTF_8);
    }

    /** For a mirror: the start of stderr as the keeper saw it. */
    public void reportStderrHead(String head) {
        this.reportedStderrHead = head;
    }

    public synchronized long droppedBytes() {
        return droppedBytes;
    }

    private void emit(StreamType stream, Piece piece, int rawBytes) {
        Instant now = clock.instant();
        if (rawBytes > 0) {
            lastOutputAt = now;
            arrivals++;
        }
        int length = piece.length();
        if (length == 0) {
            return;
        }
        tail.append(piece.bytes(), 0, length);
        // A terminal has no stderr apart: there, what the launcher says when the exec fails
        // ("env: 'x': No such file or directory") comes first on the terminal.
        if ((stream == StreamType.STDERR || stream == StreamType.PTY) && stderrHeadLength < STDERR_HEAD_BYTES) {
            int n = Math.min(STDERR_HEAD_BYTES - stderrHeadLength, length);
            System.arraycopy(piece.bytes(), 0, stderrHead, stderrHeadLength, n);
            stderrHeadLength += n;
        }
        if (writer == null) {
            return; // a mirror: the keeper stores the bytes
        }
        // Charged to the budget: what is stored (what arrived, possibly with a character carried over).
        if (!writer.enqueue(sessionId, stream, piece.bytes(), length, Math.max(rawBytes, length), now, budget)) {
            droppedBytes += rawBytes;
            LOG.warn("session {}: output arrived after the writer stopped; {} bytes not stored", sessionId, rawBytes);
        }
    }

    private boolean ended(StreamType stream) {
        return stream == StreamType.STDOUT ? stdoutEnded : stderrEnded;
    }

    private Utf8StreamSanitizer sanitizer(StreamType stream) {
        return stream == StreamType.STDOUT ? stdout : stderr;
    }
}
