package dev.agentharness.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.core.EventType;
import dev.agentharness.core.OutputChunk;
import dev.agentharness.core.OutputSize;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.StreamType;
import dev.agentharness.core.TerminalSize;
import dev.agentharness.core.error.NoFreeSlotException;
import dev.agentharness.store.internal.Migrations;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A database the first release wrote (src/test/resources/fixtures/harness-v1.db) upgrades in place. */
class MigrationTest {
    static final String A = "01HV1AAAAAAAAAAAAAAAAAAAAA";
    static final String B = "01HV1BBBBBBBBBBBBBBBBBBBBB";
    static final String C = "01HV1CCCCCCCCCCCCCCCCCCCCC";

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(TestStores.T0);

    private Path fixture() throws Exception {
        Path db = dir.resolve("harness.db");
        try (InputStream in = getClass().getResourceAsStream("/fixtures/harness-v1.db")) {
            Files.copy(in, db);
        }
        byte[] header = Files.readAllBytes(db);
        assertEquals(1, header[63], "the fixture really is at schema version 1");
        return db;
    }

    @Test
    void aVersion1DatabaseUpgradesInPlaceWithItsDataIntact() throws Exception {
        fixture();
        try (SqliteStores stores = TestStores.open(dir, clock)) {
            assertEquals(Migrations.LATEST, stores.schemaVersion());
            assertEquals("ok", stores.integrityCheck());
            assertEquals(List.of(), stores.database().queryColumn("PRAGMA foreign_key_check"));

            Session a = stores.sessions().get(A).orElseThrow();
            assertEquals(SessionStatus.COMPLETED, a.status());
            assertEquals(1, a.slot());
            assertEquals("/work/api", a.cwd());
            assertEquals(List.of("/bin/sh", "-c", "npm test"), a.command(), "V1 ran commands through the shell");
            assertEquals(1001, a.pid());
            assertNull(a.activity(), "V6: no hook has reported for a session from before hooks");
            assertEquals(Instant.parse("2024-03-01T10:00:00Z"), a.startedAt());
            assertEquals(Instant.parse("2024-03-01T10:05:00Z"), a.endedAt());
            assertEquals(Instant.parse("2024-03-01T09:59:59Z"), a.createdAt());
            assertEquals(Instant.ofEpochMilli(1709287203000L), a.lastActivityAt(), "backfilled from the newest chunk");
            assertEquals(new OutputSize(6 + 22 + 8, 3, 3), stores.outputs().size(A), "counters backfilled from the chunks");

            List<OutputChunk> chunks = stores.outputs().after(A, 0, 10);
            assertEquals(List.of("hello\n", "wärning: ünïcödé\n", "bye 👋"), chunks.stream().map(OutputChunk::text).toList());
            assertEquals(List.of(StreamType.STDOUT, StreamType.STDERR, StreamType.STDOUT),
                    chunks.stream().map(OutputChunk::stream).toList());
            StringWriter w = new StringWriter();
            stores.outputs().writeFull(A, null, w);
            assertEquals("hello\nwärning: ünïcödé\nbye 👋", w.toString());
            assertEquals(List.of("6", "22", "8", "12"),
                    stores.database().queryColumn("SELECT bytes FROM session_outputs ORDER BY id"));

            Session b = stores.sessions().get(B).orElseThrow();
            assertEquals(SessionStatus.RUNNING, b.status());
            assertEquals(List.of("/bin/sh", "-c", "claude -p \"fix the login page\""), b.command());
            Session c = stores.sessions().get(C).orElseThrow();
            assertEquals(SessionStatus.FAILED, c.status());
            assertEquals(OutputSize.EMPTY, stores.outputs().size(C));
            assertNull(c.lastActivityAt());
        }
    }

    @Test
    void theUpgradedDatabaseWorksLikeANewOne() throws Exception {
        fixture();
        try (SqliteStores stores = TestStores.open(dir, clock)) {
            assertEquals(4, stores.outputs().append(A, StreamType.STDOUT, clock.instant(), "more").seq());
            NoFreeSlotException busy = assertThrows(NoFreeSlotException.class,
                    () -> stores.sessions().claimSlot(TestStores.spec().withRequestedSlot(2)));
            assertEquals("slot 2 is busy (" + B + ")", busy.getMessage());
            assertEquals(1, stores.sessions().claimSlot(TestStores.spec()).slot(), "slot 1 only holds history");
            stores.events().append(B, EventType.CRASHED, Map.of("reason", "found after upgrade"));
            stores.runs().createRun("after upgrade");
            stores.queue().enqueue(TestStores.spec());
            assertTrue(stores.sessions().delete(A));
            assertEquals(List.of("1"), stores.database().queryColumn("SELECT COUNT(*) FROM session_outputs"),
                    "deleting a session still cascades to its output after the table was rebuilt");
        }
        try (SqliteStores again = TestStores.open(dir, clock)) {
            assertEquals(Migrations.LATEST, again.schemaVersion());
            assertEquals(1, again.runs().listRuns(10).size());
        }
    }

    @Test
    void anUpgradedDatabaseTakesTerminalOutputAndTerminalSessions() throws Exception {
        fixture();
        try (SqliteStores stores = TestStores.open(dir, clock)) {
            assertEquals(4, stores.outputs().append(A, StreamType.PTY, clock.instant(), "\u001b[1mbold\u001b[0m").seq());
            assertEquals(StreamType.PTY, stores.outputs().after(A, 3, 10).get(0).stream());
            assertNull(stores.sessions().get(A).orElseThrow().spec().terminal(), "older sessions ran on pipes");
            Session tty = stores.sessions().claimSlot(TestStores.spec().toBuilder()
                    .terminal(new TerminalSize(200, 60)).interactive(true).build());
            Session back = stores.sessions().get(tty.id()).orElseThrow();
            assertEquals(new TerminalSize(200, 60), back.spec().terminal());
            assertTrue(back.spec().interactive());
        }
    }

    @Test
    void anUpgradedDatabaseFilesItsSessionsUnderTheirCwdAsProjects() throws Exception {
        fixture();
        try (SqliteStores stores = TestStores.open(dir, clock)) {
            List<Session> all = stores.sessions().list(dev.agentharness.core.SessionQuery.ALL);
            assertEquals(3, all.size());
            for (Session s : all) {
                assertEquals(s.cwd(), s.spec().project(), "V4 files older sessions under their cwd");
                assertEquals(List.of(), s.spec().notifySinks());
            }
            var summaries = stores.projects().summaries();
            assertEquals(all.stream().map(Session::cwd).distinct().sorted().toList(),
                    summaries.stream().map(p -> p.project().dir()).sorted().toList());
            var api = summaries.stream().filter(p -> p.project().dir().equals("/work/api")).findFirst().orElseThrow();
            long apiSessions = all.stream().filter(s -> s.cwd().equals("/work/api")).count();
            assertEquals(apiSessions, api.total());
            assertTrue(api.count(SessionStatus.COMPLETED) >= 1, "A completed in /work/api");
            Session newest = all.stream().filter(s -> s.cwd().equals("/work/api")).findFirst().orElseThrow();
            assertEquals(newest.id(), api.lastSession().id());
            assertEquals(newest.createdAt(), api.project().lastRunAt());

            Session fresh = stores.sessions().claimSlot(TestStores.spec().toBuilder().project("/work/api").build());
            assertEquals(fresh.createdAt(), stores.projects().get("/work/api").orElseThrow().lastRunAt(),
                    "the trigger files new sessions in an upgraded database too");
            assertEquals(1, stores.notifications().record(fresh.id(), dev.agentharness.core.notify.NotificationEvent.STARTED,
                    List.of("cmd:/bin/true"), "{}").size());
        }
    }

    @Test
    void theSchemaListsExactlyTheStatusesOfTheCode() {
        try (SqliteStores stores = TestStores.open(dir, clock)) {
            String ddl = stores.database().queryColumn("SELECT sql FROM sqlite_master WHERE name = 'sessions'").get(0);
            String all = Arrays.stream(SessionStatus.values()).map(s -> "'" + s.wireName() + "'").collect(Collectors.joining(", "));
            assertTrue(ddl.contains("status IN (" + all + ")"), ddl);
            String index = stores.database().queryColumn("SELECT sql FROM sqlite_master WHERE name = 'sessions_active_slot'").get(0);
            String active = SessionStatus.ACTIVE.stream().map(s -> "'" + s.wireName() + "'").collect(Collectors.joining(", "));
            assertTrue(index.endsWith("WHERE status IN (" + active + ")"), index);
        }
    }
}
