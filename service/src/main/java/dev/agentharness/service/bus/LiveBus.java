package dev.agentharness.service.bus;

import dev.agentharness.core.OutputChunk;
import dev.agentharness.core.Session;
import dev.agentharness.core.store.OutputStore;
import dev.agentharness.service.Interest;
import dev.agentharness.service.LiveListener;
import dev.agentharness.service.Subscription;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's one bus for committed output and session changes.
 *
 * <p>Keepers write output to the store themselves and only tell the daemon that they committed
 * ({@link #outputCommitted}). The bus then reads what is new, once, and hands the same chunks to
 * every subscriber. Reading back from the store rather than forwarding the keeper's bytes means a
 * subscriber only ever sees committed output with its real seq: what it sees live and what it would
 * read later are the same bytes, and a cursor means the same thing in both.
 *
 * <p>One thread reads (so chunks go out in seq order per session, and a change is published only
 * after the output committed before it); each subscriber has a thread of its own for delivery, so a
 * slow subscriber (a browser on a slow link) never holds up the others. A subscriber that falls
 * more than {@link #MAX_BACKLOG_BYTES} behind is dropped and told so; it can subscribe again from its
 * last seq and lose nothing, since everything is in the store.
 */
public final class LiveBus implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LiveBus.class);
    /** Chunks per read of the store. */
    static final int READ_CHUNKS = 512;
    static final long MAX_BACKLOG_BYTES = 32L << 20;

    private final OutputStore outputs;
    private final CopyOnWriteArrayList<Subscriber> subscribers = new CopyOnWriteArrayList<>();
    private final LinkedBlockingQueue<Runnable> work = new LinkedBlockingQueue<>();
    /** Sessions whose commits are not read yet; a burst of notices becomes one read. Guarded by itself. */
    private final Set<String> unread = new LinkedHashSet<>();
    /** The last seq published per session; read and written on the bus thread only. */
    private final Map<String, Long> published = new HashMap<>();
    private final Thread thread;
    private volatile boolean closed;

    public LiveBus(OutputStore outputs) {
        this.outputs = outputs;
        this.thread = new Thread(this::run, "harness-bus");
        thread.setDaemon(true);
        thread.start();
    }

    /** A keeper (or the daemon's own writer) committed output of this session. Never blocks. */
    public void outputCommitted(String sessionId) {
        synchronized (unread) {
            if (!unread.add(sessionId)) {
                return; // a read of it is already due
            }
        }
        work.add(() -> {
            synchronized (unread) {
                unread.remove(sessionId);
            }
            publishNewOutput(sessionId);
        });
    }

    /** A session's row changed (its status). Published after any output committed before it. */
    public void changed(Session session) {
        work.add(() -> {
            publishNewOutput(session.id());
            for (Subscriber s : subscribers) {
                s.offerChange(session);
            }
        });
    }

    public Subscription subscribe(Interest interest, LiveListener listener) {
        Subscriber s = new Subscriber(interest, listener, outputs, subscribers::remove);
        subscribers.add(s);
        s.start();
        return s;
    }

    /**
     * Waits for the first change of one of {@code sessionIds} (any session when empty).
     *
     * @param settled asked once the wait is registered (so that no change falls between the two): a
     *                session that needs no waiting for, such as one that already ended
     * @return the session as it changed, or empty when {@code timeout} passed first
     */
    public Optional<Session> awaitChange(Set<String> sessionIds, Duration timeout, Supplier<Optional<Session>> settled)
            throws InterruptedException {
        LinkedBlockingQueue<Session> handoff = new LinkedBlockingQueue<>();
        try (Subscription ignored = subscribe(Interest.changesOnly(), new LiveListener() {
            @Override
            public void output(OutputChunk chunk) {
            }

            @Override
            public void changed(Session session) {
                if (sessionIds.isEmpty() || sessionIds.contains(session.id())) {
                    handoff.offer(session);
                }
            }
        })) {
            Optional<Session> already = settled.get();
            if (already.isPresent()) {
                return already;
            }
            return Optional.ofNullable(handoff.poll(timeout.toNanos(), TimeUnit.NANOSECONDS));
        }
    }

    private void run() {
        while (!closed) {
            Runnable task;
            try {
                task = work.take();
            } catch (InterruptedException e) {
                return;
            }
            try {
                task.run();
            } catch (RuntimeException e) {
                // A read that failed (a busy or full store) is tried again at the next commit notice;
                // subscribers fill any gap from the store by seq, so nothing is lost.
                LOG.warn("the live bus could not publish: {}", e.toString());
            }
        }
    }

    private void publishNewOutput(String sessionId) {
        if (subscribers.isEmpty()) {
            published.remove(sessionId); // nobody to tell; start from what is new when someone comes
            return;
        }
        Long last = published.get(sessionId);
        if (last == null) {
            // First notice since subscribers came: publish from the newest stored chunk's seq on.
            List<OutputChunk> newest = outputs.getBySession(sessionId, 1);
            if (newest.isEmpty()) {
                return;
            }
            last = newest.get(0).seq() - 1;
        }
        while (true) {
            List<OutputChunk> chunks = outputs.after(sessionId, last, READ_CHUNKS);
            for (OutputChunk c : chunks) {
                for (Subscriber s : subscribers) {
                    s.offerOutput(c);
                }
                last = c.seq();
            }
            if (chunks.size() < READ_CHUNKS) {
                break;
            }
        }
        published.put(sessionId, last);
    }

    int subscriberCount() {
        return subscribers.size();
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        for (Subscriber s : subscribers) {
            s.close();
        }
    }
}
