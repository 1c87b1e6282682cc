package dev.agentharness.store;

import static dev.agentharness.core.SessionStatus.COMPLETED;
import static dev.agentharness.core.SessionStatus.FAILED;
import static dev.agentharness.core.SessionStatus.PAUSED;
import static dev.agentharness.core.SessionStatus.RUNNING;
import static dev.agentharness.core.SessionStatus.STARTING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.core.EventType;
import dev.agentharness.core.PendingChunk;
import dev.agentharness.core.PurgeCriteria;
import dev.agentharness.core.PurgeResult;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionQuery;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.StreamType;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PurgeTest {
    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(TestStores.T0);
    private SqliteStores stores;

    @BeforeEach
    void open() {
        stores = TestStores.open(dir, clock);
    }

    @AfterEach
    void close() {
        stores.close();
    }

    private Session withOutput(SessionStatus status, String... texts) {
        Session s = TestStores.claimAs(stores, TestStores.spec(), status, clock);
        List<PendingChunk> chunks = new ArrayList<>();
        for (String t : texts) {
            chunks.add(new PendingChunk(s.id(), StreamType.STDOUT, clock.instant(), t));
        }
        stores.outputs().appendBatch(chunks);
        stores.events().append(s.id(), EventType.STARTED, Map.of());
        clock.advance(Duration.ofHours(1));
        return s;
    }

    @Test
    void purgeAllDeletesFinishedSessionsWithOutputAndEventsButNeverActiveOnes() {
        Session done = withOutput(COMPLETED, "ab", "c");
        Session failed = withOutput(FAILED, "défaut");
        Session running = withOutput(RUNNING, "still going");
        Session paused = withOutput(PAUSED, "zzz");
        Session starting = TestStores.claimAs(stores, TestStores.spec(), STARTING, clock);

        PurgeResult r = stores.sessions().purge(new PurgeCriteria(Set.of(), null, true, false));

        assertEquals(List.of(done.id(), failed.id()), r.sessionIds(), "oldest first");
        assertEquals(3, r.chunks());
        assertEquals(3 + 7, r.bytes());
        assertEquals(2, r.events(), "one STARTED event each");
        assertFalse(r.dryRun());
        assertTrue(stores.sessions().get(done.id()).isEmpty());
        assertTrue(stores.outputs().getBySession(done.id(), 0).isEmpty());
        assertTrue(stores.events().list(failed.id()).isEmpty());
        for (Session active : List.of(running, paused, starting)) {
            assertTrue(stores.sessions().get(active.id()).isPresent());
        }
        assertEquals(1, stores.outputs().getBySession(running.id(), 0).size());
        assertEquals(1, stores.events().list(running.id()).size());
    }

    @Test
    void dryRunReportsTheSameButDeletesNothing() {
        Session done = withOutput(COMPLETED, "ab", "c");
        withOutput(RUNNING, "x");
        PurgeCriteria all = new PurgeCriteria(Set.of(), null, true, true);
        PurgeResult dry = stores.sessions().purge(all);
        assertTrue(dry.dryRun());
        assertEquals(List.of(done.id()), dry.sessionIds());
        assertEquals(2, dry.chunks());
        assertEquals(2, stores.sessions().list(SessionQuery.ALL).size());
        assertEquals(2, stores.outputs().getBySession(done.id(), 0).size());
        assertEquals(1, stores.events().list(done.id()).size());

        PurgeResult real = stores.sessions().purge(new PurgeCriteria(Set.of(), null, true, false));
        assertEquals(dry.sessionIds(), real.sessionIds());
        assertEquals(dry.chunks(), real.chunks());
        assertEquals(dry.bytes(), real.bytes());
        assertEquals(dry.events(), real.events());
    }

    @Test
    void purgeByStatusAndAge() {
        Session oldDone = withOutput(COMPLETED, "a");
        Session oldFailed = withOutput(FAILED, "b");
        Instant cutoff = clock.instant();
        Session newDone = withOutput(COMPLETED, "c");

        assertEquals(List.of(oldFailed.id()), stores.sessions().purge(new PurgeCriteria(Set.of(FAILED), null, false, false)).sessionIds());
        assertEquals(List.of(oldDone.id()), stores.sessions().purge(new PurgeCriteria(Set.of(), cutoff, false, false)).sessionIds());
        assertEquals(List.of(newDone.id()), stores.sessions().list(SessionQuery.ALL).stream().map(Session::id).toList());
    }

    @Test
    void criteriaCannotNameActiveStatusesOrBeEmptyByAccident() {
        assertThrows(IllegalArgumentException.class, () -> new PurgeCriteria(Set.of(RUNNING), null, false, false));
        assertThrows(IllegalArgumentException.class, () -> new PurgeCriteria(Set.of(), null, false, false));
    }

    @Test
    void purgeOfALargeSessionDeletesAllOfItsOutputAcrossSlices() {
        Session big = TestStores.claimAs(stores, TestStores.spec(), RUNNING, clock);
        int n = 2 * dev.agentharness.store.internal.SqliteSessionStore.PURGE_SLICE + 100;
        List<PendingChunk> chunks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            chunks.add(new PendingChunk(big.id(), StreamType.STDOUT, clock.instant(), "line " + i + "\n"));
        }
        stores.outputs().appendBatch(chunks);
        long bytes = stores.outputs().size(big.id()).bytes();
        stores.sessions().update(big.id(), x -> x.toBuilder().status(COMPLETED).build());

        PurgeResult r = stores.sessions().purge(new PurgeCriteria(Set.of(COMPLETED), null, false, false));

        assertEquals(n, r.chunks());
        assertEquals(bytes, r.bytes());
        assertTrue(stores.sessions().get(big.id()).isEmpty());
        assertEquals(List.of("0"), stores.database().queryColumn("SELECT COUNT(*) FROM session_outputs"));
    }
}
