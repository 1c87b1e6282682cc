package dev.agentharness.store.internal;

import dev.agentharness.core.EventType;
import dev.agentharness.core.SessionEvent;
import dev.agentharness.core.error.NoSuchSessionException;
import dev.agentharness.core.store.EventStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Events in {@code session_events}. The next seq is {@code MAX(seq) + 1}, read through the unique
 * (session_id, seq) index inside the write transaction: events are few per session, so unlike
 * output they need no counter on the session row. Data goes through {@link JsonCodec#eventData},
 * which strips environment values.
 */
public final class SqliteEventStore implements EventStore {
    private static final String COLUMNS = "SELECT session_id, seq, timestamp, type, data FROM session_events";
    private static final String SESSION_EXISTS = "SELECT 1 FROM sessions WHERE id = ?";
    private static final String NEXT_SEQ = "SELECT COALESCE(MAX(seq), 0) + 1 FROM session_events WHERE session_id = ?";
    private static final String INSERT = "INSERT INTO session_events (session_id, seq, timestamp, type, data) VALUES (?, ?, ?, ?, ?)";
    private static final String ALL = COLUMNS + " WHERE session_id = ? ORDER BY seq";
    private static final String NEWEST_OF = COLUMNS + " WHERE session_id = ? ORDER BY seq DESC LIMIT ?";
    private static final String NEWEST = COLUMNS + " ORDER BY id DESC LIMIT ?";

    private final SqliteDatabase db;
    private final Clock clock;
    private final JsonCodec json;

    public SqliteEventStore(SqliteDatabase db, Clock clock, JsonCodec json) {
        this.db = db;
        this.clock = clock;
        this.json = json;
    }

    @Override
    public SessionEvent append(String sessionId, EventType type, Map<String, Object> data) {
        String stored = json.eventData(data);
        String timestamp = Times.format(clock.instant());
        return db.write(() -> {
            try (ResultSet rs = Sql.bind(db.statement(SESSION_EXISTS), sessionId).executeQuery()) {
                if (!rs.next()) {
                    throw new NoSuchSessionException(sessionId);
                }
            }
            long seq;
            try (ResultSet rs = Sql.bind(db.statement(NEXT_SEQ), sessionId).executeQuery()) {
                rs.next();
                seq = rs.getLong(1);
            }
            Sql.bind(db.statement(INSERT), sessionId, seq, timestamp, type.wireName(), stored).executeUpdate();
            return new SessionEvent(sessionId, seq, Times.parse(timestamp), type, json.readObjectMap(stored));
        });
    }

    @Override
    public List<SessionEvent> list(String sessionId) {
        return db.read(() -> query(ALL, sessionId));
    }

    @Override
    public List<SessionEvent> listRecent(String sessionId, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        List<SessionEvent> newestFirst = db.read(() -> query(NEWEST_OF, sessionId, limit));
        Collections.reverse(newestFirst);
        return newestFirst;
    }

    @Override
    public List<SessionEvent> recent(int limit) {
        if (limit <= 0) {
            return List.of();
        }
        return db.read(() -> query(NEWEST, limit));
    }

    private List<SessionEvent> query(String sql, Object... args) throws SQLException {
        List<SessionEvent> out = new ArrayList<>();
        try (ResultSet rs = Sql.bind(db.statement(sql), args).executeQuery()) {
            while (rs.next()) {
                out.add(new SessionEvent(rs.getString(1), rs.getLong(2), Times.parse(rs.getString(3)),
                        EventType.fromWireName(rs.getString(4)), json.readObjectMap(rs.getString(5))));
            }
        }
        return out;
    }
}
