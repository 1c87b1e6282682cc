package dev.agentharness.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.core.EventType;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionEvent;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.error.NoSuchSessionException;
import dev.agentharness.core.store.EventStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventStoreTest {
    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(TestStores.T0);
    private SqliteStores stores;
    private EventStore events;
    private Session a;
    private Session b;

    @BeforeEach
    void open() {
        stores = TestStores.open(dir, clock);
        events = stores.events();
        a = stores.sessions().claimSlot(TestStores.spec());
        b = stores.sessions().claimSlot(TestStores.spec());
    }

    @AfterEach
    void close() {
        stores.close();
    }

    @Test
    void appendNumbersEachSessionsEventsGapFreeAndKeepsTheirData() {
        SessionEvent first = events.append(a.id(), EventType.CREATED, Map.of("slot", 1));
        events.append(b.id(), EventType.CREATED, Map.of());
        clock.advance(Duration.ofSeconds(1));
        SessionEvent second = events.append(a.id(), EventType.STATUS_CHANGED,
                Map.of("from", "starting", "to", "running", "nested", Map.of("list", List.of(1, 2.5, true, "x"))));
        assertEquals(1, first.seq());
        assertEquals(2, second.seq());
        assertEquals(1, events.list(b.id()).get(0).seq());
        assertEquals(TestStores.T0.plusSeconds(1), second.timestamp());
        assertEquals(List.of(first, second), events.list(a.id()));
        assertEquals(Map.of("list", List.of(1, 2.5, true, "x")), events.list(a.id()).get(1).data().get("nested"));
    }

    @Test
    void listRecentIsTheNewestOfOneSessionOldestFirstAndRecentIsAllSessionsNewestFirst() {
        for (int i = 1; i <= 5; i++) {
            events.append(a.id(), EventType.CHECKPOINT, Map.of("i", i));
            events.append(b.id(), EventType.INPUT, Map.of("i", i));
        }
        assertEquals(List.of(4L, 5L), events.listRecent(a.id(), 2).stream().map(SessionEvent::seq).toList());
        assertEquals(List.of(), events.listRecent(a.id(), 0));
        List<SessionEvent> recent = events.recent(3);
        assertEquals(List.of(b.id(), a.id(), b.id()), recent.stream().map(SessionEvent::sessionId).toList());
        assertEquals(List.of(5, 5, 4), recent.stream().map(e -> e.data().get("i")).toList());
    }

    @Test
    void appendToAnUnknownSessionFails() {
        assertThrows(NoSuchSessionException.class, () -> events.append("01JNOPE", EventType.CREATED, Map.of()));
    }

    @Test
    void environmentValuesNeverReachTheEventTable() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("env", Map.of("API_TOKEN", "s3cr3t-value", "HOME", "/root"));
        data.put("request", Map.of("ENVIRONMENT", "also-secret"));
        data.put("spec", TestStores.spec().withEnv(Map.of("PASSWORD", "hunter2")));
        data.put("session", stores.sessions().get(a.id()).orElseThrow());
        data.put("at", Instant.parse("2025-02-03T04:05:06.007Z"));
        data.put("grace", Duration.ofSeconds(10));
        data.put("status", SessionStatus.TIMED_OUT);
        SessionEvent e = events.append(a.id(), EventType.STOP_REQUESTED, data);

        List<String> raw = stores.database().queryColumn("SELECT data FROM session_events");
        for (String secret : List.of("s3cr3t-value", "also-secret", "hunter2")) {
            assertFalse(raw.get(0).contains(secret), raw.get(0));
        }
        assertEquals(List.of("API_TOKEN", "HOME"), e.data().get("env"));
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>) e.data().get("spec");
        assertEquals(List.of("PASSWORD"), spec.get("envKeys"));
        assertEquals("2025-02-03T04:05:06.007Z", e.data().get("at"));
        assertEquals("10s", e.data().get("grace"));
        assertEquals("timed_out", e.data().get("status"));
        assertTrue(e.data().get("session") instanceof Map);
        assertEquals(e, events.list(a.id()).get(0));
    }
}
