package dev.agentharness.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.core.QueuedStart;
import dev.agentharness.core.RestartPolicy;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.TerminalSize;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartQueueTest {
    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(TestStores.T0);

    @Test
    void enqueueKeepsTheWholeSpecIncludingEnvironment() {
        SessionSpec spec = new SessionSpec("queued", List.of("aider", "--yes"), "/w", Map.of("OPENAI_API_KEY", "sk-1"), 2, "RUN",
                Duration.ofHours(1), null, RestartPolicy.onFailure(3), "01JPREV", 2, Map.of("model", "gpt", "budget", 2.5),
                new TerminalSize(80, 24), false, "/w", List.of("https://hooks.example/T0K3N?x=1"));
        try (SqliteStores stores = TestStores.open(dir, clock)) {
            QueuedStart q = stores.queue().enqueue(spec);
            assertEquals(spec, q.spec());
            assertEquals(TestStores.T0, q.enqueuedAt());
            assertEquals(q, stores.queue().get(q.id()).orElseThrow());
        }
        try (SqliteStores reopened = TestStores.open(dir, clock)) {
            assertEquals(spec, reopened.queue().peek().orElseThrow().spec(), "the queue survives a restart");
        }
    }

    @Test
    void theQueueIsFirstInFirstOutAndIdsAreNeverReused() {
        try (SqliteStores stores = TestStores.open(dir, clock)) {
            var queue = stores.queue();
            assertTrue(queue.peek().isEmpty());
            QueuedStart a = queue.enqueue(TestStores.named("a"));
            QueuedStart b = queue.enqueue(TestStores.named("b"));
            QueuedStart c = queue.enqueue(TestStores.named("c"));
            assertEquals(List.of(a, b, c), queue.list());
            assertEquals(a, queue.peek().orElseThrow());
            assertTrue(queue.remove(a.id()));
            assertFalse(queue.remove(a.id()));
            assertEquals(b, queue.peek().orElseThrow());
            assertTrue(queue.remove(c.id()));
            assertTrue(queue.remove(b.id()));
            QueuedStart d = queue.enqueue(TestStores.named("d"));
            assertTrue(d.id() > c.id(), "a waiting client holds the id of c; it must not come back");
            assertTrue(queue.get(c.id()).isEmpty());
        }
    }
}
