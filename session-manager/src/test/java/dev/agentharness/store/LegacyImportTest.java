package dev.agentharness.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.core.EventType;
import dev.agentharness.core.LegacyImportReport;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionEvent;
import dev.agentharness.core.SessionQuery;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.error.HarnessException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LegacyImportTest {
    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2025-03-01T00:00:00Z"));
    private SqliteStores stores;

    @BeforeEach
    void open() {
        stores = TestStores.open(dir, clock);
    }

    @AfterEach
    void close() {
        stores.close();
    }

    static Path resource(String name) throws Exception {
        return Paths.get(LegacyImportTest.class.getResource("/legacy/" + name).toURI());
    }

    private Map<String, Session> byLegacyName() {
        return stores.sessions().list(SessionQuery.ALL).stream().collect(Collectors.toMap(s -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> legacy = (Map<String, Object>) s.metadata().get("legacy");
            Object key = legacy.get("agentName") != null ? legacy.get("agentName") : legacy.get("id");
            return String.valueOf(key);
        }, Function.identity()));
    }

    @Test
    void importsSeed000SessionsEndingActiveOnesCrashed() throws Exception {
        LegacyImportReport report = stores.importLegacy(resource("seed000-array.json"));
        assertEquals(4, report.imported().size());
        assertEquals(List.of(), report.skipped());
        Map<String, Session> s = byLegacyName();

        Session builder = s.get("builder");
        assertEquals(SessionStatus.CRASHED, builder.status());
        assertEquals("imported from legacy sessions.json while working; not supervised by this harness", builder.reason());
        assertEquals("builder", builder.name());
        assertEquals(4242, builder.pid());
        assertEquals(1, builder.escalationLevel());
        assertEquals("run-2024-04-01", builder.runId());
        assertEquals("/repo/.overstory/worktrees/builder", builder.cwd());
        assertEquals(Instant.parse("2024-04-01T10:00:00Z"), builder.startedAt());
        assertEquals(Instant.parse("2024-04-01T10:30:00Z"), builder.lastActivityAt());
        assertNull(builder.slot());
        assertEquals(List.of(EventType.CREATED, EventType.CRASHED),
                stores.events().list(builder.id()).stream().map(SessionEvent::type).toList());

        Session scout = s.get("scout");
        assertEquals(SessionStatus.COMPLETED, scout.status());
        assertEquals(Instant.parse("2024-04-01T09:45:00Z"), scout.endedAt());
        assertNull(scout.reason());

        Session ghost = s.get("ghost");
        assertEquals(SessionStatus.CRASHED, ghost.status(), "zombie becomes crashed");
        assertTrue(ghost.reason().contains("zombie"));
        assertEquals(Instant.parse("2024-04-01T08:00:00Z"), ghost.startedAt(), "SQLite's datetime format, UTC");

        Session watcher = s.get("watcher");
        assertEquals(Instant.ofEpochMilli(1711958400000L), watcher.startedAt());
        assertEquals(Instant.ofEpochSecond(1711958460L), watcher.lastActivityAt());
        assertEquals(Instant.parse("2024-04-01T06:01:00Z"), watcher.stalledSince());
        assertEquals(2, watcher.escalationLevel());

        assertTrue(stores.sessions().listActive().isEmpty(), "nothing imported occupies a slot");
        assertEquals(1, stores.sessions().claimSlot(TestStores.spec()).slot());
    }

    @Test
    void importingTheSameFileAgainAddsNothing() throws Exception {
        stores.importLegacy(resource("seed000-array.json"));
        LegacyImportReport again = stores.importLegacy(resource("seed000-array.json"));
        assertEquals(List.of(), again.imported());
        assertEquals(List.of("session-1712000000-builder", "session-1712000001-scout", "ghost", "watcher"), again.alreadyPresent());
        assertEquals(4, stores.sessions().list(SessionQuery.ALL).size());
    }

    @Test
    void acceptsTheWrappedShape() throws Exception {
        LegacyImportReport report = stores.importLegacy(resource("seed000-wrapped.json"));
        assertEquals(1, report.imported().size());
        assertEquals(SessionStatus.CRASHED, stores.sessions().get(report.imported().get(0)).orElseThrow().status());
    }

    @Test
    void importsSeed003Sessions() throws Exception {
        LegacyImportReport report = stores.importLegacy(resource("seed003.json"));
        assertEquals(4, report.imported().size());
        Map<String, Session> s = byLegacyName();
        Session running = s.get("6f1c2a9e-0000-4000-8000-000000000001");
        assertEquals(SessionStatus.CRASHED, running.status());
        assertEquals(List.of("/bin/sh", "-c", "claude -p 'fix tests'"), running.command());
        assertEquals(1, running.slot());
        assertEquals(Instant.parse("2024-06-01T12:00:00Z"), running.createdAt());
        assertEquals(321, running.pid());
        Session completed = s.get("6f1c2a9e-0000-4000-8000-000000000002");
        assertEquals(SessionStatus.COMPLETED, completed.status());
        assertEquals("/proj/b", completed.cwd());
        assertEquals(Instant.parse("2024-06-01T11:10:00Z"), completed.endedAt());
        Session failed = s.get("6f1c2a9e-0000-4000-8000-000000000003");
        assertEquals(SessionStatus.FAILED, failed.status());
        Session idle = s.get("6f1c2a9e-0000-4000-8000-000000000004");
        assertEquals(SessionStatus.CRASHED, idle.status());
        assertNull(idle.slot(), "slot 7 is not one of ours");
        assertEquals(1, stores.sessions().claimSlot(TestStores.spec()).slot());
    }

    @Test
    void malformedEntriesAreReportedAndSkippedAndTheRestImported() throws Exception {
        LegacyImportReport report = stores.importLegacy(resource("malformed.json"));
        assertEquals(2, report.imported().size());
        assertEquals(List.of(
                "entry 1: not an object",
                "entry 2 (no-tree): no worktreePath (or cwd, working_dir)",
                "entry 3 (bad-state): unknown state 'dancing'",
                "entry 4 (bad-time): startedAt is not a timestamp ('yesterday')",
                "entry 5 (s3): no working_dir (or cwd, worktreePath)",
                "entry 6 (s4): pid is not an integer",
                "entry 7: has neither a state (seed 000) nor a status (seed 003)",
                "entry 9 (good): same id as entry 0"), report.skipped());
        assertEquals(2, stores.sessions().list(SessionQuery.ALL).size());
    }

    @Test
    void aFileThatIsNotJsonIsRefusedAndNothingIsImported() throws Exception {
        HarnessException e = assertThrows(HarnessException.class, () -> stores.importLegacy(resource("garbage.txt")));
        assertTrue(e.getMessage().contains("is not JSON"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        Path wrongShape = Files.writeString(dir.resolve("sessions.json"), "{\"agents\": 3}");
        assertTrue(assertThrows(HarnessException.class, () -> stores.importLegacy(wrongShape)).getMessage()
                .contains("expected a legacy sessions.json"));
        assertTrue(assertThrows(HarnessException.class, () -> stores.importLegacy(dir.resolve("missing.json"))).getMessage()
                .contains("no such file"));
        assertEquals(0, stores.sessions().list(SessionQuery.ALL).size());
    }

    @Test
    void anImportThatFailsHalfwayLeavesNothingBehind() throws Exception {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < 400; i++) {
            json.append(i == 0 ? "" : ",").append("{\"agentName\": \"a").append(i).append("\", \"worktreePath\": \"/")
                    .append("w".repeat(2000)).append("\", \"state\": \"completed\"}");
        }
        Path file = Files.writeString(dir.resolve("big.json"), json.append("]"));
        String pages = stores.database().queryColumn("PRAGMA page_count").get(0);
        stores.database().queryColumn("PRAGMA max_page_count = " + (Integer.parseInt(pages) + 8));
        assertThrows(HarnessException.class, () -> stores.importLegacy(file));
        assertEquals(0, stores.sessions().list(SessionQuery.ALL).size());
        assertEquals(List.of("0"), stores.database().queryColumn("SELECT COUNT(*) FROM session_events"));
    }

    @Test
    void aNameAlreadyTakenIsLeftOffButKeptInTheMetadata() throws Exception {
        stores.sessions().claimSlot(TestStores.named("builder"));
        LegacyImportReport report = stores.importLegacy(resource("seed000-array.json"));
        Session imported = report.imported().stream().map(id -> stores.sessions().get(id).orElseThrow())
                .filter(x -> "builder".equals(((Map<?, ?>) x.metadata().get("legacy")).get("agentName"))).findFirst().orElseThrow();
        assertNull(imported.name());
    }

    @Test
    void legacyFieldAliasesAreAccepted() throws Exception {
        Path file = dir.resolve("aliases.json");
        java.nio.file.Files.writeString(file, """
                [
                  {"id": "sess-001", "status": "completed", "cwd": "/proj/a", "command": "claude -p 'fix it'",
                   "name": "fixer", "exit_code": 0},
                  {"id": "sess-002", "status": "failed", "working_dir": "/proj/b", "current_command": "aider --yes",
                   "agentName": "helper", "exitCode": 3},
                  {"id": "sess-003", "state": "completed", "cwd": "/proj/c", "command": ["codex", "exec", "x y"],
                   "name": "argv", "exit_code": 0},
                  {"agentName": "old-style", "state": "completed", "worktreePath": "/proj/d"}
                ]
                """);
        LegacyImportReport report = stores.importLegacy(file);
        assertEquals(List.of(), report.skipped());
        assertEquals(4, report.imported().size());

        Session a = stores.sessions().getByLegacyId("sess-001").orElseThrow();
        assertEquals("/proj/a", a.cwd());
        assertEquals(List.of("/bin/sh", "-c", "claude -p 'fix it'"), a.command());
        assertEquals("fixer", a.name());
        assertEquals(0, a.exitCode());

        Session b = stores.sessions().getByLegacyId("sess-002").orElseThrow();
        assertEquals("/proj/b", b.cwd());
        assertEquals(List.of("/bin/sh", "-c", "aider --yes"), b.command());
        assertEquals("helper", b.name());
        assertEquals(3, b.exitCode());

        Session c = stores.sessions().getByLegacyId("sess-003").orElseThrow();
        assertEquals(List.of("codex", "exec", "x y"), c.command(), "an argv array stays an argv");
        assertEquals("argv", c.name());
        assertEquals(0, c.exitCode());

        assertEquals("/proj/d", stores.sessions().getByLegacyId("old-style").orElseThrow().cwd());
    }
}
