package dev.agentharness.store.internal;

import dev.agentharness.core.Project;
import dev.agentharness.core.ProjectDefaults;
import dev.agentharness.core.ProjectSummary;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.store.ProjectStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Projects in {@code projects}. Rows appear by themselves: a trigger on {@code sessions} files each
 * new session's project and moves {@code last_run_at}; this store only adds the defaults and reads
 * the dashboard (counts and known costs by status, each project's newest session), in three
 * statements however many projects there are.
 */
public final class SqliteProjectStore implements ProjectStore {
    private static final String COLUMNS = "SELECT dir, command, prompt, agent, tty, created_at, updated_at, last_run_at FROM projects";
    private static final String BY_DIR = COLUMNS + " WHERE dir = ?";
    private static final String ALL = COLUMNS + " ORDER BY last_run_at IS NULL, last_run_at DESC, dir";
    private static final String UPSERT = "INSERT INTO projects (dir, command, prompt, agent, tty, created_at, updated_at)"
            + " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) ON CONFLICT (dir) DO UPDATE SET"
            + " command = ?2, prompt = ?3, agent = ?4, tty = ?5, updated_at = ?6";
    private static final String COUNTS = "SELECT project, status, COUNT(*) AS n, SUM(cost_usd) AS cost FROM sessions"
            + " WHERE project IS NOT NULL GROUP BY project, status";
    private static final String LAST_SESSIONS = "SELECT " + SessionRows.COLUMNS + " FROM (SELECT *, ROW_NUMBER() OVER"
            + " (PARTITION BY project ORDER BY created_at DESC, id DESC) AS newest FROM sessions WHERE project IS NOT NULL)"
            + " WHERE newest = 1";

    private final SqliteDatabase db;
    private final Clock clock;
    private final JsonCodec json;
    private final SessionRows rows;

    public SqliteProjectStore(SqliteDatabase db, Clock clock, JsonCodec json) {
        this.db = db;
        this.clock = clock;
        this.json = json;
        this.rows = new SessionRows(json);
    }

    @Override
    public Optional<Project> get(String dir) {
        return db.read(() -> {
            try (ResultSet rs = Sql.bind(db.statement(BY_DIR), dir).executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        });
    }

    @Override
    public Project setDefaults(String dir, ProjectDefaults d) {
        String now = Times.format(clock.instant());
        return db.write(() -> {
            Sql.bind(db.statement(UPSERT), dir, json.write(d.command()), d.prompt(), d.agent(), d.tty(), now).executeUpdate();
            try (ResultSet rs = Sql.bind(db.statement(BY_DIR), dir).executeQuery()) {
                rs.next();
                return read(rs);
            }
        });
    }

    @Override
    public List<ProjectSummary> summaries() {
        return db.read(() -> {
            Map<String, Map<SessionStatus, Long>> counts = new HashMap<>();
            // SUM over no known cost is NULL: a project whose sessions report no cost has an unknown cost, not $0.
            Map<String, Double> costs = new HashMap<>();
            try (ResultSet rs = db.statement(COUNTS).executeQuery()) {
                while (rs.next()) {
                    String project = rs.getString("project");
                    counts.computeIfAbsent(project, p -> new EnumMap<>(SessionStatus.class))
                            .put(SessionStatus.fromWireName(rs.getString("status")), rs.getLong("n"));
                    double cost = rs.getDouble("cost");
                    if (!rs.wasNull()) {
                        costs.merge(project, cost, Double::sum);
                    }
                }
            }
            Map<String, Session> last = new HashMap<>();
            try (ResultSet rs = db.statement(LAST_SESSIONS).executeQuery()) {
                while (rs.next()) {
                    Session s = rows.read(rs);
                    last.put(s.spec().project(), s);
                }
            }
            List<ProjectSummary> out = new ArrayList<>();
            try (ResultSet rs = db.statement(ALL).executeQuery()) {
                while (rs.next()) {
                    Project p = read(rs);
                    out.add(new ProjectSummary(p, last.get(p.dir()), counts.getOrDefault(p.dir(), Map.of()), costs.get(p.dir())));
                }
            }
            return out;
        });
    }

    private Project read(ResultSet rs) throws SQLException {
        String command = rs.getString("command");
        return new Project(rs.getString("dir"), command == null ? List.of() : json.readStringList(command),
                rs.getString("prompt"), rs.getString("agent"), rs.getInt("tty") != 0,
                Times.parse(rs.getString("created_at")), Times.parse(rs.getString("updated_at")),
                Times.parse(rs.getString("last_run_at")));
    }
}
