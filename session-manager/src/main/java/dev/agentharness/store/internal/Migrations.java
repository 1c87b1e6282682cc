package dev.agentharness.store.internal;

import dev.agentharness.core.error.StoreException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The schema's history, as numbered steps; {@code PRAGMA user_version} says how many have been
 * applied. Each step runs in its own {@code BEGIN IMMEDIATE} transaction that also bumps
 * user_version, so a crash leaves the database at one version or the next, never in between, and
 * two processes opening an old database at once apply each step once: the second re-reads the
 * version under the write lock and finds nothing left to do.
 *
 * <p>A step's SQL is frozen once released: the status lists in it are literals, not derived from
 * the enums, because an enum that grows must come with a new step that rebuilds the CHECKs.
 */
public final class Migrations {

    /**
     * One step.
     *
     * @param version         user_version after the step
     * @param description     what it does
     * @param rebuildsTables  the step drops and re-creates a table that others reference, which
     *                        needs {@code foreign_keys=OFF} (only settable outside a transaction),
     *                        or SQLite would cascade the drop into the referencing rows
     * @param statements      the SQL, one statement each
     */
    public record Step(int version, String description, boolean rebuildsTables, List<String> statements) {
    }

    static final String ALL_STATUSES_V1 =
            "'starting', 'running', 'waiting_checkpoint', 'stalled', 'paused', 'completed', 'failed', 'stopped', 'timed_out', 'crashed'";
    static final String ACTIVE_STATUSES_V1 = "'starting', 'running', 'waiting_checkpoint', 'stalled', 'paused'";
    static final String TERMINAL_STATUSES_V1 = "'completed', 'failed', 'stopped', 'timed_out', 'crashed'";

    /** V1: the first release, modelled on seed 003's sessions and session_outputs. */
    private static final Step V1 = new Step(1, "sessions and their output", false, List.of(
            """
            CREATE TABLE sessions (
                id              TEXT PRIMARY KEY NOT NULL,
                slot            INTEGER NOT NULL CHECK (slot >= 1),
                status          TEXT NOT NULL CHECK (status IN (%s)),
                working_dir     TEXT NOT NULL,
                current_command TEXT NOT NULL,
                pid             INTEGER,
                started_at      TEXT,
                ended_at        TEXT,
                created_at      TEXT NOT NULL,
                updated_at      TEXT NOT NULL
            )""".formatted(ALL_STATUSES_V1),
            "CREATE UNIQUE INDEX sessions_active_slot ON sessions (slot) WHERE status IN (" + ACTIVE_STATUSES_V1 + ")",
            """
            CREATE TABLE session_outputs (
                id         INTEGER PRIMARY KEY,
                session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
                seq        INTEGER NOT NULL CHECK (seq >= 1),
                stream     TEXT NOT NULL CHECK (stream IN ('stdout', 'stderr')),
                timestamp  INTEGER NOT NULL,
                data       TEXT NOT NULL
            )""",
            "CREATE UNIQUE INDEX session_outputs_seq ON session_outputs (session_id, seq)"));

    /**
     * V2: the full session (spec, process identity, watchdog state, output counters), runs, events
     * and the start queue. The sessions table is rebuilt because SQLite cannot add CHECK
     * constraints to an existing table, and V2 lets slot be NULL only for imported legacy history.
     */
    private static final Step V2 = new Step(2, "runs, events, start queue and the full session", true, List.of(
            """
            CREATE TABLE harness_settings (
                name  TEXT PRIMARY KEY NOT NULL,
                value INTEGER NOT NULL
            )""",
            "INSERT INTO harness_settings (name, value) VALUES ('slot_count', 3)",
            """
            CREATE TABLE runs (
                id            TEXT PRIMARY KEY NOT NULL,
                description   TEXT,
                status        TEXT NOT NULL CHECK (status IN ('active', 'completed')),
                started_at    TEXT NOT NULL,
                completed_at  TEXT,
                session_count INTEGER NOT NULL DEFAULT 0 CHECK (session_count >= 0),
                CONSTRAINT completed_run_has_end CHECK ((status = 'active') = (completed_at IS NULL))
            )""",
            "CREATE UNIQUE INDEX runs_one_active ON runs (status) WHERE status = 'active'",
            "CREATE INDEX runs_started ON runs (started_at)",
            """
            CREATE TABLE sessions_v2 (
                id               TEXT PRIMARY KEY NOT NULL,
                name             TEXT,
                slot             INTEGER CONSTRAINT slot_positive CHECK (slot >= 1),
                requested_slot   INTEGER CONSTRAINT requested_slot_positive CHECK (requested_slot >= 1),
                status           TEXT NOT NULL CONSTRAINT status_known CHECK (status IN (%s)),
                working_dir      TEXT NOT NULL,
                current_command  TEXT NOT NULL,
                command          TEXT NOT NULL CONSTRAINT command_is_argv
                                 CHECK (json_valid(command) AND json_type(command) = 'array' AND json_array_length(command) > 0),
                env              TEXT NOT NULL DEFAULT '{}' CONSTRAINT env_is_object CHECK (json_valid(env) AND json_type(env) = 'object'),
                run_id           TEXT,
                pid              INTEGER,
                pid_start_time   INTEGER,
                exit_code        INTEGER,
                reason           TEXT,
                created_at       TEXT NOT NULL,
                started_at       TEXT,
                ended_at         TEXT,
                updated_at       TEXT NOT NULL,
                last_activity_at TEXT,
                stalled_since    TEXT,
                escalation_level INTEGER NOT NULL DEFAULT 0 CHECK (escalation_level >= 0),
                restart_of       TEXT,
                restart_count    INTEGER NOT NULL DEFAULT 0 CHECK (restart_count >= 0),
                max_runtime_ms   INTEGER CHECK (max_runtime_ms >= 0),
                stall_timeout_ms INTEGER CHECK (stall_timeout_ms >= 0),
                restart_policy   TEXT NOT NULL DEFAULT 'no' CHECK (restart_policy IN ('no', 'on-failure')),
                max_restarts     INTEGER NOT NULL DEFAULT 0 CHECK (max_restarts >= 0),
                metadata         TEXT NOT NULL DEFAULT '{}' CONSTRAINT metadata_is_object
                                 CHECK (json_valid(metadata) AND json_type(metadata) = 'object'),
                output_bytes     INTEGER NOT NULL DEFAULT 0 CHECK (output_bytes >= 0),
                output_chunks    INTEGER NOT NULL DEFAULT 0 CHECK (output_chunks >= 0),
                legacy_id        TEXT,
                CONSTRAINT slot_required CHECK (slot IS NOT NULL OR (legacy_id IS NOT NULL AND status IN (%s)))
            )""".formatted(ALL_STATUSES_V1, TERMINAL_STATUSES_V1),
            // V1 ran every command through the shell; V2 stores argv, so that is what the V1 command was.
            """
            INSERT INTO sessions_v2 (id, slot, status, working_dir, current_command, command, pid,
                                     created_at, started_at, ended_at, updated_at)
            SELECT id, slot, status, working_dir, current_command, json_array('/bin/sh', '-c', current_command), pid,
                   created_at, started_at, ended_at, updated_at
            FROM sessions""",
            "DROP TABLE sessions",
            "ALTER TABLE sessions_v2 RENAME TO sessions",
            "CREATE UNIQUE INDEX sessions_active_slot ON sessions (slot) WHERE status IN (" + ACTIVE_STATUSES_V1 + ")",
            "CREATE UNIQUE INDEX sessions_name ON sessions (name) WHERE name IS NOT NULL",
            "CREATE UNIQUE INDEX sessions_legacy_id ON sessions (legacy_id) WHERE legacy_id IS NOT NULL",
            "CREATE INDEX sessions_status_ended ON sessions (status, ended_at)",
            "CREATE INDEX sessions_created ON sessions (created_at)",
            "CREATE INDEX sessions_run ON sessions (run_id, created_at)",
            // A CHECK cannot read another table, so the configurable upper bound of slot is a trigger.
            """
            CREATE TRIGGER sessions_slot_in_range_on_insert BEFORE INSERT ON sessions
            WHEN NEW.slot > (SELECT value FROM harness_settings WHERE name = 'slot_count')
            BEGIN SELECT RAISE(ABORT, 'slot out of range'); END""",
            """
            CREATE TRIGGER sessions_slot_in_range_on_update BEFORE UPDATE OF slot ON sessions
            WHEN NEW.slot IS NOT OLD.slot AND NEW.slot > (SELECT value FROM harness_settings WHERE name = 'slot_count')
            BEGIN SELECT RAISE(ABORT, 'slot out of range'); END""",
            "ALTER TABLE session_outputs ADD COLUMN bytes INTEGER NOT NULL DEFAULT 0 CHECK (bytes >= 0)",
            "UPDATE session_outputs SET bytes = length(CAST(data AS BLOB))",
            "CREATE INDEX session_outputs_time ON session_outputs (session_id, timestamp)",
            """
            UPDATE sessions SET
                output_chunks = COALESCE((SELECT MAX(o.seq) FROM session_outputs o WHERE o.session_id = sessions.id), 0),
                output_bytes = COALESCE((SELECT SUM(o.bytes) FROM session_outputs o WHERE o.session_id = sessions.id), 0),
                last_activity_at = (SELECT strftime('%Y-%m-%dT%H:%M:%fZ', MAX(o.timestamp) / 1000.0, 'unixepoch')
                                    FROM session_outputs o WHERE o.session_id = sessions.id)""",
            """
            CREATE TABLE session_events (
                id         INTEGER PRIMARY KEY,
                session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
                seq        INTEGER NOT NULL CHECK (seq >= 1),
                timestamp  TEXT NOT NULL,
                type       TEXT NOT NULL,
                data       TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(data))
            )""",
            "CREATE UNIQUE INDEX session_events_seq ON session_events (session_id, seq)",
            // AUTOINCREMENT: a queue id is handed to a waiting client, so it must never be reused.
            """
            CREATE TABLE start_queue (
                id          INTEGER PRIMARY KEY AUTOINCREMENT,
                spec        TEXT NOT NULL CHECK (json_valid(spec)),
                enqueued_at TEXT NOT NULL
            )"""));

    /**
     * V3: terminal sessions. Output may come from a pseudo-terminal (stream {@code pty}), and a
     * session records its terminal size (NULL for pipes) and whether its stdin stays open. A CHECK
     * cannot be altered in SQLite, so {@code session_outputs} is rebuilt: a one-time copy, in the
     * step's transaction, of what older databases hold.
     */
    private static final Step V3 = new Step(3, "terminal sessions: the pty stream, terminal size, interactive stdin", true, List.of(
            """
            CREATE TABLE session_outputs_v3 (
                id         INTEGER PRIMARY KEY,
                session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
                seq        INTEGER NOT NULL CHECK (seq >= 1),
                stream     TEXT NOT NULL CHECK (stream IN ('stdout', 'stderr', 'pty')),
                timestamp  INTEGER NOT NULL,
                data       TEXT NOT NULL,
                bytes      INTEGER NOT NULL DEFAULT 0 CHECK (bytes >= 0)
            )""",
            "INSERT INTO session_outputs_v3 (id, session_id, seq, stream, timestamp, data, bytes)"
                    + " SELECT id, session_id, seq, stream, timestamp, data, bytes FROM session_outputs",
            "DROP TABLE session_outputs",
            "ALTER TABLE session_outputs_v3 RENAME TO session_outputs",
            "CREATE UNIQUE INDEX session_outputs_seq ON session_outputs (session_id, seq)",
            "CREATE INDEX session_outputs_time ON session_outputs (session_id, timestamp)",
            "ALTER TABLE sessions ADD COLUMN terminal_cols INTEGER CHECK (terminal_cols BETWEEN 1 AND 10000)",
            "ALTER TABLE sessions ADD COLUMN terminal_rows INTEGER CHECK (terminal_rows BETWEEN 1 AND 10000)",
            "ALTER TABLE sessions ADD COLUMN interactive INTEGER NOT NULL DEFAULT 0 CHECK (interactive IN (0, 1))"));

    /**
     * V4: projects (seed 002) and the notification outbox (seed 004).
     *
     * <p>Existing sessions get {@code project = working_dir}. The CLI files a new session under the
     * root of its git work tree, which SQL cannot find; a one-time Java backfill could, but it would
     * stamp old history with the filesystem as it is at upgrade time (a repository cloned, moved or
     * deleted since), and it would have to run outside the step's transaction, so a crash could leave
     * the schema upgraded and the rows half filed. The cwd is what was true when they ran.
     *
     * <p>A trigger keeps {@code projects} in step with {@code sessions}: every writer (daemon, an
     * in-process {@code recover}, an import) files a session's directory without knowing about it.
     * Pending notifications are indexed by when they are due; delivered and abandoned rows have no
     * due time, so the index holds only the pending few.
     */
    private static final Step V4 = new Step(4, "projects and the notification outbox", false, List.of(
            "ALTER TABLE sessions ADD COLUMN project TEXT",
            "ALTER TABLE sessions ADD COLUMN notify TEXT NOT NULL DEFAULT '[]'"
                    + " CONSTRAINT notify_is_array CHECK (json_valid(notify) AND json_type(notify) = 'array')",
            "UPDATE sessions SET project = working_dir",
            "CREATE INDEX sessions_project ON sessions (project, created_at)",
            """
            CREATE TABLE projects (
                dir         TEXT PRIMARY KEY NOT NULL,
                command     TEXT CONSTRAINT command_is_argv
                            CHECK (command IS NULL OR (json_valid(command) AND json_type(command) = 'array'
                                                       AND json_array_length(command) > 0)),
                prompt      TEXT,
                agent       TEXT,
                tty         INTEGER NOT NULL DEFAULT 0 CHECK (tty IN (0, 1)),
                created_at  TEXT NOT NULL,
                updated_at  TEXT NOT NULL,
                last_run_at TEXT
            )""",
            """
            INSERT INTO projects (dir, created_at, updated_at, last_run_at)
            SELECT project, MIN(created_at), MIN(created_at), MAX(created_at) FROM sessions GROUP BY project""",
            """
            CREATE TRIGGER sessions_file_project AFTER INSERT ON sessions WHEN NEW.project IS NOT NULL
            BEGIN
                INSERT INTO projects (dir, created_at, updated_at, last_run_at)
                VALUES (NEW.project, NEW.created_at, NEW.created_at, NEW.created_at)
                ON CONFLICT (dir) DO UPDATE SET last_run_at = MAX(COALESCE(last_run_at, ''), excluded.last_run_at);
            END""",
            // AUTOINCREMENT: ids order deliveries and are never reused after a prune.
            """
            CREATE TABLE notifications (
                id              INTEGER PRIMARY KEY AUTOINCREMENT,
                session_id      TEXT,
                event           TEXT NOT NULL,
                sink            TEXT NOT NULL,
                payload         TEXT NOT NULL CHECK (json_valid(payload)),
                created_at      TEXT NOT NULL,
                attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
                next_attempt_at TEXT,
                delivered_at    TEXT,
                answer          TEXT,
                last_error      TEXT,
                CONSTRAINT delivered_is_not_due CHECK (delivered_at IS NULL OR next_attempt_at IS NULL)
            )""",
            "CREATE INDEX notifications_due ON notifications (next_attempt_at) WHERE next_attempt_at IS NOT NULL"));

    /**
     * V5: agent-aware sessions. What the agent's structured output said, as first-class columns
     * (never a JSON blob: totals are SQL sums), the parser's cursor (so that a daemon restart
     * counts nothing twice), the session a resume continues, and {@code restart_mode}, which knows
     * {@code on-crash}: V2's CHECK on {@code restart_policy} cannot learn a new value without
     * rebuilding {@code sessions}, so that column stays as it was ({@code on-crash} is written there
     * as {@code no}) and {@code restart_mode} is the truth.
     */
    private static final Step V5 = new Step(5, "agent profiles: agent session id, model, tokens, cost, resume", false, List.of(
            "ALTER TABLE sessions ADD COLUMN agent TEXT",
            "ALTER TABLE sessions ADD COLUMN agent_session_id TEXT",
            "ALTER TABLE sessions ADD COLUMN model TEXT",
            "ALTER TABLE sessions ADD COLUMN cost_usd REAL CHECK (cost_usd >= 0)",
            "ALTER TABLE sessions ADD COLUMN input_tokens INTEGER NOT NULL DEFAULT 0 CHECK (input_tokens >= 0)",
            "ALTER TABLE sessions ADD COLUMN output_tokens INTEGER NOT NULL DEFAULT 0 CHECK (output_tokens >= 0)",
            "ALTER TABLE sessions ADD COLUMN cache_read_tokens INTEGER NOT NULL DEFAULT 0 CHECK (cache_read_tokens >= 0)",
            "ALTER TABLE sessions ADD COLUMN cache_write_tokens INTEGER NOT NULL DEFAULT 0 CHECK (cache_write_tokens >= 0)",
            "ALTER TABLE sessions ADD COLUMN turns INTEGER CHECK (turns >= 0)",
            "ALTER TABLE sessions ADD COLUMN result_status TEXT",
            "ALTER TABLE sessions ADD COLUMN tool_calls INTEGER NOT NULL DEFAULT 0 CHECK (tool_calls >= 0)",
            "ALTER TABLE sessions ADD COLUMN resume_of TEXT",
            "ALTER TABLE sessions ADD COLUMN restart_mode TEXT CHECK (restart_mode IN ('no', 'on-failure', 'on-crash'))",
            "UPDATE sessions SET restart_mode = restart_policy",
            "ALTER TABLE sessions ADD COLUMN agent_parse_seq INTEGER NOT NULL DEFAULT 1 CHECK (agent_parse_seq >= 1)",
            "ALTER TABLE sessions ADD COLUMN agent_parse_offset INTEGER NOT NULL DEFAULT 0 CHECK (agent_parse_offset >= 0)",
            "ALTER TABLE sessions ADD COLUMN agent_parse_skipped INTEGER NOT NULL DEFAULT 0 CHECK (agent_parse_skipped >= 0)",
            "ALTER TABLE sessions ADD COLUMN agent_parse_done INTEGER NOT NULL DEFAULT 0 CHECK (agent_parse_done IN (0, 1))",
            // The parser's work list: only sessions with a profile whose output is not fully read yet.
            "CREATE INDEX sessions_agent_parse ON sessions (created_at) WHERE agent IS NOT NULL AND agent_parse_done = 0"));

    /**
     * V6: what an interactive agent's hooks last reported (working, waiting, idle), with a line of
     * detail and when. Written by {@code harness hook} in the agent's own process tree, never by the
     * daemon's session updates, so plain columns next to the agent facts rather than a status: the
     * session's status stays the harness's.
     */
    private static final Step V6 = new Step(6, "agent hooks: what an interactive agent says it is doing", false, List.of(
            "ALTER TABLE sessions ADD COLUMN agent_state TEXT CHECK (agent_state IN ('working', 'waiting', 'idle'))",
            "ALTER TABLE sessions ADD COLUMN agent_state_detail TEXT",
            "ALTER TABLE sessions ADD COLUMN agent_state_at TEXT"));

    public static final List<Step> STEPS = List.of(V1, V2, V3, V4, V5, V6);
    public static final int LATEST = STEPS.get(STEPS.size() - 1).version();

    private Migrations() {
    }

    /** Applies every step newer than the database's version, up to {@code target}. */
    public static void migrate(Connection conn, int target) throws SQLException {
        for (Step step : STEPS) {
            if (step.version() <= target && step.version() > userVersion(conn)) {
                apply(conn, step);
            }
        }
    }

    public static int userVersion(Connection conn) throws SQLException {
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("PRAGMA user_version")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    private static void apply(Connection conn, Step step) throws SQLException {
        try (Statement st = conn.createStatement()) {
            if (step.rebuildsTables()) {
                st.execute("PRAGMA foreign_keys = OFF");
            }
            try {
                st.execute("BEGIN IMMEDIATE");
                try {
                    int current = userVersion(conn);
                    if (current >= step.version()) {
                        st.execute("ROLLBACK"); // another process got here first
                        return;
                    }
                    if (current != step.version() - 1) {
                        throw new StoreException("cannot upgrade the database: it is at schema version " + current
                                + " and the next step is for version " + (step.version() - 1));
                    }
                    for (String sql : step.statements()) {
                        st.execute(sql);
                    }
                    if (step.rebuildsTables()) {
                        List<String> broken = foreignKeyProblems(conn);
                        if (!broken.isEmpty()) {
                            throw new StoreException("cannot upgrade the database to schema version " + step.version()
                                    + ": rows would lose their session (" + String.join(", ", broken) + ")");
                        }
                    }
                    st.execute("PRAGMA user_version = " + step.version());
                    st.execute("COMMIT");
                } catch (SQLException | RuntimeException e) {
                    try {
                        st.execute("ROLLBACK");
                    } catch (SQLException rollbackFailed) {
                        e.addSuppressed(rollbackFailed);
                    }
                    throw e;
                }
            } finally {
                if (step.rebuildsTables()) {
                    st.execute("PRAGMA foreign_keys = ON");
                }
            }
        }
    }

    private static List<String> foreignKeyProblems(Connection conn) throws SQLException {
        List<String> problems = new ArrayList<>();
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("PRAGMA foreign_key_check")) {
            while (rs.next() && problems.size() < 5) {
                problems.add(rs.getString(1) + " row " + rs.getLong(2));
            }
        }
        return problems;
    }
}
