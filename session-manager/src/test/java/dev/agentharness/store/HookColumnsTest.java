package dev.agentharness.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.agentharness.core.AgentActivity;
import dev.agentharness.core.AgentParseCursor;
import dev.agentharness.core.AgentUsage;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.error.NoSuchSessionException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Schema V6: what an interactive agent's hooks report, written beside the parser and the supervisor, never over them. */
class HookColumnsTest {
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

    @Test
    void aHookReportIsStoredAndReadBackWithTheSession() {
        Session s = stores.sessions().claimSlot(SessionSpec.builder(List.of("claude"), "/w").agent("claude")
                .agentSessionId("chosen").build());
        assertNull(s.activity(), "nothing reported yet");
        Instant at = Instant.parse("2026-01-02T03:04:05.678Z");
        stores.sessions().recordHook(s.id(), "from-hook", "claude-opus-5-5", 1,
                new AgentActivity(AgentActivity.State.WAITING, "Claude needs your permission to use Bash", at));
        Session now = stores.sessions().get(s.id()).orElseThrow();
        assertEquals(new AgentActivity(AgentActivity.State.WAITING, "Claude needs your permission to use Bash", at), now.activity());
        assertEquals("from-hook", now.agent().agentSessionId());
        assertEquals("claude-opus-5-5", now.agent().model());
        assertEquals(1, now.agent().toolCalls());

        // Nulls leave things as they were; tool calls add up; a new state without a detail clears the old detail.
        stores.sessions().recordHook(s.id(), null, null, 1, null);
        now = stores.sessions().get(s.id()).orElseThrow();
        assertEquals("from-hook", now.agent().agentSessionId());
        assertEquals(2, now.agent().toolCalls());
        assertEquals(AgentActivity.State.WAITING, now.activity().state());
        stores.sessions().recordHook(s.id(), null, null, 0, new AgentActivity(AgentActivity.State.IDLE, null, at.plusSeconds(1)));
        assertEquals(new AgentActivity(AgentActivity.State.IDLE, null, at.plusSeconds(1)),
                stores.sessions().get(s.id()).orElseThrow().activity());
        assertThrows(NoSuchSessionException.class, () -> stores.sessions().recordHook("01NOSUCH", null, null, 1, null));
    }

    @Test
    void theSupervisorsUpdatesAndTheParsersNeverUndoAHooksReport() {
        Session stale = stores.sessions().claimSlot(SessionSpec.builder(List.of("claude"), "/w").agent("claude").build());
        AgentActivity idle = new AgentActivity(AgentActivity.State.IDLE, null, TestStores.T0);
        stores.sessions().recordHook(stale.id(), "abc", null, 0, idle);
        // A status change written from a session read before the hook's report.
        stores.sessions().update(stale.id(), x -> stale.toBuilder().status(SessionStatus.RUNNING).build());
        assertEquals(idle, stores.sessions().get(stale.id()).orElseThrow().activity());
        // The parser writes only what it parsed and its cursor; the activity is not among them.
        stores.sessions().updateAgent(stale.id(), AgentUsage.start("claude", "abc"), new AgentParseCursor(1, 0, 0, true));
        assertEquals(idle, stores.sessions().get(stale.id()).orElseThrow().activity());
    }
}
