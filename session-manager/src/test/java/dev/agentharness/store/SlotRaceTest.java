package dev.agentharness.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.core.Session;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.error.NoFreeSlotException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Many threads, on one connection and on several, race for the last free slot: exactly one gets it. */
class SlotRaceTest {
    @TempDir
    Path dir;

    @Test
    void exactlyOneOfManyRacingThreadsGetsTheLastSlot() throws Exception {
        MutableClock clock = new MutableClock(TestStores.T0);
        int threads = 8;
        List<SqliteStores> connections = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            SqliteStores shared = TestStores.open(dir, clock);
            connections.add(shared);
            for (int i = 0; i < threads / 2; i++) {
                connections.add(TestStores.open(dir, clock));
            }
            shared.sessions().claimSlot(TestStores.spec());
            shared.sessions().claimSlot(TestStores.spec());
            for (int round = 0; round < 5; round++) {
                CyclicBarrier start = new CyclicBarrier(threads);
                List<Future<String>> results = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    // half the threads share one connection, the others have one each
                    SqliteStores stores = t % 2 == 0 ? shared : connections.get(1 + t / 2);
                    results.add(pool.submit(() -> {
                        start.await(10, TimeUnit.SECONDS);
                        try {
                            return "WON " + stores.sessions().claimSlot(TestStores.spec()).id();
                        } catch (NoFreeSlotException e) {
                            return "BUSY";
                        }
                    }));
                }
                List<String> winners = new ArrayList<>();
                for (Future<String> f : results) {
                    String r = f.get(30, TimeUnit.SECONDS);
                    if (r.startsWith("WON")) {
                        winners.add(r.substring(4));
                    }
                }
                assertEquals(1, winners.size(), "round " + round + ": " + winners);
                List<Session> active = shared.sessions().listActive();
                assertEquals(3, active.size());
                Session winner = shared.sessions().get(winners.get(0)).orElseThrow();
                assertEquals(3, winner.slot());
                shared.sessions().update(winner.id(), s -> s.toBuilder().status(SessionStatus.STOPPED).build());
            }
            assertTrue(shared.sessions().slotOccupants().keySet().containsAll(List.of(1, 2)));
        } finally {
            pool.shutdownNow();
            connections.forEach(SqliteStores::close);
        }
    }
}
