package dev.agentharness.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.core.Run;
import dev.agentharness.core.RunStatus;
import dev.agentharness.core.error.HarnessException;
import dev.agentharness.core.error.StoreException;
import dev.agentharness.core.store.RunStore;
import java.nio.file.Path;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunStoreTest {
    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(TestStores.T0);
    private SqliteStores stores;
    private RunStore runs;

    @BeforeEach
    void open() {
        stores = TestStores.open(dir, clock);
        runs = stores.runs();
    }

    @AfterEach
    void close() {
        stores.close();
    }

    @Test
    void createRunStartsAnActiveRunAndCompletesThePreviousOne() {
        assertTrue(runs.getActiveRun().isEmpty());
        Run first = runs.createRun("nightly refactor");
        assertEquals(new Run(first.id(), "nightly refactor", TestStores.T0, null, RunStatus.ACTIVE, 0), first);
        clock.advance(Duration.ofMinutes(5));
        Run second = runs.createRun(null);
        assertEquals(second, runs.getActiveRun().orElseThrow());
        Run firstNow = runs.getRun(first.id()).orElseThrow();
        assertEquals(RunStatus.COMPLETED, firstNow.status());
        assertEquals(clock.instant(), firstNow.completedAt());
        assertNull(second.description());
    }

    @Test
    void listRunsIsMostRecentFirstWithALimit() {
        Run a = runs.createRun("a");
        clock.advance(Duration.ofSeconds(1));
        Run b = runs.createRun("b");
        clock.advance(Duration.ofSeconds(1));
        Run c = runs.createRun("c");
        assertEquals(List.of(c.id(), b.id(), a.id()), runs.listRuns(10).stream().map(Run::id).toList());
        assertEquals(List.of(c.id(), b.id()), runs.listRuns(2).stream().map(Run::id).toList());
        assertEquals(3, runs.listRuns(0).size());
    }

    @Test
    void incrementSessionCountCountsAndRefusesUnknownRuns() {
        Run r = runs.createRun("x");
        runs.incrementSessionCount(r.id());
        runs.incrementSessionCount(r.id());
        assertEquals(2, runs.getRun(r.id()).orElseThrow().sessionCount());
        assertThrows(HarnessException.class, () -> runs.incrementSessionCount("01JNORUN"));
    }

    @Test
    void completeRunEndsItOnceAndRefusesUnknownRuns() {
        Run r = runs.createRun("x");
        clock.advance(Duration.ofMinutes(1));
        Run done = runs.completeRun(r.id());
        assertEquals(RunStatus.COMPLETED, done.status());
        assertEquals(clock.instant(), done.completedAt());
        clock.advance(Duration.ofMinutes(1));
        assertEquals(done, runs.completeRun(r.id()), "completing again changes nothing");
        assertTrue(runs.getActiveRun().isEmpty());
        HarnessException e = assertThrows(HarnessException.class, () -> runs.completeRun("01JNORUN"));
        assertEquals("no such run: 01JNORUN", e.getMessage());
    }

    @Test
    void theDatabaseItselfAllowsOnlyOneActiveRun() {
        runs.createRun("x");
        var db = stores.database();
        StoreException e = assertThrows(StoreException.class, () -> db.write(() -> {
            try (Statement st = db.connection().createStatement()) {
                return st.executeUpdate("INSERT INTO runs (id, status, started_at) VALUES ('R2', 'active', '2025-01-01T00:00:00.000Z')");
            }
        }));
        assertTrue(e.getMessage().contains("UNIQUE"), e.getMessage());
    }

    @Test
    void claimingASlotForARunCountsTheSessionInThatRunOnce() {
        Run run = runs.createRun("counted");
        stores.sessions().claimSlot(TestStores.spec().withRunId(run.id()));
        stores.sessions().claimSlot(TestStores.spec());
        assertEquals(1, runs.getRun(run.id()).orElseThrow().sessionCount());
    }
}
