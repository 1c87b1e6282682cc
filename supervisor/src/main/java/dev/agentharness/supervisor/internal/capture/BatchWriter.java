package dev.agentharness.supervisor.internal.capture;

import dev.agentharness.core.PendingChunk;
import dev.agentharness.core.StreamType;
import dev.agentharness.core.error.DatabaseBusyException;
import dev.agentharness.core.error.DiskFullException;
import dev.agentharness.core.store.OutputStore;
import dev.agentharness.supervisor.SupervisorConfig;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.HashSet;
import dev.agentharness.supervisor.SessionObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that writes output to the database, for all sessions.
 *
 * <p>Output that arrives after a quiet spell ({@link #QUIET_NANOS}) is committed at once, so that a
 * live follower sees a trickle within a millisecond or two (issue 15's follow target). Output that
 * keeps coming waits up to {@code batchWindow} (20 ms), or until {@code batchMaxBytes} have gathered,
 * so a stream goes to {@link OutputStore#appendBatch} in few transactions of thousands of reads each. Each commit is told to the {@link CommitListener} (the keeper sends it on to the
 * daemon, whose live bus pushes it to followers). While
 * they wait, consecutive reads of the same stream of one session are coalesced into one chunk (up to
 * {@link #MAX_CHUNK_BYTES}), so bursts of small writes become few rows; the bytes stay exact and in
 * order, because a session's chunk is only extended while it is that session's newest. The text is
 * UTF-8 bytes from end to end: nothing here decodes it.
 *
 * <p>A crash of the harness loses at most what is waiting here: one batch window.
 */
@Singleton
public final class BatchWriter implements AutoCloseable {
    /** A chunk stops growing at this many bytes, so that readers never get huge rows. */
    public static final int MAX_CHUNK_BYTES = 64 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(BatchWriter.class);
    private static final long[] RETRY_DELAYS_MS = {50, 100, 200, 400, 800, 1600};
    private static final long BUSY_RETRY_MS = 1000;

    private final OutputStore store;
    private final long windowNanos;
    private final long maxBytes;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private final Map<String, Pending> newestBySession = new HashMap<>();
    private final List<FlushWaiter> flushWaiters = new ArrayList<>();
    private long pendingBytes;
    /**
     * Output that comes after this long without any is committed at once: a live follower sees a
     * trickle (a line, a prompt) within a millisecond or two. Output that keeps coming waits for the
     * window, so that a steady stream is not written one small transaction per read: that multiplied
     * the WAL (every commit rewrites whole pages) and filled a small disk 10 times sooner.
     */
    static final long QUIET_NANOS = 5_000_000;
    /** When the last chunk was queued. */
    private long lastEnqueueNanos = System.nanoTime() - Long.MAX_VALUE / 4;
    /** When the oldest pending chunk was queued. */
    private long firstPendingNanos;
    /** The pending batch began after a quiet spell: commit it at once. */
    private boolean prompt;
    private long nextSeq = 1;
    private long inFlightMinSeq = Long.MAX_VALUE;
    private volatile boolean closing;
    private boolean closed;
    private Thread thread;

    private final AtomicLong committedBytes = new AtomicLong();
    private final AtomicLong committedChunks = new AtomicLong();
    private final AtomicLong committedBatches = new AtomicLong();

    private final CommitListener commitListener;

    /** Hears which sessions' output was just committed, on the writer's thread: must return quickly. */
    @FunctionalInterface
    public interface CommitListener {
        CommitListener NONE = sessionIds -> { };

        void committed(Set<String> sessionIds);
    }

    /** In the daemon (keepers off): every {@link SessionObserver} hears of each commit. */
    @Inject
    public BatchWriter(OutputStore store, SupervisorConfig config, Set<SessionObserver> observers) {
        this(store, config, observers.isEmpty() ? CommitListener.NONE : ids -> {
            for (SessionObserver o : observers) {
                for (String id : ids) {
                    o.outputCommitted(id);
                }
            }
        });
    }

    public BatchWriter(OutputStore store, SupervisorConfig config) {
        this(store, config, CommitListener.NONE);
    }

    public BatchWriter(OutputStore store, SupervisorConfig config, CommitListener commitListener) {
        this.commitListener = commitListener;
        this.store = store;
        this.windowNanos = config.batchWindow().toNanos();
        this.maxBytes = Math.max(1, config.batchMaxBytes());
    }

    public void start() {
        lock.lock();
        try {
            if (thread != null) {
                return;
            }
            thread = new Thread(this::run, "harness-output-writer");
            thread.setDaemon(true);
            thread.start();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues {@code utf8[0, length)} for storage and charges {@code bytes} to {@code budget} until it
     * is committed. The array is taken over, not copied: the caller must not change it afterwards.
     *
     * @param utf8 well-formed UTF-8
     * @return false when the writer has stopped and the text was not taken
     */
    public boolean enqueue(String sessionId, StreamType stream, byte[] utf8, int length, long bytes, Instant at,
            ByteBudget budget) {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            budget.add(bytes);
            long seq = nextSeq++;
            Pending newest = newestBySession.get(sessionId);
            if (newest != null && newest.stream == stream && newest.length + length <= MAX_CHUNK_BYTES) {
                newest.append(utf8, length);
                newest.bytes += bytes;
            } else {
                Pending p = new Pending(sessionId, stream, at, utf8, length, bytes, budget, seq);
                pending.addLast(p);
                newestBySession.put(sessionId, p);
            }
            boolean wasEmpty = pendingBytes == 0;
            long now = System.nanoTime();
            if (wasEmpty) {
                firstPendingNanos = now;
                prompt = now - lastEnqueueNanos >= QUIET_NANOS;
            }
            lastEnqueueNanos = now;
            pendingBytes += bytes;
            if (wasEmpty || pendingBytes >= maxBytes) {
                changed.signalAll();
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Completes when everything enqueued before this call is committed (or given up on). */
    public CompletableFuture<Void> flush() {
        lock.lock();
        try {
            CompletableFuture<Void> done = new CompletableFuture<>();
            long target = nextSeq - 1;
            if (target < committedBelow()) {
                done.complete(null);
            } else {
                flushWaiters.add(new FlushWaiter(target, done));
                changed.signalAll();
            }
            return done;
        } finally {
            lock.unlock();
        }
    }

    /** Writes what is queued, stops the thread, and refuses further text. Idempotent. */
    @Override
    public void close() {
        Thread t;
        lock.lock();
        try {
            closing = true;
            changed.signalAll();
            t = thread;
        } finally {
            lock.unlock();
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(60));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        lock.lock();
        try {
            closed = true;
            // Nothing will write these any more; let the flushers and readers go.
            for (Pending p : pending) {
                p.budget.lift();
            }
            for (FlushWaiter w : flushWaiters) {
                w.done.complete(null);
            }
            flushWaiters.clear();
        } finally {
            lock.unlock();
        }
    }

    /** Totals since start, for logs and benchmarks. */
    public Stats stats() {
        return new Stats(committedBatches.get(), committedChunks.get(), committedBytes.get());
    }

    /** @param batches transactions committed; chunks rows written; bytes text written, in UTF-8 */
    public record Stats(long batches, long chunks, long bytes) {
    }

    private void run() {
        while (true) {
            List<Pending> batch;
            lock.lock();
            try {
                while (true) {
                    if (pending.isEmpty()) {
                        completeFlushWaiters();
                        if (closing) {
                            return;
                        }
                        changed.awaitUninterruptibly();
                        continue;
                    }
                    if (closing || prompt || !flushWaiters.isEmpty() || pendingBytes >= maxBytes) {
                        break;
                    }
                    long waitNanos = windowNanos - (System.nanoTime() - firstPendingNanos);
                    if (waitNanos <= 0) {
                        break;
                    }
                    try {
                        changed.awaitNanos(waitNanos);
                    } catch (InterruptedException e) {
                        // Only close() matters, and it signals; keep going.
                    }
                }
                batch = take();
            } finally {
                lock.unlock();
            }
            write(batch);
            lock.lock();
            try {
                inFlightMinSeq = Long.MAX_VALUE;
                completeFlushWaiters();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Takes the oldest entries, up to the batch limit (at least one). Caller holds the lock. */
    private List<Pending> take() {
        List<Pending> batch = new ArrayList<>();
        long bytes = 0;
        while (!pending.isEmpty() && (batch.isEmpty() || bytes + pending.peekFirst().bytes <= maxBytes)) {
            Pending p = pending.pollFirst();
            batch.add(p);
            bytes += p.bytes;
            if (newestBySession.get(p.sessionId) == p) {
                newestBySession.remove(p.sessionId); // taken: never extended again
            }
        }
        pendingBytes -= bytes;
        inFlightMinSeq = batch.get(0).firstSeq;
        return batch;
    }

    private void write(List<Pending> batch) {
        List<PendingChunk> chunks = new ArrayList<>(batch.size());
        long bytes = 0;
        for (Pending p : batch) {
            chunks.add(new PendingChunk(p.sessionId, p.stream, p.at, p.utf8()));
            bytes += p.length;
        }
        try {
            if (appendWithRetry(chunks)) {
                committedBatches.incrementAndGet();
                committedChunks.addAndGet(chunks.size());
                committedBytes.addAndGet(bytes);
            } else {
                writeSessionBySession(chunks);
            }
        } catch (Throwable t) {
            LOG.error("output writer failed; {} chunks were not stored", chunks.size(), t);
        } finally {
            for (Pending p : batch) {
                p.budget.release(p.bytes);
            }
        }
        Set<String> sessions = new HashSet<>();
        for (Pending p : batch) {
            sessions.add(p.sessionId);
        }
        try {
            commitListener.committed(sessions);
        } catch (RuntimeException e) {
            LOG.warn("a commit listener failed", e);
        }
    }

    /**
     * Two failures are waited out for as long as they last: a busy database (another process holds
     * the write lock) and a full disk (someone will make room). Meanwhile the budgets hold the
     * agents back (their pipes fill, their writes block), so nothing is lost and memory stays
     * bounded; an agent that cannot write is better than output that silently is not stored. Only
     * when closing does the writer give up on them. Any other failure is retried a few times.
     */
    private boolean appendWithRetry(List<PendingChunk> chunks) {
        int failures = 0;
        boolean diskWasFull = false;
        for (int attempt = 0; ; attempt++) {
            try {
                store.appendBatch(chunks);
                if (diskWasFull) {
                    LOG.warn("there is room on the disk again; output is being stored");
                }
                return true;
            } catch (DatabaseBusyException | DiskFullException waitable) {
                if (closing && attempt >= RETRY_DELAYS_MS.length) {
                    LOG.warn("{} while closing; giving up on {} chunks", waitable.getMessage(), chunks.size());
                    return false;
                }
                if (waitable instanceof DiskFullException) {
                    if (!diskWasFull) {
                        LOG.error("{}; output waits until there is room, and the agents wait with it", waitable.getMessage());
                    }
                    diskWasFull = true;
                } else {
                    LOG.warn("database busy, output waits: {}", waitable.getMessage());
                }
                sleep(Math.min(BUSY_RETRY_MS, RETRY_DELAYS_MS[Math.min(attempt, RETRY_DELAYS_MS.length - 1)]));
            } catch (RuntimeException e) {
                if (failures >= RETRY_DELAYS_MS.length) {
                    LOG.warn("storing a batch of {} chunks failed {} times: {}", chunks.size(), failures + 1, e.toString());
                    return false;
                }
                sleep(RETRY_DELAYS_MS[failures++]);
            }
        }
    }

    /** A batch that keeps failing: isolate the session that makes it fail, store the others. */
    private void writeSessionBySession(List<PendingChunk> chunks) {
        Map<String, List<PendingChunk>> bySession = new LinkedHashMap<>();
        for (PendingChunk c : chunks) {
            bySession.computeIfAbsent(c.sessionId(), k -> new ArrayList<>()).add(c);
        }
        for (Iterator<Map.Entry<String, List<PendingChunk>>> it = bySession.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, List<PendingChunk>> e = it.next();
            long bytes = e.getValue().stream().mapToLong(PendingChunk::byteLength).sum();
            try {
                store.appendBatch(e.getValue());
                committedBatches.incrementAndGet();
                committedChunks.addAndGet(e.getValue().size());
                committedBytes.addAndGet(bytes);
            } catch (RuntimeException failure) {
                LOG.error("session {}: dropping {} bytes of output that cannot be stored", e.getKey(), bytes, failure);
            }
        }
    }

    /** Every seq below this is committed. Caller holds the lock. */
    private long committedBelow() {
        long below = nextSeq;
        if (!pending.isEmpty()) {
            below = Math.min(below, pending.peekFirst().firstSeq);
        }
        return Math.min(below, inFlightMinSeq);
    }

    private void completeFlushWaiters() {
        if (flushWaiters.isEmpty()) {
            return;
        }
        long below = committedBelow();
        flushWaiters.removeIf(w -> {
            if (w.target < below) {
                w.done.complete(null);
                return true;
            }
            return false;
        });
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class Pending {
        final String sessionId;
        final StreamType stream;
        final Instant at;
        final ByteBudget budget;
        final long firstSeq;
        /** What is charged to the budget: at least {@link #length}. */
        long bytes;
        /**
         * The text is {@code utf8[0, length)}. While it is one read, the array is that read's own
         * (no copy); most chunks of a bulk stream stay like that. Reads that coalesce grow it.
         */
        private byte[] utf8;
        int length;

        Pending(String sessionId, StreamType stream, Instant at, byte[] utf8, int length, long bytes, ByteBudget budget,
                long firstSeq) {
            this.sessionId = sessionId;
            this.stream = stream;
            this.at = at;
            this.utf8 = utf8;
            this.length = length;
            this.bytes = bytes;
            this.budget = budget;
            this.firstSeq = firstSeq;
        }

        void append(byte[] more, int count) {
            if (length + count > utf8.length) {
                int capacity = Math.min(MAX_CHUNK_BYTES, Math.max(length + count, Math.max(256, 2 * length)));
                utf8 = Arrays.copyOf(utf8, capacity);
            }
            System.arraycopy(more, 0, utf8, length, count);
            length += count;
        }

        /** The text as an array of exactly its length (the store binds whole arrays). */
        byte[] utf8() {
            return length == utf8.length ? utf8 : Arrays.copyOf(utf8, length);
        }
    }

    private record FlushWaiter(long target, CompletableFuture<Void> done) {
    }
}
