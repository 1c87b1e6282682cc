package dev.agentharness.store.internal;

import dev.agentharness.core.IdGenerator;
import dev.agentharness.core.Run;
import dev.agentharness.core.RunStatus;
import dev.agentharness.core.error.HarnessException;
import dev.agentharness.core.store.RunStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Runs in {@code runs}; a partial unique index on status makes "at most one active run" a database rule. */
public final class SqliteRunStore implements RunStore {
    private static final String COLUMNS = "SELECT id, description, status, started_at, completed_at, session_count FROM runs";
    private static final String BY_ID = COLUMNS + " WHERE id = ?";
    private static final String ACTIVE = COLUMNS + " WHERE status = 'active'";
    private static final String RECENT = COLUMNS + " ORDER BY started_at DESC, id DESC LIMIT ?";
    private static final String COMPLETE_ACTIVE = "UPDATE runs SET status = 'completed', completed_at = ? WHERE status = 'active'";
    private static final String COMPLETE = "UPDATE runs SET status = 'completed', completed_at = ? WHERE id = ? AND status = 'active'";
    private static final String INSERT =
            "INSERT INTO runs (id, description, status, started_at, session_count) VALUES (?, ?, 'active', ?, 0)";
    private static final String INCREMENT = "UPDATE runs SET session_count = session_count + 1 WHERE id = ?";

    private final SqliteDatabase db;
    private final Clock clock;
    private final IdGenerator ids;

    public SqliteRunStore(SqliteDatabase db, Clock clock, IdGenerator ids) {
        this.db = db;
        this.clock = clock;
        this.ids = ids;
    }

    @Override
    public Run createRun(String description) {
        return db.write(() -> {
            String now = Times.format(clock.instant());
            Sql.bind(db.statement(COMPLETE_ACTIVE), now).executeUpdate();
            String id = ids.newId();
            Sql.bind(db.statement(INSERT), id, description, now).executeUpdate();
            return find(BY_ID, id).orElseThrow();
        });
    }

    @Override
    public Optional<Run> getRun(String id) {
        return db.read(() -> find(BY_ID, id));
    }

    @Override
    public Optional<Run> getActiveRun() {
        return db.read(() -> find(ACTIVE));
    }

    @Override
    public List<Run> listRuns(int limit) {
        return db.read(() -> {
            List<Run> runs = new ArrayList<>();
            try (ResultSet rs = Sql.bind(db.statement(RECENT), limit > 0 ? limit : -1).executeQuery()) {
                while (rs.next()) {
                    runs.add(read(rs));
                }
            }
            return runs;
        });
    }

    @Override
    public void incrementSessionCount(String runId) {
        db.write(() -> {
            if (Sql.bind(db.statement(INCREMENT), runId).executeUpdate() == 0) {
                throw noSuchRun(runId);
            }
            return null;
        });
    }

    /** Completing a run that is already completed returns it unchanged. */
    @Override
    public Run completeRun(String runId) {
        return db.write(() -> {
            Sql.bind(db.statement(COMPLETE), Times.format(clock.instant()), runId).executeUpdate();
            return find(BY_ID, runId).orElseThrow(() -> noSuchRun(runId));
        });
    }

    private static HarnessException noSuchRun(String runId) {
        return new HarnessException("no such run: " + runId);
    }

    private Optional<Run> find(String sql, Object... args) throws SQLException {
        try (ResultSet rs = Sql.bind(db.statement(sql), args).executeQuery()) {
            return rs.next() ? Optional.of(read(rs)) : Optional.empty();
        }
    }

    private static Run read(ResultSet rs) throws SQLException {
        return new Run(rs.getString(1), rs.getString(2), Times.parse(rs.getString(4)), Times.parse(rs.getString(5)),
                RunStatus.fromWireName(rs.getString(3)), rs.getInt(6));
    }
}
