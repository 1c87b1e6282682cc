package dev.agentharness.supervisor.internal.lifecycle;

import dev.agentharness.core.QueuedStart;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.error.HarnessException;
import dev.agentharness.core.error.NoFreeSlotException;
import dev.agentharness.core.error.StoreException;
import dev.agentharness.core.store.SessionStore;
import dev.agentharness.core.store.StartQueue;
import dev.agentharness.supervisor.StartOutcome;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands out slots: starts a spec at once when a slot is free, else queues it in the durable
 * {@link StartQueue}; whenever a slot frees, starts the oldest queued request that fits. The queue
 * lives in the database, so requests survive a harness restart; taking one off the queue commits
 * with its slot claim.
 */
@Singleton
public final class SlotScheduler {
    private static final Logger LOG = LoggerFactory.getLogger(SlotScheduler.class);
    private static final int REMEMBERED_STARTS = 1000;

    private final StartQueue queue;
    private final SessionStore sessions;
    private final SessionStarter starter;
    private final SupervisorThreads threads;
    private final Map<Long, CompletableFuture<Session>> waiters = new ConcurrentHashMap<>();
    /** Queue ids recently started, to their session ids, for late whenDequeued calls. */
    private final Map<Long, String> started = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, String> eldest) {
            return size() > REMEMBERED_STARTS;
        }
    };
    /** Queue ids being started right now: off the queue (the claim committed), not yet in {@link #started}. */
    private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();
    private final Object draining = new Object();
    private volatile boolean paused = true;

    @Inject
    public SlotScheduler(StartQueue queue, SessionStore sessions, SessionStarter starter, SupervisorThreads threads) {
        this.queue = queue;
        this.sessions = sessions;
        this.starter = starter;
        this.threads = threads;
    }

    /** Starts taking requests off the queue (after crash recovery). */
    public void resume() {
        paused = false;
        drainSoon();
    }

    /** Stops taking requests off the queue (shutdown); queued requests stay queued. */
    public void pause() {
        paused = true;
    }

    public StartOutcome startOrQueue(SessionSpec spec) {
        if (queue.peek().isEmpty()) {
            try {
                return new StartOutcome(starter.start(spec), null);
            } catch (NoFreeSlotException busy) {
                // fall through to the queue
            }
        }
        QueuedStart queued = queue.enqueue(spec);
        LOG.info("no free slot; queued start request {} ({})", queued.id(), spec.name() != null ? spec.name() : spec.command().get(0));
        drainSoon(); // a slot may have freed between the failed claim and the enqueue
        return new StartOutcome(null, queued);
    }

    public CompletableFuture<Session> whenDequeued(long queueId) {
        CompletableFuture<Session> f = waiters.computeIfAbsent(queueId, id -> new CompletableFuture<>());
        if (startedAs(queueId, f)) {
            return f;
        }
        // In this order: a drain marks a request in flight before its claim takes it off the queue, and
        // records it started before it is no longer in flight.
        if (queue.get(queueId).isEmpty() && !inFlight.contains(queueId) && !startedAs(queueId, f) && !f.isDone()) {
            waiters.remove(queueId);
            f.completeExceptionally(new HarnessException("no queued start request " + queueId));
        }
        return f;
    }

    /** Completes {@code f} if the request has become a session; whether it had. */
    private boolean startedAs(long queueId, CompletableFuture<Session> f) {
        String sessionId;
        synchronized (started) {
            sessionId = started.get(queueId);
        }
        if (sessionId == null) {
            return false;
        }
        waiters.remove(queueId);
        sessions.get(sessionId).ifPresentOrElse(f::complete,
                () -> f.completeExceptionally(new HarnessException("queued start " + queueId + " became session " + sessionId
                        + ", which no longer exists")));
        return true;
    }

    /** A slot may be free: start queued requests on a lifecycle thread. */
    public void drainSoon() {
        if (paused) {
            return;
        }
        try {
            threads.work().execute(this::drain);
        } catch (RejectedExecutionException shuttingDown) {
            // queued requests stay queued for the next harness
        }
    }

    private void drain() {
        synchronized (draining) {
            boolean progress = true;
            while (progress && !paused) {
                progress = false;
                List<QueuedStart> pending = queue.list();
                for (QueuedStart q : pending) {
                    if (paused || sessions.slotOccupants().size() >= sessions.slotCount()) {
                        return;
                    }
                    inFlight.add(q.id());
                    try {
                        Session s = starter.start(q.spec(), () -> {
                            if (!queue.remove(q.id())) {
                                throw new NoLongerQueued();
                            }
                        });
                        synchronized (started) {
                            started.put(q.id(), s.id());
                        }
                        inFlight.remove(q.id());
                        CompletableFuture<Session> f = waiters.remove(q.id());
                        if (f != null) {
                            f.complete(s);
                        }
                        progress = true;
                    } catch (NoFreeSlotException busy) {
                        // its requested slot is taken: the next request may fit another one
                    } catch (NoLongerQueued gone) {
                        // removed by someone else meanwhile
                    } catch (StoreException storeTrouble) {
                        // transient (a busy database): the request stays queued for the next slot event
                        LOG.warn("could not start queued request {} now: {}", q.id(), storeTrouble.getMessage());
                        return;
                    } catch (HarnessException unstartable) {
                        // e.g. its name was taken meanwhile: it would fail again and again, so drop it
                        LOG.warn("dropping queued start request {}: {}", q.id(), unstartable.getMessage());
                        queue.remove(q.id());
                        CompletableFuture<Session> f = waiters.remove(q.id());
                        if (f != null) {
                            f.completeExceptionally(unstartable);
                        }
                    } catch (RuntimeException e) {
                        LOG.error("starting queued request {} failed", q.id(), e);
                        CompletableFuture<Session> f = waiters.remove(q.id());
                        if (f != null) {
                            f.completeExceptionally(e);
                        }
                    } finally {
                        inFlight.remove(q.id());
                    }
                }
            }
        }
    }

    private static final class NoLongerQueued extends RuntimeException {
        NoLongerQueued() {
            super(null, null, false, false);
        }
    }
}
