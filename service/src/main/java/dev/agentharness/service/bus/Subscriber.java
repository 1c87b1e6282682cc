package dev.agentharness.service.bus;

import dev.agentharness.core.OutputChunk;
import dev.agentharness.core.Session;
import dev.agentharness.core.store.OutputStore;
import dev.agentharness.service.Interest;
import dev.agentharness.service.LiveListener;
import dev.agentharness.service.Subscription;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscription: its own queue and delivery thread, and a cursor per session.
 *
 * <p>The cursor is what makes "no gap, no double" hold whatever the timing: a chunk at or below it
 * is skipped, a chunk beyond the next one is preceded by the missing ones, read from the store. So
 * the catch-up from the subscriber's own cursor and the live chunks may overlap or leave a hole,
 * and the listener still sees each seq exactly once, in order.
 */
final class Subscriber implements Subscription {
    private static final Logger LOG = LoggerFactory.getLogger(Subscriber.class);
    private static final Object CLOSE = new Object();

    private final Interest interest;
    private final LiveListener listener;
    private final OutputStore outputs;
    private final Consumer<Subscriber> onEnd;
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final AtomicLong backlogBytes = new AtomicLong();
    /** Delivery thread only. */
    private final Map<String, Long> cursors = new HashMap<>();
    private final Thread thread;
    private volatile boolean closed;

    Subscriber(Interest interest, LiveListener listener, OutputStore outputs, Consumer<Subscriber> onEnd) {
        this.interest = interest;
        this.listener = listener;
        this.outputs = outputs;
        this.onEnd = onEnd;
        this.thread = new Thread(this::run, "harness-bus-subscriber");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    void offerOutput(OutputChunk chunk) {
        if (closed || !interest.output() || (interest.sessionId() != null && !interest.sessionId().equals(chunk.sessionId()))) {
            return;
        }
        if (backlogBytes.addAndGet(chunk.data().length) > LiveBus.MAX_BACKLOG_BYTES) {
            drop("it fell more than " + (LiveBus.MAX_BACKLOG_BYTES >> 20) + " MiB behind");
            return;
        }
        queue.add(chunk);
    }

    void offerChange(Session session) {
        if (closed || (interest.sessionId() != null && !interest.sessionId().equals(session.id()))) {
            return;
        }
        queue.add(session);
    }

    private void run() {
        try {
            if (!closed && interest.output() && interest.sessionId() != null && interest.afterSeq() >= 0) {
                cursors.put(interest.sessionId(), interest.afterSeq());
                catchUp(interest.sessionId(), Long.MAX_VALUE);
            }
            while (!closed) {
                Object next = queue.take();
                if (next == CLOSE || closed) {
                    break;
                }
                if (next instanceof OutputChunk c) {
                    backlogBytes.addAndGet(-c.data().length);
                    deliver(c);
                } else {
                    listener.changed((Session) next);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("a live subscriber failed and was dropped: {}", e.toString());
            listener.dropped("failed: " + e.getMessage());
        } finally {
            closed = true;
            onEnd.accept(this);
        }
    }

    private void deliver(OutputChunk c) {
        Long cursor = cursors.get(c.sessionId());
        if (cursor == null) {
            cursors.put(c.sessionId(), c.seq()); // every-session interest: from the first chunk seen
            listener.output(c);
            return;
        }
        if (c.seq() <= cursor) {
            return;
        }
        if (c.seq() > cursor + 1) {
            catchUp(c.sessionId(), c.seq() - 1);
        }
        // Only the very next seq: a catch-up cut short (this subscriber was closed or dropped while
        // it read the store) must not be followed by the live chunk, or the listener would see a gap
        // it cannot tell from the end. Seen in SoakTortureIT: a follower that joined a flood halfway
        // fell behind during its catch-up, was dropped, got the live chunk anyway and moved its
        // cursor past 1.4 MB it never received.
        if (!closed && c.seq() == cursors.get(c.sessionId()) + 1) {
            cursors.put(c.sessionId(), c.seq());
            listener.output(c);
        }
    }

    /** Delivers what the store holds after the session's cursor, up to {@code upTo}. */
    private void catchUp(String sessionId, long upTo) {
        long cursor = cursors.get(sessionId);
        while (cursor < upTo && !closed) {
            List<OutputChunk> chunks = outputs.after(sessionId, cursor, LiveBus.READ_CHUNKS);
            for (OutputChunk c : chunks) {
                if (c.seq() > upTo || closed) {
                    break;
                }
                listener.output(c);
                cursor = c.seq();
            }
            if (chunks.size() < LiveBus.READ_CHUNKS) {
                break;
            }
        }
        cursors.put(sessionId, cursor);
    }

    private void drop(String reason) {
        if (!closed) {
            closed = true;
            queue.clear();
            queue.add(CLOSE);
            listener.dropped(reason);
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            queue.add(CLOSE);
        }
    }
}
