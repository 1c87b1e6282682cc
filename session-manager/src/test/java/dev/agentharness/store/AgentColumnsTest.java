package dev.agentharness.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.core.AgentCostTotals;
import dev.agentharness.core.AgentParseCursor;
import dev.agentharness.core.AgentUsage;
import dev.agentharness.core.RestartPolicy;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionQuery;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.error.NoSuchSessionException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Schema V4: what agents report, as columns, and the totals over them. */
class AgentColumnsTest {
    @TempDir
    Path dir;
    private final Clock clock = Clock.fixed(TestStores.T0, ZoneOffset.UTC);
    private SqliteStores stores;

    @BeforeEach
    void open() {
        stores = TestStores.open(dir, clock);
    }

    @AfterEach
    void close() {
        stores.close();
    }

    private Session claim(String agent, String agentSessionId, String runId) {
        return stores.sessions().claimSlot(SessionSpec.builder(List.of(agent == null ? "sh" : agent), "/w").agent(agent)
                .agentSessionId(agentSessionId).runId(runId).build());
    }

    private void finish(Session s) {
        stores.sessions().update(s.id(), x -> x.toBuilder().status(SessionStatus.FAILED).build());
    }

    @Test
    void theProfileAndTheIdChosenUpFrontAreStoredAtTheClaim() {
        Session s = claim("claude", "5e0c2a8e-7d2b-4f4a-9a55-0d6e2c1b7f10", null);
        assertEquals("claude", s.agent().agent());
        assertEquals("5e0c2a8e-7d2b-4f4a-9a55-0d6e2c1b7f10", s.agent().agentSessionId());
        assertNull(s.agent().costUsd());
        assertEquals(AgentParseCursor.START, stores.sessions().agentParseCursor(s.id()).orElseThrow());
        assertEquals(1, stores.sessions().agentParseBacklog().size());
    }

    @Test
    void updateAgentWritesFactsAndCursorAndAnOrdinaryUpdateNeverRollsThemBack() {
        Session stale = claim("codex", null, null);
        AgentUsage usage = new AgentUsage("codex", "T1", "gpt-5", 0.0123, 315, 122, 24448, 0, 2, "success", 3);
        stores.sessions().updateAgent(stale.id(), usage, new AgentParseCursor(7, 12, 1, false));
        // The supervisor writes a status change from a session it read before the parser's write.
        stores.sessions().update(stale.id(), x -> stale.toBuilder().status(SessionStatus.RUNNING).build());
        Session now = stores.sessions().get(stale.id()).orElseThrow();
        assertEquals(usage, now.agent());
        assertEquals(new AgentParseCursor(7, 12, 1, false), stores.sessions().agentParseCursor(stale.id()).orElseThrow());
        stores.sessions().updateAgent(stale.id(), usage, new AgentParseCursor(9, 0, 1, true));
        assertTrue(stores.sessions().agentParseBacklog().isEmpty(), "done sessions leave the work list");
        assertThrows(NoSuchSessionException.class,
                () -> stores.sessions().updateAgent("01NOSUCH", usage, AgentParseCursor.START));
    }

    @Test
    void totalsSumKnownCostsAndSayHowManyAreUnknown() {
        String run = stores.runs().createRun("r").id();
        assertNull(stores.sessions().costTotals(SessionQuery.ALL).costUsd(), "nothing known: unknown, not 0");
        Session a = claim("claude", null, run);
        stores.sessions().updateAgent(a.id(), new AgentUsage("claude", "A", "m", 0.5, 10, 20, 30, 40, 1, "success", 0),
                AgentParseCursor.START);
        finish(a);
        Session b = claim("codex", null, run);
        stores.sessions().updateAgent(b.id(), new AgentUsage("codex", "B", null, null, 100, 5, 0, 0, 1, "success", 0),
                AgentParseCursor.START);
        finish(b);
        Session c = claim(null, null, null); // no agent, no tokens: neither priced nor unpriced
        AgentCostTotals all = stores.sessions().costTotals(SessionQuery.ALL);
        assertEquals(3, all.sessions());
        assertEquals(1, all.pricedSessions());
        assertEquals(1, all.unpricedSessions());
        assertEquals(0.5, all.costUsd());
        assertEquals(110, all.inputTokens());
        assertEquals(205, all.totalTokens());
        assertEquals(25, all.outputTokens());
        Map<String, AgentCostTotals> byRun = stores.sessions().costTotalsByRun();
        assertEquals(2, byRun.get(run).sessions());
        assertEquals(0.5, stores.sessions().costTotals(SessionQuery.ALL.withRunId(run)).costUsd());
        assertFalse(byRun.containsKey(null));
        assertNull(c.agent().agent());
    }

    @Test
    void onCrashAndResumeOfRoundTrip() {
        Session s = stores.sessions().claimSlot(SessionSpec.builder(List.of("claude"), "/w").agent("claude")
                .restartPolicy(RestartPolicy.onCrash(2)).resumeOf("01PREVIOUS").build());
        Session read = stores.sessions().get(s.id()).orElseThrow();
        assertEquals(RestartPolicy.onCrash(2), read.spec().restartPolicy());
        assertEquals("01PREVIOUS", read.resumeOf());
    }
}
