package dev.agentharness.supervisor.internal.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.agentharness.core.QueuedStart;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.store.SessionStore;
import dev.agentharness.core.store.StartQueue;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class SlotSchedulerTest {
    /**
     * Regression (a flaky SlotsAndQueueTest in a full verify run under load): between the claim that
     * takes a request off the queue and the end of its start, the request was neither queued nor
     * known as started, so whenDequeued answered "no queued start request N" to a waiter (a
     * {@code harness start --wait}) whose session was being started right then.
     */
    @Test
    void whenDequeuedFailsForARequestBeingStarted() throws Exception {
        SessionSpec spec = SessionSpec.of(List.of("true"), "/");
        QueuedStart q = new QueuedStart(1, spec, Instant.EPOCH);
        Session session = Session.starting("01QUEUED000000000000000000", spec, 1, Instant.EPOCH);
        AtomicBoolean queued = new AtomicBoolean(true);
        StartQueue queue = mock(StartQueue.class);
        when(queue.list()).thenAnswer(i -> queued.get() ? List.of(q) : List.of());
        when(queue.get(anyLong())).thenAnswer(i -> queued.get() ? Optional.of(q) : Optional.empty());
        when(queue.remove(1)).thenAnswer(i -> queued.getAndSet(false));
        SessionStore sessions = mock(SessionStore.class);
        when(sessions.slotOccupants()).thenReturn(Map.of());
        when(sessions.slotCount()).thenReturn(3);
        when(sessions.get(session.id())).thenReturn(Optional.of(session));
        CountDownLatch claimed = new CountDownLatch(1);
        CountDownLatch spawned = new CountDownLatch(1);
        SessionStarter starter = mock(SessionStarter.class);
        when(starter.start(eq(spec), any(Runnable.class))).thenAnswer(i -> {
            ((Runnable) i.getArgument(1)).run(); // the claim: off the queue
            claimed.countDown();
            assertTrue(spawned.await(10, TimeUnit.SECONDS));
            return session;
        });
        SupervisorThreads threads = new SupervisorThreads();
        try {
            SlotScheduler scheduler = new SlotScheduler(queue, sessions, starter, threads);
            scheduler.resume();
            assertTrue(claimed.await(10, TimeUnit.SECONDS));

            CompletableFuture<Session> waiter = scheduler.whenDequeued(1);
            assertFalse(waiter.isCompletedExceptionally(), "the request is being started, not gone");
            spawned.countDown();
            assertEquals(session, waiter.get(10, TimeUnit.SECONDS));
            assertEquals(session, scheduler.whenDequeued(1).get(10, TimeUnit.SECONDS), "and asked again later");
        } finally {
            threads.shutdown();
        }
    }
}
