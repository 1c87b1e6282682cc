package dev.agentharness.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.core.Project;
import dev.agentharness.core.ProjectDefaults;
import dev.agentharness.core.ProjectSummary;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionQuery;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.SessionStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Projects file themselves as sessions are created; defaults, the dashboard and the project filters. */
class ProjectStoreTest {
    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(TestStores.T0);

    private static SessionSpec in(String project) {
        return SessionSpec.builder(List.of("agent"), project + "/src").project(project).build();
    }

    @Test
    void everySessionFilesItsProjectAndMovesLastRunAt() {
        try (SqliteStores stores = TestStores.open(dir, clock)) {
            TestStores.claimAs(stores, in("/w/api"), SessionStatus.COMPLETED, clock);
            clock.advance(Duration.ofMinutes(5));
            Session second = stores.sessions().claimSlot(in("/w/api"));
            Project api = stores.projects().get("/w/api").orElseThrow();
            assertEquals(TestStores.T0, api.createdAt());
            assertEquals(second.createdAt(), api.lastRunAt());
            assertFalse(api.hasDefaults(), "seen, not configured");
            assertTrue(stores.projects().get("/w/api/src").isEmpty(), "the project, not the cwd");
        }
    }

    @Test
    void setDefaultsCreatesOrUpdatesAndKeepsLastRunAt() {
        try (SqliteStores stores = TestStores.open(dir, clock)) {
            Project fresh = stores.projects().setDefaults("/w/new", new ProjectDefaults(List.of("claude"), "fix it", "claude", true));
            assertEquals(List.of("claude"), fresh.command());
            assertEquals("fix it", fresh.prompt());
            assertEquals("claude", fresh.agent());
            assertTrue(fresh.tty());
            assertNull(fresh.lastRunAt(), "never run");

            stores.sessions().claimSlot(in("/w/new"));
            clock.advance(Duration.ofMinutes(1));
            Project changed = stores.projects().setDefaults("/w/new", new ProjectDefaults(List.of("codex", "exec"), null, null, false));
            assertEquals(List.of("codex", "exec"), changed.command());
            assertNull(changed.prompt());
            assertEquals(TestStores.T0, changed.lastRunAt(), "defaults do not count as a run");
            assertEquals(clock.instant(), changed.updatedAt());
            assertThrows(IllegalArgumentException.class, () -> new ProjectDefaults(List.of(), null, null, false));
        }
    }

    @Test
    void summariesCountByStatusAndNameTheLastSessionMostRecentlyRunFirst() {
        try (SqliteStores stores = TestStores.open(dir, clock)) {
            TestStores.claimAs(stores, in("/w/api"), SessionStatus.COMPLETED, clock);
            clock.advance(Duration.ofSeconds(1));
            TestStores.claimAs(stores, in("/w/api"), SessionStatus.COMPLETED, clock);
            clock.advance(Duration.ofSeconds(1));
            TestStores.claimAs(stores, in("/w/api"), SessionStatus.FAILED, clock);
            clock.advance(Duration.ofSeconds(1));
            TestStores.claimAs(stores, in("/w/web"), SessionStatus.CRASHED, clock);
            clock.advance(Duration.ofSeconds(1));
            Session last = TestStores.claimAs(stores, in("/w/api"), SessionStatus.STOPPED, clock);
            stores.projects().setDefaults("/w/idle", new ProjectDefaults(List.of("aider"), null, null, false));

            List<ProjectSummary> all = stores.projects().summaries();
            assertEquals(List.of("/w/api", "/w/web", "/w/idle"), all.stream().map(p -> p.project().dir()).toList());
            ProjectSummary api = all.get(0);
            assertEquals(last.id(), api.lastSession().id());
            assertEquals(SessionStatus.STOPPED, api.lastSession().status());
            assertEquals(Map.of(SessionStatus.COMPLETED, 2L, SessionStatus.FAILED, 1L, SessionStatus.STOPPED, 1L), api.byStatus());
            assertEquals(4, api.total());
            assertNull(api.costUsd(), "none of its sessions reported a cost: unknown, not $0");
            assertEquals(1, all.get(1).count(SessionStatus.CRASHED));
            assertNull(all.get(2).lastSession());
            assertEquals(0, all.get(2).total());

            assertEquals(4, stores.sessions().list(SessionQuery.ALL.withProject("/w/api")).size());
            assertEquals(1, stores.sessions().list(SessionQuery.byStatus(java.util.Set.of(SessionStatus.CRASHED)).withProject("/w/web")).size());
            assertEquals(4, stores.sessions().stats("/w/api").total());
            assertEquals(1, stores.sessions().stats("/w/web").total());
            assertEquals(5, stores.sessions().stats(null).total());
            assertEquals(0.5, stores.sessions().stats("/w/api").successRate());
        }
    }

    @Test
    void aProjectsCostIsTheSumOfItsSessionsKnownCosts() {
        try (SqliteStores stores = TestStores.open(dir, clock)) {
            Session a = TestStores.claimAs(stores, in("/w/api"), SessionStatus.COMPLETED, clock);
            Session b = TestStores.claimAs(stores, in("/w/api"), SessionStatus.FAILED, clock);
            TestStores.claimAs(stores, in("/w/api"), SessionStatus.COMPLETED, clock); // reported no cost
            stores.sessions().updateAgent(a.id(), a.agent().withCostUsd(1.25), dev.agentharness.core.AgentParseCursor.START);
            stores.sessions().updateAgent(b.id(), b.agent().withCostUsd(0.5), dev.agentharness.core.AgentParseCursor.START);
            TestStores.claimAs(stores, in("/w/web"), SessionStatus.COMPLETED, clock);

            Map<String, Double> costs = new java.util.HashMap<>();
            for (ProjectSummary p : stores.projects().summaries()) {
                costs.put(p.project().dir(), p.costUsd());
            }
            assertEquals(1.75, costs.get("/w/api"), 1e-9);
            assertNull(costs.get("/w/web"));
        }
    }

    @Test
    void theSpecKeepsItsProjectAndNotificationSinks() {
        try (SqliteStores stores = TestStores.open(dir, clock)) {
            SessionSpec spec = in("/w/api").toBuilder().notifySinks(List.of("cmd:/bin/true", "https://h.example/x?token=1")).build();
            Session s = stores.sessions().claimSlot(spec);
            assertEquals(spec, stores.sessions().get(s.id()).orElseThrow().spec());
            assertTrue(stores.queue().enqueue(spec).spec().equals(spec), "the start queue keeps them too");
        }
    }
}
