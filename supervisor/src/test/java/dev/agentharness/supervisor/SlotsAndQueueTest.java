package dev.agentharness.supervisor;

import static dev.agentharness.supervisor.testing.TestHarness.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.core.QueuedStart;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.error.NoFreeSlotException;
import dev.agentharness.supervisor.testing.TestHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three slots, claimed atomically; what does not fit waits in a durable FIFO queue. */
class SlotsAndQueueTest {
    @TempDir
    Path dir;

    @Test
    void aFourthStartFailsNamingTheBusySlots() {
        try (TestHarness h = TestHarness.started(dir)) {
            for (String name : new String[] {"alpha", "beta", "gamma"}) {
                h.supervisor.startSession(spec(dir, "sleep", "30").withName(name));
            }
            NoFreeSlotException e = assertThrows(NoFreeSlotException.class,
                    () -> h.supervisor.startSession(spec(dir, "sleep", "30").withName("delta")));
            assertEquals("all 3 slots are busy (1: alpha, 2: beta, 3: gamma)", e.getMessage());
            assertFalse(h.stores.sessions().getByName("delta").isPresent());
        }
    }

    @Test
    void queuedStartsBeginFirstInFirstOutAsSlotsFree() throws Exception {
        try (TestHarness h = TestHarness.started(dir)) {
            Session[] busy = new Session[3];
            for (int i = 0; i < 3; i++) {
                busy[i] = h.supervisor.startSession(spec(dir, "cat").withName("busy-" + i));
            }
            StartOutcome first = h.supervisor.startOrQueue(spec(dir, "cat").withName("queued-1"));
            StartOutcome second = h.supervisor.startOrQueue(spec(dir, "cat").withName("queued-2"));
            assertTrue(first.isQueued());
            assertTrue(second.isQueued());
            assertTrue(first.queued().id() < second.queued().id());
            CompletableFuture<Session> firstStarted = h.supervisor.whenDequeued(first.queued().id());
            CompletableFuture<Session> secondStarted = h.supervisor.whenDequeued(second.queued().id());
            assertFalse(firstStarted.isDone());

            h.supervisor.closeStdin(busy[1].id());
            Session one = firstStarted.get(30, TimeUnit.SECONDS);
            assertEquals("queued-1", one.name());
            assertEquals(SessionStatus.RUNNING, one.status());
            assertEquals(busy[1].slot(), one.slot(), "it took the slot that freed");
            Thread.sleep(200);
            assertFalse(secondStarted.isDone(), "no slot for the second one yet");

            h.supervisor.closeStdin(busy[0].id());
            assertEquals("queued-2", secondStarted.get(30, TimeUnit.SECONDS).name());
            assertTrue(h.stores.queue().list().isEmpty());
        }
    }

    @Test
    void theQueueSurvivesANewSupervisorOnTheSameDatabase() throws Exception {
        QueuedStart queued;
        try (TestHarness h = TestHarness.started(dir)) {
            for (int i = 0; i < 3; i++) {
                h.supervisor.startSession(spec(dir, "sleep", "30"));
            }
            queued = h.supervisor.startOrQueue(spec(dir, "sh", "-c", "echo from the queue").withName("patient")).queued();
            assertNotNull(queued);
            h.supervisor.shutdown(Duration.ofSeconds(2));
            assertEquals(1, h.stores.queue().list().size(), "shutdown keeps queued requests");
        }
        try (TestHarness h = TestHarness.started(dir)) {
            Session s = h.supervisor.whenDequeued(queued.id()).get(30, TimeUnit.SECONDS);
            assertEquals("patient", s.name());
            assertEquals(SessionStatus.COMPLETED, h.awaitEnded(s.id()).status());
            assertEquals("from the queue\n", h.output(s.id()));
            assertTrue(h.stores.queue().list().isEmpty());
        }
    }

    @Test
    void aQueuedRequestThatCanNeverStartIsDroppedAndItsWaiterTold() throws Exception {
        try (TestHarness h = TestHarness.started(dir)) {
            Session[] busy = new Session[3];
            for (int i = 0; i < 3; i++) {
                busy[i] = h.supervisor.startSession(spec(dir, "cat").withName("busy-" + i));
            }
            StartOutcome first = h.supervisor.startOrQueue(spec(dir, "cat").withName("first"));
            StartOutcome clash = h.supervisor.startOrQueue(spec(dir, "cat").withName("busy-2")); // queued behind "first"
            assertTrue(clash.isQueued());
            CompletableFuture<Session> clashStarted = h.supervisor.whenDequeued(clash.queued().id());
            h.supervisor.closeStdin(busy[0].id());
            h.supervisor.closeStdin(busy[1].id());
            assertEquals("first", h.supervisor.whenDequeued(first.queued().id()).get(30, TimeUnit.SECONDS).name());
            java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> clashStarted.get(30, TimeUnit.SECONDS));
            assertTrue(e.getCause().getMessage().contains("busy-2"), e.getCause().getMessage());
            TestHarness.await(() -> h.stores.queue().list().isEmpty(), "the request to leave the queue");
        }
    }

    @Test
    void startOrQueueStartsAtOnceWhenASlotIsFree() {
        try (TestHarness h = TestHarness.started(dir)) {
            StartOutcome outcome = h.supervisor.startOrQueue(spec(dir, "sleep", "30"));
            assertFalse(outcome.isQueued());
            assertEquals(SessionStatus.RUNNING, outcome.session().status());
        }
    }
}
