package dev.agentharness.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.core.EventType;
import dev.agentharness.core.PendingChunk;
import dev.agentharness.core.PurgeCriteria;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionQuery;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.StreamType;
import dev.agentharness.store.internal.SqliteDatabase;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every store method once, then asks SQLite how it executes every statement the stores
 * prepared: none may scan session_outputs or session_events, and only the few queries that are
 * about all sessions or all runs may scan those tables.
 */
class QueryPlanTest {
    /** Statements that are meant to read a whole (small) table. */
    private static final List<Pattern> WHOLE_TABLE = List.of(
            Pattern.compile("^SELECT status, COUNT\\(\\*\\).* FROM sessions GROUP BY status$"), // stats()
            Pattern.compile("^SELECT .* FROM sessions ORDER BY created_at DESC, id DESC.*"), // list(ALL)
            Pattern.compile("^SELECT .* FROM runs ORDER BY started_at DESC, id DESC LIMIT \\?$"), // listRuns
            Pattern.compile("^SELECT .* FROM start_queue ORDER BY id.*"), // the queue, FIFO
            Pattern.compile("^SELECT .* FROM session_events ORDER BY id DESC LIMIT \\?$"), // recent(n): newest n by rowid
            Pattern.compile("^SELECT project, status, COUNT\\(\\*\\) AS n FROM sessions .*GROUP BY project, status$"), // projects dashboard
            Pattern.compile("^SELECT .* OVER \\(PARTITION BY project .*")); // each project's newest session

    @TempDir
    Path dir;

    @Test
    void noStatementScansOutputOrEventsAndOnlyWholeTableQueriesScanTheOthers() throws Exception {
        MutableClock clock = new MutableClock(TestStores.T0);
        try (SqliteStores stores = TestStores.open(dir, clock)) {
            exerciseEveryMethod(stores, clock);
            Map<String, String> plans = plans(stores.database());
            if (Boolean.getBoolean("print.plans")) {
                plans.forEach((sql, plan) -> System.out.println(sql + "\n    " + plan));
            }
            assertTrue(plans.size() > 40, "the workload prepared " + plans.size() + " statements");
            List<String> problems = new ArrayList<>();
            plans.forEach((sql, plan) -> {
                boolean wholeTable = WHOLE_TABLE.stream().anyMatch(p -> p.matcher(sql).matches());
                if (plan.contains("SCAN session_outputs") || (plan.contains("SCAN session_events") && !wholeTable)) {
                    problems.add(sql + "\n    " + plan);
                } else if (plan.matches("(?s).*SCAN (sessions|runs|start_queue)\\b.*") && !wholeTable) {
                    problems.add(sql + "\n    " + plan);
                }
            });
            assertEquals(List.of(), problems);
        }
    }

    @Test
    void slotQueriesSearchAnIndexPrefixLookupsThePrimaryKeyAndTimeLookupsTheTimeIndex() throws Exception {
        MutableClock clock = new MutableClock(TestStores.T0);
        try (SqliteStores stores = TestStores.open(dir, clock)) {
            exerciseEveryMethod(stores, clock);
            Map<String, String> plans = plans(stores.database());
            String active = find(plans, "WHERE status IN ('starting', 'running', 'waiting_checkpoint', 'stalled', 'paused') ORDER BY slot");
            assertTrue(active.startsWith("SEARCH sessions USING INDEX"), active);
            String running = find(plans, "AND status NOT IN ('starting') ORDER BY slot");
            assertTrue(running.startsWith("SEARCH sessions USING INDEX"), running);
            String prefix = find(plans, "WHERE id >= ? AND id < ?");
            assertTrue(prefix.contains("(id>? AND id<?)"), prefix);
            String since = find(plans, "AND timestamp >= ?");
            assertTrue(since.contains("session_outputs_time"), since);
        }
    }

    private static String find(Map<String, String> plans, String sqlPart) {
        return plans.entrySet().stream().filter(e -> e.getKey().contains(sqlPart)).map(Map.Entry::getValue).findFirst()
                .orElseThrow(() -> new AssertionError("no statement contains " + sqlPart));
    }

    static Map<String, String> plans(SqliteDatabase db) {
        Map<String, String> plans = new LinkedHashMap<>();
        for (String sql : db.preparedSql()) {
            if (!sql.matches("(?is)^\\s*(SELECT|INSERT|UPDATE|DELETE).*")) {
                continue; // BEGIN, COMMIT, SAVEPOINT...
            }
            plans.put(sql.replaceAll("\\s+", " ").strip(), db.read(() -> {
                StringBuilder plan = new StringBuilder();
                try (Statement st = db.connection().createStatement(); ResultSet rs = st.executeQuery("EXPLAIN QUERY PLAN " + sql)) {
                    while (rs.next()) {
                        plan.append(rs.getString("detail")).append(" | ");
                    }
                }
                return plan.toString();
            }));
        }
        return plans;
    }

    static void exerciseEveryMethod(SqliteStores stores, MutableClock clock) throws Exception {
        var sessions = stores.sessions();
        var outputs = stores.outputs();
        Session a = TestStores.claimAs(stores, TestStores.named("a").withRunId("R"), SessionStatus.RUNNING, clock);
        Session b = sessions.claimSlot(TestStores.spec());
        sessions.get(a.id());
        sessions.getByName("a");
        sessions.findByIdPrefix(a.id().substring(0, 5), 5);
        sessions.list(SessionQuery.ALL);
        sessions.list(new SessionQuery(Set.of(SessionStatus.RUNNING), "R", TestStores.T0, clock.instant().plusSeconds(1), 10));
        sessions.list(SessionQuery.byStatus(Set.of(SessionStatus.COMPLETED)).withLimit(3));
        sessions.list(SessionQuery.ALL.withRunId("R"));
        sessions.list(SessionQuery.ALL.createdBetween(TestStores.T0, null));
        sessions.listActive();
        sessions.findRunning();
        sessions.slotOccupants();
        sessions.updateLastActivity(a.id(), clock.instant());
        sessions.updateEscalation(a.id(), 1, clock.instant());
        outputs.append(a.id(), StreamType.STDOUT, clock.instant(), "x\n");
        outputs.appendBatch(List.of(new PendingChunk(a.id(), StreamType.STDERR, clock.instant(), "y\n"),
                new PendingChunk(b.id(), StreamType.STDOUT, clock.instant(), "z")));
        outputs.getBySession(a.id(), 5);
        outputs.getBySessionSince(a.id(), TestStores.T0);
        outputs.after(a.id(), 0, 10);
        outputs.lastLines(a.id(), 1, null);
        outputs.lastLines(a.id(), 1, Set.of(StreamType.STDOUT));
        outputs.writeFull(a.id(), null, new StringWriter());
        outputs.writeFull(a.id(), Set.of(StreamType.STDERR), new StringWriter());
        outputs.size(a.id());
        stores.events().append(a.id(), EventType.CHECKPOINT, Map.of());
        stores.events().list(a.id());
        stores.events().listRecent(a.id(), 2);
        stores.events().recent(2);
        var run = stores.runs().createRun("r");
        stores.runs().getRun(run.id());
        stores.runs().getActiveRun();
        stores.runs().listRuns(3);
        stores.runs().incrementSessionCount(run.id());
        stores.runs().completeRun(run.id());
        var q = stores.queue().enqueue(TestStores.spec());
        stores.queue().list();
        stores.queue().peek();
        stores.queue().get(q.id());
        stores.queue().remove(q.id());
        sessions.stats();
        sessions.stats("/work/project");
        sessions.list(SessionQuery.ALL.withProject("/work/project").withLimit(5));
        stores.projects().setDefaults("/work/project", new dev.agentharness.core.ProjectDefaults(List.of("claude"), null, null, false));
        stores.projects().get("/work/project");
        stores.projects().summaries();
        var outbox = stores.notifications();
        long n = outbox.record(null, dev.agentharness.core.notify.NotificationEvent.STARTED, List.of("cmd:/bin/true"), "{}").get(0).id();
        outbox.due(clock.instant(), 10);
        outbox.nextDue();
        outbox.failed(n, clock.instant(), "x");
        outbox.delivered(n, "ok");
        outbox.prune(clock.instant());
        sessions.update(a.id(), s -> s.toBuilder().status(SessionStatus.COMPLETED).build());
        sessions.purge(new PurgeCriteria(Set.of(), null, true, true));
        sessions.purge(new PurgeCriteria(Set.of(SessionStatus.COMPLETED), clock.instant().plusSeconds(1), false, false));
        outputs.deleteBySession(b.id());
        sessions.delete(b.id());
        sessions.create(Session.starting("01JCREATED0000000000000000", TestStores.spec(), 3, clock.instant()));
        stores.importLegacy(LegacyImportTest.resource("seed000-array.json"));
    }
}
