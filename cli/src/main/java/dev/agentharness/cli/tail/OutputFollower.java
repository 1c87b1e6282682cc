package dev.agentharness.cli.tail;

import dev.agentharness.core.OutputChunk;
import dev.agentharness.core.Session;
import dev.agentharness.core.StreamType;
import dev.agentharness.core.error.NoSuchSessionException;
import dev.agentharness.core.store.OutputStore;
import dev.agentharness.core.store.SessionStore;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Live follow of one session's output from a single cursor: the seq of the last chunk printed.
 * Each poll asks the store for chunks after the cursor (an indexed range read), so nothing is
 * printed twice or skipped between the history a caller printed and what arrives later, and any
 * number of followers in any processes can read the same session while the daemon writes it.
 *
 * <p>Ends when the session reaches a terminal status, after draining every chunk stored up to the
 * count the session row records, so the last bytes are never cut off.
 */
public final class OutputFollower {
    /** Poll interval while output is flowing or just flowed. */
    private static final Duration FAST_POLL = Duration.ofMillis(5);
    /** Poll interval after a second of silence. */
    private static final Duration SLOW_POLL = Duration.ofMillis(10);
    private static final long QUIET_NANOS = Duration.ofSeconds(1).toNanos();
    /** How often the session row is read for its status while no output arrives. */
    private static final long STATUS_CHECK_NANOS = Duration.ofMillis(50).toNanos();
    /** Chunks per read. */
    private static final int BATCH = 256;
    /** After the end, polls that may still find chunks the row already counts. */
    private static final int MAX_DRAIN_RETRIES = 100;

    private final OutputStore outputs;
    private final SessionStore sessions;
    private final Sleeper sleeper;

    /** A seam for tests; production sleeps the thread. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    public OutputFollower(OutputStore outputs, SessionStore sessions) {
        this(outputs, sessions, d -> Thread.sleep(d.toMillis()));
    }

    public OutputFollower(OutputStore outputs, SessionStore sessions, Sleeper sleeper) {
        this.outputs = outputs;
        this.sessions = sessions;
        this.sleeper = sleeper;
    }

    /**
     * Writes every chunk of {@code streams} with seq above {@code cursor} as it arrives, flushing
     * after each batch, until the session ends.
     *
     * @return the session as it ended
     * @throws NoSuchSessionException when the session is deleted (purged) meanwhile
     */
    public Session follow(String sessionId, long cursor, Set<StreamType> streams, ChunkSink out)
            throws IOException, InterruptedException {
        long lastOutput = System.nanoTime();
        long lastStatusCheck = 0;
        while (true) {
            List<OutputChunk> chunks = outputs.after(sessionId, cursor, BATCH);
            if (!chunks.isEmpty()) {
                cursor = write(chunks, streams, out);
                lastOutput = System.nanoTime();
                continue;
            }
            long now = System.nanoTime();
            if (now - lastStatusCheck >= STATUS_CHECK_NANOS) {
                lastStatusCheck = now;
                Session s = current(sessionId);
                if (s.status().isTerminal()) {
                    return drain(s, cursor, streams, out);
                }
            }
            sleeper.sleep(now - lastOutput < QUIET_NANOS ? FAST_POLL : SLOW_POLL);
        }
    }

    /**
     * Reads to the end after the session ended: until no chunk is left and the cursor has reached
     * the chunk count on the row (bounded, in case the count and the chunks ever disagree).
     */
    private Session drain(Session ended, long cursor, Set<StreamType> streams, ChunkSink out)
            throws IOException, InterruptedException {
        for (int retry = 0; ; ) {
            List<OutputChunk> chunks = outputs.after(ended.id(), cursor, BATCH);
            if (!chunks.isEmpty()) {
                cursor = write(chunks, streams, out);
                continue;
            }
            Session latest = current(ended.id());
            if (cursor >= latest.outputChunks() || ++retry > MAX_DRAIN_RETRIES) {
                return latest;
            }
            sleeper.sleep(SLOW_POLL);
        }
    }

    private Session current(String sessionId) {
        return sessions.get(sessionId).orElseThrow(() -> new NoSuchSessionException(sessionId + " (it was purged)"));
    }

    private static long write(List<OutputChunk> chunks, Set<StreamType> streams, ChunkSink out) throws IOException {
        for (OutputChunk c : chunks) {
            if (streams.contains(c.stream())) {
                out.write(c);
            }
        }
        out.flush();
        return chunks.get(chunks.size() - 1).seq();
    }
}
