package dev.agentharness.store;

import static dev.agentharness.core.SessionStatus.COMPLETED;
import static dev.agentharness.core.SessionStatus.CRASHED;
import static dev.agentharness.core.SessionStatus.FAILED;
import static dev.agentharness.core.SessionStatus.PAUSED;
import static dev.agentharness.core.SessionStatus.RUNNING;
import static dev.agentharness.core.SessionStatus.STALLED;
import static dev.agentharness.core.SessionStatus.STARTING;
import static dev.agentharness.core.SessionStatus.STOPPED;
import static dev.agentharness.core.SessionStatus.TIMED_OUT;
import static dev.agentharness.core.SessionStatus.WAITING_CHECKPOINT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.core.EventType;
import dev.agentharness.core.PendingChunk;
import dev.agentharness.core.RestartPolicy;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionQuery;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.TerminalSize;
import dev.agentharness.core.SessionStats;
import dev.agentharness.core.StreamType;
import dev.agentharness.core.error.DuplicateNameException;
import dev.agentharness.core.error.HarnessException;
import dev.agentharness.core.error.IllegalTransitionException;
import dev.agentharness.core.error.NoFreeSlotException;
import dev.agentharness.core.error.NoSuchSessionException;
import dev.agentharness.core.store.SessionStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionStoreTest {
    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(TestStores.T0);
    private SqliteStores stores;
    private SessionStore sessions;

    @BeforeEach
    void open() {
        stores = TestStores.open(dir, clock);
        sessions = stores.sessions();
    }

    @AfterEach
    void close() {
        stores.close();
    }

    private Session as(SessionSpec spec, dev.agentharness.core.SessionStatus status) {
        return TestStores.claimAs(stores, spec, status, clock);
    }

    @Test
    void claimSlotTakesTheLowestFreeSlotAndStoresTheWholeSpec() {
        SessionSpec spec = new SessionSpec("builder", List.of("claude", "-p", "it's \"quoted\""), "/w/api",
                Map.of("TOKEN", "s3cret", "PATH", "/bin"), null, "RUN1", Duration.ofMinutes(30), Duration.ofSeconds(90),
                RestartPolicy.onFailure(2), "01PREVIOUS", 1, Map.of("model", "opus", "cost", 1.25, "turns", 7, "tags", List.of("a", "b")),
                new TerminalSize(100, 30), true, "/w", List.of("cmd:/usr/local/bin/notify-me"));
        clock.set(Instant.parse("2025-01-01T10:00:00.123456789Z"));
        Session s = sessions.claimSlot(spec);
        assertEquals(1, s.slot());
        assertEquals(STARTING, s.status());
        assertEquals(Instant.parse("2025-01-01T10:00:00.123Z"), s.createdAt(), "times are kept to the millisecond");
        assertEquals(26, s.id().length());
        assertEquals(spec, s.spec());
        assertEquals(s, sessions.get(s.id()).orElseThrow());
        assertEquals(2, sessions.claimSlot(TestStores.spec()).slot());
        assertEquals(3, sessions.claimSlot(TestStores.spec()).slot());
    }

    @Test
    void claimSlotReusesASlotOnceItsSessionEnded() {
        Session first = sessions.claimSlot(TestStores.spec());
        sessions.claimSlot(TestStores.spec());
        sessions.update(first.id(), s -> s.toBuilder().status(FAILED).build());
        assertEquals(1, sessions.claimSlot(TestStores.spec()).slot());
    }

    @Test
    void claimSlotHonoursTheRequestedSlot() {
        Session s = sessions.claimSlot(TestStores.spec().withRequestedSlot(3));
        assertEquals(3, s.slot());
        assertEquals(3, s.spec().requestedSlot());
        assertEquals(1, sessions.claimSlot(TestStores.spec()).slot());
    }

    @Test
    void claimingABusyRequestedSlotNamesItsOccupant() {
        sessions.claimSlot(TestStores.named("docs").withRequestedSlot(2));
        NoFreeSlotException e = assertThrows(NoFreeSlotException.class,
                () -> sessions.claimSlot(TestStores.spec().withRequestedSlot(2)));
        assertEquals(2, e.requestedSlot());
        assertEquals("slot 2 is busy (docs)", e.getMessage());
    }

    @Test
    void whenAllSlotsAreBusyTheErrorNamesEveryOccupantByNameOrId() {
        sessions.claimSlot(TestStores.named("build-api"));
        Session anonymous = sessions.claimSlot(TestStores.spec());
        sessions.claimSlot(TestStores.named("docs"));
        NoFreeSlotException e = assertThrows(NoFreeSlotException.class, () -> sessions.claimSlot(TestStores.spec()));
        assertEquals("all 3 slots are busy (1: build-api, 2: " + anonymous.id() + ", 3: docs)", e.getMessage());
        assertEquals(3, sessions.listActive().size(), "the failed claim inserted nothing");
    }

    @Test
    void claimingASlotThatDoesNotExistIsRefused() {
        HarnessException e = assertThrows(HarnessException.class, () -> sessions.claimSlot(TestStores.spec().withRequestedSlot(4)));
        assertTrue(e.getMessage().contains("slot 4 does not exist"), e.getMessage());
    }

    @Test
    void namesAreUniqueEvenAgainstFinishedSessions() {
        Session old = sessions.claimSlot(TestStores.named("api"));
        sessions.update(old.id(), s -> s.toBuilder().status(CRASHED).build());
        DuplicateNameException e = assertThrows(DuplicateNameException.class, () -> sessions.claimSlot(TestStores.named("api")));
        assertTrue(e.getMessage().contains("'api'"));
        assertEquals(1, sessions.list(SessionQuery.ALL).size());
    }

    @Test
    void createInsertsASessionAsItIs() {
        Session given = new Session("01JTESTCREATE0000000000000", TestStores.named("imported"), 2, COMPLETED, 4242, 99L, 0,
                null, TestStores.T0, TestStores.T0.plusSeconds(1), TestStores.T0.plusSeconds(61), TestStores.T0.plusSeconds(60),
                null, 1, 0, 0);
        Session stored = sessions.create(given);
        assertEquals(given, stored);
        assertEquals(given, sessions.get(given.id()).orElseThrow());
    }

    @Test
    void createOfAnActiveSessionInATakenSlotFailsWithTheOccupant() {
        Session holder = sessions.claimSlot(TestStores.named("holder"));
        Session intruder = Session.starting("01JINTRUDER000000000000000", TestStores.spec(), holder.slot(), clock.instant());
        NoFreeSlotException e = assertThrows(NoFreeSlotException.class, () -> sessions.create(intruder));
        assertEquals("slot 1 is busy (holder)", e.getMessage());
        // Finished history may sit in an occupied slot.
        Session history = intruder.toBuilder().status(COMPLETED).build();
        assertEquals(COMPLETED, sessions.create(history).status());
    }

    @Test
    void createRefusesADuplicateIdOrNameAndASlotlessSession() {
        Session s = sessions.claimSlot(TestStores.named("one"));
        Session sameId = s.toBuilder().spec(TestStores.named("two")).status(COMPLETED).build();
        assertTrue(assertThrows(HarnessException.class, () -> sessions.create(sameId)).getMessage().contains("already exists"));
        Session sameName = Session.starting("01JOTHER000000000000000000", TestStores.named("one"), 2, clock.instant());
        assertThrows(DuplicateNameException.class, () -> sessions.create(sameName));
        Session slotless = new Session("01JSLOTLESS000000000000000", TestStores.spec(), null, COMPLETED, null, null, 0, null,
                clock.instant(), null, null, null, null, 0, 0, 0);
        assertTrue(assertThrows(HarnessException.class, () -> sessions.create(slotless)).getMessage().contains("needs a slot"));
    }

    @Test
    void getAndGetByNameReturnEmptyForUnknownSessions() {
        assertTrue(sessions.get("01JNOPE").isEmpty());
        assertTrue(sessions.getByName("nope").isEmpty());
        Session s = sessions.claimSlot(TestStores.named("yes"));
        assertEquals(s, sessions.getByName("yes").orElseThrow());
    }

    @Test
    void findByIdPrefixIgnoresCaseAndRespectsTheLimit() {
        AtomicInteger n = new AtomicInteger();
        String[] ids = {"01HAAAAAAAAAAAAAAAAAAAAAAA", "01HAAAAAAAAAAAAAAAAAAAAAAB", "01HBBBBBBBBBBBBBBBBBBBBBBB"};
        try (SqliteStores custom = SqliteStores.open(dir.resolve("prefix.db"), clock, () -> ids[n.getAndIncrement()], 3)) {
            for (int i = 0; i < 3; i++) {
                custom.sessions().claimSlot(TestStores.spec());
            }
            SessionStore s = custom.sessions();
            assertEquals(List.of(ids[0], ids[1]), s.findByIdPrefix("01haaaa", 10).stream().map(Session::id).toList());
            assertEquals(List.of(ids[0]), s.findByIdPrefix("01HAAAA", 1).stream().map(Session::id).toList());
            assertEquals(List.of(ids[2]), s.findByIdPrefix("01hb", 10).stream().map(Session::id).toList());
            assertEquals(3, s.findByIdPrefix("01H", 10).size());
            assertTrue(s.findByIdPrefix("01HC", 10).isEmpty());
            assertTrue(s.findByIdPrefix("01H", 0).isEmpty());
        }
    }

    @Test
    void updateWritesTheChangeAndReturnsTheSessionAsStored() {
        Session s = sessions.claimSlot(TestStores.spec());
        clock.set(Instant.parse("2025-01-01T00:00:05.000999Z"));
        Session running = sessions.update(s.id(), x -> x.toBuilder().status(RUNNING).pid(1234).pidStartTime(5678L)
                .startedAt(clock.instant()).build());
        assertEquals(RUNNING, running.status());
        assertEquals(1234, running.pid());
        assertEquals(5678L, running.pidStartTime());
        assertEquals(Instant.parse("2025-01-01T00:00:05Z"), running.startedAt());
        assertEquals(running, sessions.get(s.id()).orElseThrow());
    }

    @Test
    void endingASessionRecordsWhenItEndedUnlessTheCallerDid() {
        Session s = as(TestStores.spec(), RUNNING);
        clock.advance(Duration.ofMinutes(2));
        Session ended = sessions.update(s.id(), x -> x.toBuilder().status(COMPLETED).exitCode(0).build());
        assertEquals(clock.instant(), ended.endedAt());
        Session other = as(TestStores.spec(), RUNNING);
        Instant given = TestStores.T0.plusSeconds(30);
        assertEquals(given, sessions.update(other.id(), x -> x.toBuilder().status(STOPPED).endedAt(given).build()).endedAt());
    }

    @Test
    void updateOfAnUnknownSessionThrowsNoSuchSession() {
        assertThrows(NoSuchSessionException.class, () -> sessions.update("01JNOPE", x -> x));
    }

    @Test
    void updateRefusesATransitionTheTableDoesNotAllowAndChangesNothing() {
        Session s = as(TestStores.named("done"), COMPLETED);
        IllegalTransitionException e = assertThrows(IllegalTransitionException.class,
                () -> sessions.update(s.id(), x -> x.toBuilder().status(RUNNING).reason("zombie").build()));
        assertEquals(COMPLETED, e.from());
        assertEquals(RUNNING, e.to());
        assertEquals("session done is completed; it cannot become running", e.getMessage());
        assertEquals(s, sessions.get(s.id()).orElseThrow());
    }

    @Test
    void updateCannotChangeTheId() {
        Session s = sessions.claimSlot(TestStores.spec());
        assertThrows(IllegalArgumentException.class,
                () -> sessions.update(s.id(), x -> new Session("01JOTHER", x.spec(), x.slot(), x.status(), null, null, null,
                        null, x.createdAt(), null, null, null, null, 0, 0, 0)));
    }

    @Test
    void updateDoesNotOverwriteOutputCountersWithAStaleSession() {
        Session stale = as(TestStores.spec(), RUNNING);
        stores.outputs().appendBatch(List.of(
                new PendingChunk(stale.id(), StreamType.STDOUT, clock.instant(), "abc"),
                new PendingChunk(stale.id(), StreamType.STDOUT, clock.instant(), "de")));
        Session updated = sessions.update(stale.id(), x -> stale.toBuilder().reason("note").build());
        assertEquals(2, updated.outputChunks());
        assertEquals(5, updated.outputBytes());
        assertEquals(3, stores.outputs().append(stale.id(), StreamType.STDOUT, clock.instant(), "f").seq());
    }

    @Test
    void updateCannotMoveAnActiveSessionIntoABusySlot() {
        sessions.claimSlot(TestStores.named("a"));
        Session b = sessions.claimSlot(TestStores.named("b"));
        NoFreeSlotException e = assertThrows(NoFreeSlotException.class, () -> sessions.update(b.id(), x -> x.toBuilder().slot(1).build()));
        assertEquals("slot 1 is busy (a)", e.getMessage());
        assertEquals(2, sessions.get(b.id()).orElseThrow().slot());
    }

    @Test
    void deleteRemovesTheSessionWithItsOutputAndEvents() {
        Session s = sessions.claimSlot(TestStores.spec());
        stores.outputs().append(s.id(), StreamType.STDOUT, clock.instant(), "x");
        stores.events().append(s.id(), EventType.CREATED, Map.of());
        assertTrue(sessions.delete(s.id()));
        assertTrue(sessions.get(s.id()).isEmpty());
        assertTrue(stores.outputs().getBySession(s.id(), 0).isEmpty());
        assertTrue(stores.events().list(s.id()).isEmpty());
        assertFalse(sessions.delete(s.id()));
    }

    @Test
    void listFiltersByStatusRunAndCreationTimeNewestFirst() {
        Session a = as(TestStores.spec().withRunId("R1"), COMPLETED);
        clock.advance(Duration.ofMinutes(1));
        Session b = as(TestStores.spec().withRunId("R1"), FAILED);
        clock.advance(Duration.ofMinutes(1));
        Session c = as(TestStores.spec().withRunId("R2"), RUNNING);
        clock.advance(Duration.ofMinutes(1));
        Session d = as(TestStores.spec(), PAUSED);

        assertEquals(List.of(d, c, b, a), sessions.list(SessionQuery.ALL));
        assertEquals(List.of(b, a), sessions.list(SessionQuery.byStatus(Set.of(COMPLETED, FAILED))));
        assertEquals(List.of(b, a), sessions.list(SessionQuery.ALL.withRunId("R1")));
        assertEquals(List.of(d, c), sessions.list(SessionQuery.ALL.withLimit(2)));
        assertEquals(List.of(c, b), sessions.list(SessionQuery.ALL.createdBetween(b.createdAt(), d.createdAt())));
        assertEquals(List.of(c), sessions.list(new SessionQuery(Set.of(RUNNING, COMPLETED), "R2", TestStores.T0, null, 5)));
    }

    @Test
    void listActiveAndSlotOccupantsGoBySlotAndFindRunningSkipsSessionsStillStarting() {
        Session starting = sessions.claimSlot(TestStores.spec().withRequestedSlot(3));
        Session stalled = as(TestStores.spec().withRequestedSlot(1), STALLED);
        sessions.update(stalled.id(), x -> x); // no-op update keeps it active
        Session waiting = as(TestStores.spec().withRequestedSlot(2), WAITING_CHECKPOINT);
        assertEquals(List.of(stalled.id(), waiting.id(), starting.id()), sessions.listActive().stream().map(Session::id).toList());
        assertEquals(List.of(stalled.id(), waiting.id()), sessions.findRunning().stream().map(Session::id).toList());
        Map<Integer, Session> occupants = sessions.slotOccupants();
        assertEquals(List.of(1, 2, 3), new ArrayList<>(occupants.keySet()));
        assertEquals(starting.id(), occupants.get(3).id());
        sessions.update(waiting.id(), x -> x.toBuilder().status(TIMED_OUT).build());
        assertEquals(List.of(1, 3), new ArrayList<>(sessions.slotOccupants().keySet()));
    }

    @Test
    void updateLastActivityAndEscalationWriteJustThoseFields() {
        Session s = as(TestStores.spec(), RUNNING);
        Instant at = TestStores.T0.plusSeconds(42);
        sessions.updateLastActivity(s.id(), at);
        sessions.updateEscalation(s.id(), 2, at.plusSeconds(1));
        Session after = sessions.get(s.id()).orElseThrow();
        assertEquals(at, after.lastActivityAt());
        assertEquals(2, after.escalationLevel());
        assertEquals(at.plusSeconds(1), after.stalledSince());
        assertEquals(RUNNING, after.status());
        sessions.updateEscalation(s.id(), 0, null);
        assertNull(sessions.get(s.id()).orElseThrow().stalledSince());
        assertThrows(NoSuchSessionException.class, () -> sessions.updateLastActivity("01JNOPE", at));
        assertThrows(NoSuchSessionException.class, () -> sessions.updateEscalation("01JNOPE", 1, at));
    }

    @Test
    void statsCountStatusesSuccessRateDurationAndOutput() {
        assertEquals(0, sessions.stats().total());
        assertEquals(Duration.ZERO, sessions.stats().averageDuration());
        // completed after 60 s, failed after 120 s, crashed after 30 s, one running, one stopped that never started
        endAfter(COMPLETED, 60);
        endAfter(FAILED, 120);
        endAfter(CRASHED, 30);
        Session running = as(TestStores.spec(), RUNNING);
        stores.outputs().appendBatch(List.of(new PendingChunk(running.id(), StreamType.STDOUT, clock.instant(), "héllo"),
                new PendingChunk(running.id(), StreamType.STDERR, clock.instant(), "!")));
        Session never = sessions.claimSlot(TestStores.spec());
        sessions.update(never.id(), x -> x.toBuilder().status(STOPPED).build());

        SessionStats stats = sessions.stats();
        assertEquals(5, stats.total());
        assertEquals(1, stats.byStatus().get(COMPLETED));
        assertEquals(1, stats.byStatus().get(RUNNING));
        assertEquals(0, stats.byStatus().get(PAUSED));
        assertEquals(0.25, stats.successRate(), 1e-9, "1 completed of 4 finished");
        assertEquals(Duration.ofSeconds(70), stats.averageDuration(), "(60 + 120 + 30) / 3; the stopped one never started");
        assertEquals(7, stats.bytesCaptured());
        assertEquals(2, stats.chunksCaptured());
    }

    private void endAfter(dev.agentharness.core.SessionStatus status, int seconds) {
        Session s = as(TestStores.spec(), RUNNING);
        Instant end = s.startedAt().plusSeconds(seconds);
        sessions.update(s.id(), x -> x.toBuilder().status(status).endedAt(end).build());
    }
}
