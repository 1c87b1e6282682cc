package dev.agentharness.supervisor;

import static dev.agentharness.supervisor.testing.TestHarness.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.core.Session;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.error.HarnessException;
import dev.agentharness.supervisor.testing.TestHarness;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShutdownTest {
    @TempDir
    Path dir;

    @Test
    void shutdownStopsEveryAgentFlushesAndReleasesTheLock() {
        Session a;
        Session b;
        try (TestHarness h = TestHarness.started(dir)) {
            a = h.supervisor.startSession(spec(dir, "sleep", "30"));
            b = h.supervisor.startSession(TestHarness.sh(dir, "echo last words; trap '' TERM; sleep 30"));
            TestHarness.await(() -> h.output(b.id()).equals("last words\n"), "output");
            h.supervisor.shutdown(Duration.ofMillis(500));
            h.supervisor.shutdown(Duration.ofMillis(500)); // idempotent
            for (Session s : new Session[] {a, b}) {
                Session row = h.session(s.id());
                assertEquals(SessionStatus.STOPPED, row.status());
                assertEquals("harness shut down", row.reason());
            }
            assertEquals("last words\n", h.output(b.id()));
            assertThrows(HarnessException.class, () -> h.supervisor.startSession(spec(dir, "true")));
        }
        try (TestHarness again = TestHarness.started(dir)) {
            assertTrue(again.stores.sessions().slotOccupants().isEmpty());
        }
    }
}
