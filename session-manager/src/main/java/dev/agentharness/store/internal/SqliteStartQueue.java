package dev.agentharness.store.internal;

import dev.agentharness.core.QueuedStart;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.store.StartQueue;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The durable FIFO of start requests in {@code start_queue}. The whole spec is stored, environment
 * included, because the request must be startable after a restart of the harness; the database
 * file is 0600 for that reason.
 */
public final class SqliteStartQueue implements StartQueue {
    private static final String COLUMNS = "SELECT id, spec, enqueued_at FROM start_queue";
    private static final String INSERT = "INSERT INTO start_queue (spec, enqueued_at) VALUES (?, ?) RETURNING id";
    private static final String ALL = COLUMNS + " ORDER BY id";
    private static final String FIRST = COLUMNS + " ORDER BY id LIMIT 1";
    private static final String BY_ID = COLUMNS + " WHERE id = ?";
    private static final String DELETE = "DELETE FROM start_queue WHERE id = ?";

    private final SqliteDatabase db;
    private final Clock clock;
    private final JsonCodec json;

    public SqliteStartQueue(SqliteDatabase db, Clock clock, JsonCodec json) {
        this.db = db;
        this.clock = clock;
        this.json = json;
    }

    @Override
    public QueuedStart enqueue(SessionSpec spec) {
        String stored = json.spec(spec);
        String now = Times.format(clock.instant());
        return db.write(() -> {
            long id;
            try (ResultSet rs = Sql.bind(db.statement(INSERT), stored, now).executeQuery()) {
                rs.next();
                id = rs.getLong(1);
            }
            return new QueuedStart(id, json.readSpec(stored), Times.parse(now));
        });
    }

    @Override
    public List<QueuedStart> list() {
        return db.read(() -> query(ALL));
    }

    @Override
    public Optional<QueuedStart> peek() {
        return db.read(() -> query(FIRST).stream().findFirst());
    }

    @Override
    public Optional<QueuedStart> get(long id) {
        return db.read(() -> query(BY_ID, id).stream().findFirst());
    }

    @Override
    public boolean remove(long id) {
        return db.write(() -> Sql.bind(db.statement(DELETE), id).executeUpdate() > 0);
    }

    private List<QueuedStart> query(String sql, Object... args) throws SQLException {
        List<QueuedStart> out = new ArrayList<>();
        try (ResultSet rs = Sql.bind(db.statement(sql), args).executeQuery()) {
            while (rs.next()) {
                out.add(new QueuedStart(rs.getLong(1), json.readSpec(rs.getString(2)), Times.parse(rs.getString(3))));
            }
        }
        return out;
    }
}
