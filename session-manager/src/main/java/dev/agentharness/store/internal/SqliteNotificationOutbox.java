package dev.agentharness.store.internal;

import dev.agentharness.core.notify.Notification;
import dev.agentharness.core.notify.NotificationEvent;
import dev.agentharness.core.store.NotificationOutbox;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The notification outbox in {@code notifications}. A row is pending while {@code next_attempt_at}
 * is set; delivering or abandoning it clears that, which also takes it out of the partial index the
 * dispatcher polls.
 */
public final class SqliteNotificationOutbox implements NotificationOutbox {
    private static final String COLUMNS = "SELECT id, session_id, event, sink, payload, created_at, attempts, next_attempt_at"
            + " FROM notifications";
    private static final String INSERT = "INSERT INTO notifications (session_id, event, sink, payload, created_at, next_attempt_at)"
            + " VALUES (?, ?, ?, ?, ?, ?)";
    private static final String DUE = COLUMNS + " WHERE next_attempt_at IS NOT NULL AND next_attempt_at <= ? ORDER BY id LIMIT ?";
    private static final String NEXT_DUE = "SELECT MIN(next_attempt_at) FROM notifications WHERE next_attempt_at IS NOT NULL";
    private static final String DELIVERED = "UPDATE notifications SET attempts = attempts + 1, next_attempt_at = NULL,"
            + " delivered_at = ?, answer = ? WHERE id = ?";
    private static final String FAILED = "UPDATE notifications SET attempts = attempts + 1, next_attempt_at = ?,"
            + " last_error = ? WHERE id = ?";
    private static final String PRUNE = "DELETE FROM notifications WHERE next_attempt_at IS NULL AND created_at < ?";

    private final SqliteDatabase db;
    private final Clock clock;

    public SqliteNotificationOutbox(SqliteDatabase db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    @Override
    public List<Notification> record(String sessionId, NotificationEvent event, List<String> sinks, String payload) {
        Instant now = clock.instant();
        String at = Times.format(now);
        return db.write(() -> {
            List<Notification> out = new ArrayList<>();
            for (String sink : sinks) {
                Sql.bind(db.statement(INSERT), sessionId, event.wireName(), sink, payload, at, at).executeUpdate();
                long id;
                try (Statement st = db.connection().createStatement(); ResultSet rs = st.executeQuery("SELECT last_insert_rowid()")) {
                    rs.next();
                    id = rs.getLong(1);
                }
                out.add(new Notification(id, sessionId, event, sink, payload, Times.parse(at), 0, Times.parse(at)));
            }
            return out;
        });
    }

    @Override
    public List<Notification> due(Instant now, int limit) {
        return db.read(() -> {
            List<Notification> out = new ArrayList<>();
            try (ResultSet rs = Sql.bind(db.statement(DUE), Times.format(now), limit).executeQuery()) {
                while (rs.next()) {
                    out.add(new Notification(rs.getLong("id"), rs.getString("session_id"),
                            NotificationEvent.fromWireName(rs.getString("event")), rs.getString("sink"), rs.getString("payload"),
                            Times.parse(rs.getString("created_at")), rs.getInt("attempts"),
                            Times.parse(rs.getString("next_attempt_at"))));
                }
            }
            return out;
        });
    }

    @Override
    public Optional<Instant> nextDue() {
        return db.read(() -> {
            try (ResultSet rs = db.statement(NEXT_DUE).executeQuery()) {
                return rs.next() ? Optional.ofNullable(Times.parse(rs.getString(1))) : Optional.empty();
            }
        });
    }

    @Override
    public void delivered(long id, String answer) {
        db.write(() -> Sql.bind(db.statement(DELIVERED), Times.format(clock.instant()), answer, id).executeUpdate());
    }

    @Override
    public void failed(long id, Instant retryAt, String error) {
        db.write(() -> Sql.bind(db.statement(FAILED), Times.format(retryAt), error, id).executeUpdate());
    }

    @Override
    public int prune(Instant cutoff) {
        return db.write(() -> Sql.bind(db.statement(PRUNE), Times.format(cutoff)).executeUpdate());
    }
}
