package dev.agentharness.supervisor.notify;

import dev.agentharness.core.notify.Notification;
import dev.agentharness.core.store.NotificationOutbox;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the outbox. One thread decides what is due (woken at once by {@link #wake()} when a row
 * is recorded, otherwise when the next retry falls due); a small pool of workers does the slow
 * part, so one hung webhook cannot delay a {@code waiting} notification to another sink. A sink
 * gets one session's events in order: a row waits while an earlier row of the same session and sink
 * is in flight (an earlier row waiting for its retry does not hold it back; the payload's timestamp
 * says which came first).
 *
 * <p>Failures back off ({@link NotifySettings#retryDelay}) and are stored with the row, so a daemon
 * restart resumes the schedule instead of starting it over. A notification's failure is logged once
 * when it first fails and once more if it is abandoned, with the sink masked and never the payload.
 */
@Singleton
public final class NotificationDispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NotificationDispatcher.class);
    private static final int BATCH = 64;
    private static final Duration IDLE_WAIT = Duration.ofSeconds(60);
    /** While deliveries are in flight: their completion wakes the loop, this is only a safety net. */
    private static final Duration BUSY_WAIT = Duration.ofSeconds(1);

    private final NotificationOutbox outbox;
    private final Sinks sinks;
    private final NotifySettings settings;
    private final Clock clock;
    /**
     * Rows handed to a worker and not yet seen finished by the loop. A worker reports a finished row
     * through {@link #finished} rather than removing it here itself: the loop may be holding a
     * {@code due} list read before the worker recorded the outcome, and must not hand that stale row
     * out again. The loop forgets finished rows only before its next read of the outbox.
     */
    private final Map<Long, String> inFlight = new ConcurrentHashMap<>();
    private final java.util.Queue<Long> finished = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final AtomicInteger running = new AtomicInteger();
    private final Object signal = new Object();
    private boolean woken;
    private volatile boolean closed;
    private volatile boolean loopFailureLogged;
    private ExecutorService workers;
    private Thread loop;

    @Inject
    public NotificationDispatcher(NotificationOutbox outbox, Sinks sinks, NotifySettings settings, Clock clock) {
        this.outbox = outbox;
        this.sinks = sinks;
        this.settings = settings;
        this.clock = clock;
    }

    /** Starts delivering, beginning with whatever a previous daemon left pending. Idempotent. */
    public synchronized void start() {
        if (loop != null) {
            return;
        }
        int pruned = outbox.prune(clock.instant().minus(settings.keepFor()));
        if (pruned > 0) {
            LOG.debug("pruned {} old notification(s)", pruned);
        }
        AtomicInteger n = new AtomicInteger();
        workers = Executors.newFixedThreadPool(settings.workers(), r -> {
            Thread t = new Thread(r, "notify-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        loop = new Thread(this::run, "notify-dispatch");
        loop.setDaemon(true);
        loop.start();
    }

    /** Something was recorded (or finished): look at the outbox now. Never blocks. */
    public void wake() {
        synchronized (signal) {
            woken = true;
            signal.notifyAll();
        }
    }

    private void run() {
        while (!closed) {
            try {
                for (Long done; (done = finished.poll()) != null; ) {
                    inFlight.remove(done);
                }
                for (Notification n : outbox.due(clock.instant(), BATCH)) {
                    String lane = n.sessionId() + "\u0000" + n.sink();
                    if (!inFlight.containsKey(n.id()) && !inFlight.containsValue(lane)) {
                        inFlight.put(n.id(), lane);
                        running.incrementAndGet();
                        try {
                            workers.execute(() -> attempt(n));
                        } catch (RejectedExecutionException shuttingDown) {
                            running.decrementAndGet();
                            inFlight.remove(n.id());
                        }
                    }
                }
                loopFailureLogged = false;
                await(nextWait());
            } catch (RuntimeException e) {
                if (!loopFailureLogged) {
                    loopFailureLogged = true;
                    LOG.warn("cannot read the notification outbox: {}", e.getMessage());
                }
                await(BUSY_WAIT);
            }
        }
    }

    private Duration nextWait() {
        Optional<Instant> next = outbox.nextDue();
        if (next.isEmpty()) {
            return IDLE_WAIT;
        }
        Duration until = Duration.between(clock.instant(), next.get());
        if (until.isNegative() || until.isZero()) {
            return BUSY_WAIT; // all of it is in flight
        }
        return until.compareTo(IDLE_WAIT) > 0 ? IDLE_WAIT : until;
    }

    private void await(Duration d) {
        synchronized (signal) {
            try {
                if (!woken && !closed) {
                    signal.wait(Math.max(1, d.toMillis()));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                closed = true;
            }
            woken = false;
        }
    }

    private void attempt(Notification n) {
        try {
            SinkAddress address;
            try {
                address = SinkAddress.parse(n.sink());
            } catch (IllegalArgumentException e) {
                outbox.failed(n.id(), null, e.getMessage());
                LOG.warn("notification {} ({}) abandoned: {}", n.id(), n.event(), e.getMessage());
                return;
            }
            Sink sink = sinks.forAddress(address,
                    Map.of("HARNESS_EVENT", n.event().wireName(), "HARNESS_SESSION", n.sessionId() == null ? "" : n.sessionId()));
            try {
                String answer = sink.deliver(n.payload());
                outbox.delivered(n.id(), answer);
                LOG.debug("notification {} ({}) delivered to {}: {}", n.id(), n.event(), address, answer);
            } catch (Sink.DeliveryException e) {
                failed(n, address, e.getMessage());
            }
        } catch (RuntimeException e) {
            LOG.warn("notification {} ({}): cannot record its delivery: {}", n.id(), n.event(), e.getMessage());
        } finally {
            finished.add(n.id());
            running.decrementAndGet();
            wake();
        }
    }

    private void failed(Notification n, SinkAddress address, String error) {
        int failures = n.attempts() + 1;
        String about = n.event() + (n.sessionId() == null ? "" : " of session " + n.sessionId());
        if (failures >= settings.maxAttempts()) {
            outbox.failed(n.id(), null, error);
            LOG.warn("notification {} ({}) to {} abandoned after {} attempts: {}", n.id(), about, address, failures, error);
            return;
        }
        Duration delay = settings.retryDelay(failures);
        outbox.failed(n.id(), clock.instant().plus(delay), error);
        if (failures == 1) {
            LOG.warn("notification {} ({}) to {} failed: {}; retrying, at most {} attempts", n.id(), about, address, error,
                    settings.maxAttempts());
        }
    }

    /**
     * Stops delivering. Gives what is due (the {@code stopped} notifications of a shutdown) up to
     * {@code drain} to go out; whatever is left stays in the outbox for the next daemon.
     */
    public void close(Duration drain) {
        synchronized (this) {
            if (loop == null || closed) {
                closed = true;
                return;
            }
        }
        long deadline = System.nanoTime() + drain.toNanos();
        try {
            while (System.nanoTime() < deadline && (running.get() > 0 || hasUnclaimedDue())) {
                wake();
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // The store is going away: what is left stays pending.
        }
        closed = true;
        wake();
        workers.shutdownNow();
        try {
            workers.awaitTermination(2, TimeUnit.SECONDS);
            loop.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether a due row has not been handed to a worker yet (rows the loop still counts in flight are). */
    private boolean hasUnclaimedDue() {
        for (Notification n : outbox.due(clock.instant(), BATCH)) {
            if (!inFlight.containsKey(n.id()) || finished.contains(n.id())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        close(Duration.ZERO);
    }
}
