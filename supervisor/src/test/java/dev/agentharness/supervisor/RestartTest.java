package dev.agentharness.supervisor;

import static dev.agentharness.supervisor.testing.TestHarness.await;
import static dev.agentharness.supervisor.testing.TestHarness.sh;
import static dev.agentharness.supervisor.testing.TestHarness.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.core.EventType;
import dev.agentharness.core.RestartPolicy;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionQuery;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.error.HarnessException;
import dev.agentharness.supervisor.testing.TestHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestartTest {
    @TempDir
    Path dir;

    @Test
    void aFinishedSessionRestartsAsANewLinkedSession() {
        try (TestHarness h = TestHarness.started(dir)) {
            Session first = h.supervisor.startSession(sh(dir, "echo run").withName("job"));
            h.awaitEnded(first.id());
            Session again = h.supervisor.restart(first.id());
            assertEquals(first.id(), again.restartOf());
            assertEquals(1, again.spec().restartCount());
            assertEquals("job-r1", again.name());
            assertEquals(first.command(), again.command());
            assertTrue(h.eventTypes(again.id()).contains(EventType.RESTARTED));
            assertEquals(SessionStatus.COMPLETED, h.awaitEnded(again.id()).status());
            assertEquals("run\n", h.output(again.id()));
            Session third = h.supervisor.restart(first.id());
            assertEquals("job-r1-2", third.name(), "names stay unique");
        }
    }

    @Test
    void aRunningSessionCannotBeRestarted() throws Exception {
        try (TestHarness h = TestHarness.started(dir)) {
            Session s = h.supervisor.startSession(spec(dir, "sleep", "30"));
            HarnessException e = assertThrows(HarnessException.class, () -> h.supervisor.restart(s.id()));
            assertTrue(e.getMessage().contains("only a finished session can be restarted"), e.getMessage());
            h.supervisor.stop(s.id(), Duration.ZERO, true).get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void theOnFailurePolicyRestartsUpToItsMaximumWithBackoff() {
        try (TestHarness h = TestHarness.started(dir)) {
            h.supervisor.startSession(sh(dir, "echo attempt; exit 1").withName("flaky").withRestartPolicy(RestartPolicy.onFailure(2)));
            await(() -> chain(h).size() == 3 && chain(h).stream().allMatch(s -> s.status() == SessionStatus.FAILED),
                    "three failed attempts");
            List<Session> chain = chain(h);
            assertEquals(List.of(0, 1, 2), chain.stream().map(s -> s.spec().restartCount()).toList());
            assertEquals(chain.get(0).id(), chain.get(1).restartOf());
            assertEquals(chain.get(1).id(), chain.get(2).restartOf());
            assertTrue(h.eventTypes(chain.get(2).id()).contains(EventType.RESTARTED));
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            assertEquals(3, chain(h).size(), "no restart beyond maxRestarts");
        }
    }

    @Test
    void theOnFailurePolicyDoesNotRestartWhatTheUserStopped() throws Exception {
        try (TestHarness h = TestHarness.started(dir)) {
            Session s = h.supervisor.startSession(spec(dir, "sleep", "30").withRestartPolicy(RestartPolicy.onFailure(3)));
            h.supervisor.stop(s.id(), Duration.ofSeconds(2), false).get(30, TimeUnit.SECONDS);
            Thread.sleep(800);
            assertEquals(1, h.stores.sessions().list(SessionQuery.ALL).size());
        }
    }

    private static List<Session> chain(TestHarness h) {
        return h.stores.sessions().list(SessionQuery.ALL).stream()
                .sorted(Comparator.comparing(Session::id)).toList();
    }
}
