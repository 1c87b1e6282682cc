package dev.agentharness.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.core.EventType;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionQuery;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.StreamType;
import dev.agentharness.core.error.NoFreeSlotException;
import dev.agentharness.core.store.Transactor;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransactorTest {
    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(TestStores.T0);
    private SqliteStores stores;
    private SqliteStores other;
    private Transactor tx;

    @BeforeEach
    void open() {
        stores = TestStores.open(dir, clock);
        other = TestStores.open(dir, clock);
        tx = stores.transactor();
    }

    @AfterEach
    void close() {
        stores.close();
        other.close();
    }

    @Test
    void writesOfSeveralStoresCommitTogether() throws Exception {
        Session s = stores.sessions().claimSlot(TestStores.spec());
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch checked = new CountDownLatch(1);
        Thread t = new Thread(() -> tx.inTransaction(() -> {
            stores.sessions().update(s.id(), x -> x.toBuilder().status(SessionStatus.RUNNING).build());
            stores.events().append(s.id(), EventType.STATUS_CHANGED, Map.of("to", "running"));
            inside.countDown();
            await(checked);
        }));
        t.start();
        assertTrue(inside.await(10, TimeUnit.SECONDS));
        // Another connection sees neither write until the transaction commits.
        assertEquals(SessionStatus.STARTING, other.sessions().get(s.id()).orElseThrow().status());
        assertTrue(other.events().list(s.id()).isEmpty());
        checked.countDown();
        t.join();
        assertEquals(SessionStatus.RUNNING, other.sessions().get(s.id()).orElseThrow().status());
        assertEquals(1, other.events().list(s.id()).size());
    }

    @Test
    void aFailureRollsBackEverythingTheTransactionWrote() {
        Session s = stores.sessions().claimSlot(TestStores.spec());
        assertThrows(IllegalStateException.class, () -> tx.inTransaction(() -> {
            stores.outputs().append(s.id(), StreamType.STDOUT, clock.instant(), "lost");
            stores.sessions().claimSlot(TestStores.named("lost too"));
            throw new IllegalStateException("boom");
        }));
        assertEquals(0, stores.outputs().size(s.id()).chunks());
        assertEquals(1, stores.sessions().list(SessionQuery.ALL).size());
    }

    @Test
    void anInnerFailureCaughtByTheOuterWorkUndoesOnlyTheInnerWrites() {
        Session s = stores.sessions().claimSlot(TestStores.spec());
        String result = tx.inTransaction(() -> {
            stores.outputs().append(s.id(), StreamType.STDOUT, clock.instant(), "kept");
            try {
                tx.inTransaction(() -> {
                    stores.outputs().append(s.id(), StreamType.STDOUT, clock.instant(), "undone");
                    throw new IllegalStateException("inner");
                });
            } catch (IllegalStateException expected) {
                // the outer work goes on
            }
            stores.outputs().append(s.id(), StreamType.STDOUT, clock.instant(), " and this");
            return "done";
        });
        assertEquals("done", result);
        assertEquals("kept and this", stores.outputs().lastLines(s.id(), 10, null));
        assertEquals(2, stores.outputs().size(s.id()).lastSeq());
    }

    @Test
    void queueingWhenNoSlotIsFreeIsOneTransaction() {
        for (int i = 0; i < 3; i++) {
            stores.sessions().claimSlot(TestStores.spec());
        }
        long queued = tx.inTransaction(() -> {
            try {
                stores.sessions().claimSlot(TestStores.named("late"));
                return -1L;
            } catch (NoFreeSlotException busy) {
                return stores.queue().enqueue(TestStores.named("late")).id();
            }
        });
        assertEquals(queued, other.queue().peek().orElseThrow().id());
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
