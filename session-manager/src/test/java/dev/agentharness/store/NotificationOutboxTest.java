package dev.agentharness.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.core.notify.Notification;
import dev.agentharness.core.notify.NotificationEvent;
import dev.agentharness.core.store.NotificationOutbox;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outbox: one row per sink, due at once, rescheduled on failure, kept across reopening. */
class NotificationOutboxTest {
    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(TestStores.T0);

    @Test
    void aRecordedEventIsDueAtOnceOncePerSink() {
        try (SqliteStores stores = TestStores.open(dir, clock)) {
            NotificationOutbox box = stores.notifications();
            List<Notification> rows = box.record("S1", NotificationEvent.WAITING, List.of("cmd:/bin/a", "http://h/x"), "{\"event\":\"waiting\"}");
            assertEquals(2, rows.size());
            assertTrue(rows.get(0).id() < rows.get(1).id());
            List<Notification> due = box.due(clock.instant(), 10);
            assertEquals(List.of("cmd:/bin/a", "http://h/x"), due.stream().map(Notification::sink).toList());
            assertEquals(NotificationEvent.WAITING, due.get(0).event());
            assertEquals("{\"event\":\"waiting\"}", due.get(0).payload());
            assertEquals(Optional.of(clock.instant()), box.nextDue());
        }
    }

    @Test
    void aFailureReschedulesAndSurvivesReopeningAndDeliveredRowsLeaveTheQueue() {
        long id;
        try (SqliteStores stores = TestStores.open(dir, clock)) {
            NotificationOutbox box = stores.notifications();
            id = box.record("S1", NotificationEvent.FAILED, List.of("http://h/x"), "{}").get(0).id();
            box.failed(id, clock.instant().plusSeconds(30), "HTTP 500");
            assertEquals(List.of(), box.due(clock.instant(), 10), "not due before its retry");
        }
        clock.advance(Duration.ofSeconds(30));
        try (SqliteStores again = TestStores.open(dir, clock)) {
            NotificationOutbox box = again.notifications();
            List<Notification> due = box.due(clock.instant(), 10);
            assertEquals(1, due.size(), "a reopened database still has it");
            assertEquals(1, due.get(0).attempts());
            box.delivered(id, "HTTP 204");
            assertEquals(List.of(), box.due(clock.instant().plusSeconds(3600), 10));
            assertEquals(Optional.empty(), box.nextDue());
            assertEquals(List.of("2|HTTP 204|HTTP 500"),
                    again.database().queryColumn("SELECT attempts || '|' || answer || '|' || last_error FROM notifications"));
        }
    }

    @Test
    void abandonedRowsAreNoLongerDueAndOldFinishedRowsArePruned() {
        try (SqliteStores stores = TestStores.open(dir, clock)) {
            NotificationOutbox box = stores.notifications();
            long gone = box.record("S1", NotificationEvent.CRASHED, List.of("http://h/x"), "{}").get(0).id();
            box.failed(gone, null, "HTTP 500");
            long done = box.record("S1", NotificationEvent.STOPPED, List.of("http://h/x"), "{}").get(0).id();
            box.delivered(done, "HTTP 200");
            box.record("S1", NotificationEvent.STARTED, List.of("http://h/x"), "{}");
            assertEquals(1, box.due(clock.instant(), 10).size());
            clock.advance(Duration.ofDays(8));
            assertEquals(2, box.prune(clock.instant().minus(Duration.ofDays(7))));
            assertEquals(1, box.due(clock.instant(), 10).size(), "pending rows are never pruned");
        }
    }

    @Test
    void dueRespectsTheLimitOldestFirst() {
        try (SqliteStores stores = TestStores.open(dir, clock)) {
            NotificationOutbox box = stores.notifications();
            for (int i = 0; i < 5; i++) {
                box.record("S" + i, NotificationEvent.STARTED, List.of("cmd:/bin/x"), "{}");
            }
            assertEquals(List.of("S0", "S1"), box.due(clock.instant().plus(Duration.ofDays(365)), 2).stream().map(Notification::sessionId).toList());
        }
    }
}
