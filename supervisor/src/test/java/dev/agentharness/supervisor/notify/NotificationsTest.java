package dev.agentharness.supervisor.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.supervisor.testing.TestHarness;
import dev.agentharness.supervisor.testing.WebhookReceiver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lifecycle notifications end to end inside one supervisor: real agents, a real SQLite outbox, a
 * real HTTP server on loopback and a real command sink.
 */
class NotificationsTest {
    private static final NotifySettings FAST = NotifySettings.defaults()
            .withRetries(Duration.ofMillis(50), Duration.ofMillis(200), 5);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private TestHarness h;
    private NotificationDispatcher dispatcher;
    private WebhookReceiver receiver;

    private void open(String... configLines) throws Exception {
        Files.createDirectories(dir.resolve("home"));
        Files.writeString(dir.resolve("home").resolve("config"), String.join("\n", configLines) + "\n");
        h = TestHarness.open(dir.resolve("home"), Clock.systemUTC(), TestHarness.fastConfig(), new NotifyModule(FAST, "test"));
        h.supervisor.start();
        dispatcher = h.get(NotificationDispatcher.class);
        dispatcher.start();
    }

    @AfterEach
    void close() {
        if (h != null) {
            h.supervisor.shutdown(Duration.ofSeconds(2));
            dispatcher.close();
            h.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    /** Reads the outbox through a connection of its own, as another process would. */
    private List<String> column(String sql) throws Exception {
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + h.home.database());
                var st = c.createStatement(); var rs = st.executeQuery(sql)) {
            List<String> out = new java.util.ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        }
    }

    private List<JsonNode> accepted() {
        return receiver.accepted().stream().map(r -> {
            try {
                return JSON.readTree(r.body());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }).toList();
    }

    private List<String> acceptedEvents() {
        return accepted().stream().map(n -> n.path("event").asText()).toList();
    }

    @Test
    void aCheckpointIsAnnouncedAsWaitingWithItsQuestionInTheSeedsShape() throws Exception {
        receiver = new WebhookReceiver();
        open("notify = " + receiver.url("s3cr3t"));
        Session s = h.supervisor.startSession(TestHarness.sh(dir, "printf 'Deploy to production? (y/n) '; sleep 30"));
        TestHarness.await(() -> acceptedEvents().contains("waiting"), "a waiting notification");
        h.supervisor.stop(s.id(), Duration.ofSeconds(1), true).get();
        TestHarness.await(() -> acceptedEvents().contains("stopped"), "a stopped notification");

        assertEquals(List.of("started", "waiting", "stopped"), acceptedEvents());
        JsonNode waiting = accepted().get(1);
        assertEquals("waiting", waiting.path("event").asText());
        JsonNode session = waiting.path("session");
        assertEquals(s.id(), session.path("id").asText());
        assertEquals("sh", session.path("mode").asText());
        assertEquals("waiting_checkpoint", session.path("status").asText());
        assertTrue(session.path("task").asText().startsWith("sh -c "), session.toString());
        assertEquals(s.slot().intValue(), session.path("slot").asInt());
        assertTrue(session.has("exitCode") && session.has("costUsd"), session.toString());
        assertTrue(waiting.path("timestamp").asText().endsWith("Z"));
        assertEquals("(y/n)", waiting.path("data").path("question").asText());
        assertEquals("running", waiting.path("data").path("from").asText());
        assertEquals("application/json", receiver.accepted().get(1).contentType());
        assertEquals(137, accepted().get(2).path("session").path("exitCode").asInt(), "SIGKILL: 128 + 9");
    }

    @Test
    void aWebhookThatFailsIsRetriedWithTheSamePayloadUntilItTakesIt() throws Exception {
        receiver = new WebhookReceiver();
        receiver.failNext(3);
        open("notify = " + receiver.url("tok"), "notify.events = completed, failed");
        Session s = h.supervisor.startSession(TestHarness.sh(dir, "exit 0"));
        h.awaitEnded(s.id());
        TestHarness.await(() -> acceptedEvents().contains("completed"), "the completed notification, after retries");

        List<WebhookReceiver.Request> all = receiver.requests();
        assertEquals(List.of(500, 500, 500, 204), all.stream().map(WebhookReceiver.Request::answered).toList(),
                "only completed is configured, retried after each 500");
        assertEquals(1, all.stream().map(WebhookReceiver.Request::body).distinct().count(), "every attempt sends the same payload");
        assertEquals(List.of("4|HTTP 204|HTTP 500"), column(
                "SELECT attempts || '|' || answer || '|' || last_error FROM notifications"));
    }

    @Test
    void aFailingSinkIsAbandonedAfterItsAttemptsAndNeverHoldsUpTheOthers() throws Exception {
        receiver = new WebhookReceiver();
        open("notify = http://127.0.0.1:9/refused", "notify = " + receiver.url("ok"), "notify.events = completed");
        Session s = h.supervisor.startSession(TestHarness.sh(dir, "true"));
        h.awaitEnded(s.id());
        TestHarness.await(() -> acceptedEvents().contains("completed"), "delivery to the working sink");
        TestHarness.await(() -> h.stores.notifications().nextDue().isEmpty(), "the refused sink to be abandoned");
        assertEquals(List.of("5|connection refused", "1|"), column(
                "SELECT attempts || '|' || COALESCE(last_error, '') FROM notifications ORDER BY id"));
    }

    @Test
    void aCommandSinkGetsThePayloadOnStdinAndTheEventInItsEnvironment() throws Exception {
        Path out = Files.createDirectories(dir.resolve("out"));
        Path script = dir.resolve("sink.sh");
        Files.writeString(script, "#!/bin/sh\ncat > '" + out + "'/\"$HARNESS_EVENT\".json\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        open("# no sinks for every session");
        Session s = h.supervisor.startSession(TestHarness.sh(dir, "exit 3").toBuilder()
                .notifySinks(List.of("cmd:" + script)).build());
        assertEquals(SessionStatus.FAILED, h.awaitEnded(s.id()).status());
        TestHarness.await(() -> Files.exists(out.resolve("failed.json")), "the command sink to write failed.json");
        TestHarness.await(() -> h.stores.notifications().nextDue().isEmpty(), "every delivery to finish");

        JsonNode failed = JSON.readTree(Files.readString(out.resolve("failed.json")));
        assertEquals("failed", failed.path("event").asText());
        assertEquals(3, failed.path("session").path("exitCode").asInt());
        assertEquals(s.id(), failed.path("session").path("id").asText());
        try (var files = Files.list(out)) {
            assertEquals("failed.json,started.json", files.map(p -> p.getFileName().toString()).sorted()
                    .collect(Collectors.joining(",")));
        }
    }

    @Test
    void withoutSinksNothingIsRecorded() throws Exception {
        open();
        Session s = h.supervisor.startSession(TestHarness.sh(dir, "true"));
        h.awaitEnded(s.id());
        assertFalse(h.stores.notifications().nextDue().isPresent());
        assertEquals(List.of("0"), column("SELECT COUNT(*) FROM notifications"));
    }
}
