package dev.agentharness.store.internal;

import dev.agentharness.core.AgentParseCursor;
import dev.agentharness.core.AgentUsage;
import dev.agentharness.core.RestartPolicy;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.TerminalSize;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Maps {@link Session} to and from a row of {@code sessions}. */
final class SessionRows {
    static final String COLUMNS = "id, name, slot, requested_slot, status, working_dir, current_command, command, env, run_id,"
            + " pid, pid_start_time, exit_code, reason, created_at, started_at, ended_at, updated_at, last_activity_at,"
            + " stalled_since, escalation_level, restart_of, restart_count, max_runtime_ms, stall_timeout_ms,"
            + " restart_policy, max_restarts, metadata, output_bytes, output_chunks, terminal_cols, terminal_rows, interactive, project, notify,"
            + " agent, agent_session_id, model, cost_usd, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens,"
            + " turns, result_status, tool_calls, resume_of, restart_mode, agent_state, agent_state_detail, agent_state_at";

    /**
     * Every column a caller may set, plus what the agent is known to be at the start; the output
     * counters, the rest of the agent facts and legacy_id belong to the store.
     */
    static final String INSERT = "INSERT INTO sessions (id, name, slot, requested_slot, status, working_dir, current_command,"
            + " command, env, run_id, pid, pid_start_time, exit_code, reason, created_at, started_at, ended_at, updated_at,"
            + " last_activity_at, stalled_since, escalation_level, restart_of, restart_count, max_runtime_ms, stall_timeout_ms,"
            + " restart_policy, max_restarts, metadata, terminal_cols, terminal_rows, interactive, project, notify, resume_of,"
            + " restart_mode, agent, agent_session_id, model, cost_usd, input_tokens, output_tokens, cache_read_tokens,"
            + " cache_write_tokens, turns, result_status, tool_calls, legacy_id)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"
            + ", ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    /** The agent facts and the parser's cursor: written only by the parser, never by {@link #UPDATE}. */
    static final String UPDATE_AGENT = "UPDATE sessions SET agent_session_id = ?, model = ?, cost_usd = ?, input_tokens = ?,"
            + " output_tokens = ?, cache_read_tokens = ?, cache_write_tokens = ?, turns = ?, result_status = ?, tool_calls = ?,"
            + " agent_parse_seq = ?, agent_parse_offset = ?, agent_parse_skipped = ?, agent_parse_done = ? WHERE id = ?";

    /** What a hook reported: only the columns it knows, the tool calls added to. */
    static final String RECORD_HOOK = "UPDATE sessions SET agent_session_id = COALESCE(?, agent_session_id),"
            + " model = COALESCE(?, model), tool_calls = tool_calls + ?, agent_state = COALESCE(?, agent_state),"
            + " agent_state_detail = CASE WHEN ? IS NULL THEN agent_state_detail ELSE ? END,"
            + " agent_state_at = COALESCE(?, agent_state_at) WHERE id = ?";

    static final String UPDATE = "UPDATE sessions SET name = ?, slot = ?, requested_slot = ?, status = ?, working_dir = ?,"
            + " current_command = ?, command = ?, env = ?, run_id = ?, pid = ?, pid_start_time = ?, exit_code = ?, reason = ?,"
            + " created_at = ?, started_at = ?, ended_at = ?, updated_at = ?, last_activity_at = ?, stalled_since = ?,"
            + " escalation_level = ?, restart_of = ?, restart_count = ?, max_runtime_ms = ?, stall_timeout_ms = ?,"
            + " restart_policy = ?, max_restarts = ?, metadata = ?, terminal_cols = ?, terminal_rows = ?, interactive = ?,"
            + " project = ?, notify = ?,"
            + " resume_of = ?, restart_mode = ? WHERE id = ?";

    private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9_./=:,@%+-]+");

    private final JsonCodec json;

    SessionRows(JsonCodec json) {
        this.json = json;
    }

    Session read(ResultSet rs) throws SQLException {
        SessionSpec spec = SessionSpec.builder(json.readStringList(rs.getString("command")), rs.getString("working_dir"))
                .name(rs.getString("name"))
                .env(json.readStringMap(rs.getString("env")))
                .requestedSlot(Sql.getInteger(rs, "requested_slot"))
                .runId(rs.getString("run_id"))
                .maxRuntime(millis(Sql.getLongOrNull(rs, "max_runtime_ms")))
                .stallTimeout(millis(Sql.getLongOrNull(rs, "stall_timeout_ms")))
                .restartPolicy(new RestartPolicy(RestartPolicy.Mode.fromWireName(restartMode(rs)), rs.getInt("max_restarts")))
                .restartOf(rs.getString("restart_of"))
                .restartCount(rs.getInt("restart_count"))
                .metadata(json.readObjectMap(rs.getString("metadata")))
                .terminal(terminal(Sql.getInteger(rs, "terminal_cols"), Sql.getInteger(rs, "terminal_rows")))
                .interactive(rs.getInt("interactive") != 0)
                .project(rs.getString("project"))
                .notifySinks(json.readStringList(rs.getString("notify")))
                .agent(rs.getString("agent"))
                .resumeOf(rs.getString("resume_of"))
                .build();
        return new Session(
                rs.getString("id"),
                spec,
                Sql.getInteger(rs, "slot"),
                SessionStatus.fromWireName(rs.getString("status")),
                Sql.getInteger(rs, "pid"),
                Sql.getLongOrNull(rs, "pid_start_time"),
                Sql.getInteger(rs, "exit_code"),
                rs.getString("reason"),
                Times.parse(rs.getString("created_at")),
                Times.parse(rs.getString("started_at")),
                Times.parse(rs.getString("ended_at")),
                Times.parse(rs.getString("last_activity_at")),
                Times.parse(rs.getString("stalled_since")),
                rs.getInt("escalation_level"),
                rs.getLong("output_bytes"),
                rs.getLong("output_chunks"),
                agent(rs),
                activity(rs));
    }

    static dev.agentharness.core.AgentActivity activity(ResultSet rs) throws SQLException {
        String state = rs.getString("agent_state");
        Instant at = Times.parse(rs.getString("agent_state_at"));
        if (state == null || at == null) {
            return null;
        }
        return new dev.agentharness.core.AgentActivity(dev.agentharness.core.AgentActivity.State.fromWireName(state),
                rs.getString("agent_state_detail"), at);
    }

    static AgentUsage agent(ResultSet rs) throws SQLException {
        double cost = rs.getDouble("cost_usd");
        Double costUsd = rs.wasNull() ? null : cost;
        return new AgentUsage(rs.getString("agent"), rs.getString("agent_session_id"), rs.getString("model"), costUsd,
                rs.getLong("input_tokens"), rs.getLong("output_tokens"), rs.getLong("cache_read_tokens"),
                rs.getLong("cache_write_tokens"), Sql.getInteger(rs, "turns"), rs.getString("result_status"),
                rs.getLong("tool_calls"));
    }

    private static String restartMode(ResultSet rs) throws SQLException {
        String mode = rs.getString("restart_mode");
        return mode != null ? mode : rs.getString("restart_policy");
    }

    void bindAgentUpdate(PreparedStatement ps, String id, AgentUsage a, AgentParseCursor c) throws SQLException {
        Sql.bind(ps, a.agentSessionId(), a.model(), a.costUsd(), a.inputTokens(), a.outputTokens(), a.cacheReadTokens(),
                a.cacheWriteTokens(), a.turns(), a.resultStatus(), a.toolCalls(), c.seq(), c.offset(), c.skipped(),
                c.done() ? 1 : 0, id);
    }

    void bindInsert(PreparedStatement ps, Session s, Instant now, String legacyId) throws SQLException {
        Object[] fields = fields(s, now);
        AgentUsage a = s.agent();
        Object[] agent = {a.agent(), a.agentSessionId(), a.model(), a.costUsd(), a.inputTokens(), a.outputTokens(),
            a.cacheReadTokens(), a.cacheWriteTokens(), a.turns(), a.resultStatus(), a.toolCalls()};
        Object[] values = new Object[fields.length + agent.length + 2];
        values[0] = s.id();
        System.arraycopy(fields, 0, values, 1, fields.length);
        System.arraycopy(agent, 0, values, 1 + fields.length, agent.length);
        values[values.length - 1] = legacyId;
        Sql.bind(ps, values);
    }

    void bindUpdate(PreparedStatement ps, Session s, Instant now) throws SQLException {
        Object[] fields = fields(s, now);
        Object[] values = new Object[fields.length + 1];
        System.arraycopy(fields, 0, values, 0, fields.length);
        values[values.length - 1] = s.id();
        Sql.bind(ps, values);
    }

    /** The columns from name to notify, in the order of {@link #INSERT} and {@link #UPDATE}. */
    /** The columns from name to restart_mode, in the order of {@link #INSERT} and {@link #UPDATE}. */
    private Object[] fields(Session s, Instant now) {
        SessionSpec spec = s.spec();
        return new Object[] {
            spec.name(), s.slot(), spec.requestedSlot(), s.status().wireName(), spec.cwd(), displayCommand(spec.command()),
            json.write(spec.command()), json.write(spec.env()), spec.runId(), s.pid(), s.pidStartTime(), s.exitCode(),
            s.reason(), Times.format(s.createdAt()), Times.format(s.startedAt()), Times.format(s.endedAt()),
            Times.format(now), Times.format(s.lastActivityAt()), Times.format(s.stalledSince()), s.escalationLevel(),
            spec.restartOf(), spec.restartCount(), toMillis(spec.maxRuntime()), toMillis(spec.stallTimeout()),
            legacyRestartPolicy(spec.restartPolicy().mode()), spec.restartPolicy().maxRestarts(), json.write(spec.metadata()),
            spec.terminal() == null ? null : spec.terminal().cols(), spec.terminal() == null ? null : spec.terminal().rows(),
            spec.interactive() ? 1 : 0, spec.project(), json.write(spec.notifySinks()), spec.resumeOf(),
            spec.restartPolicy().mode().wireName()
        };
    }

    /** {@code restart_policy}'s V2 CHECK knows no on-crash; {@code restart_mode} holds the truth. */
    private static String legacyRestartPolicy(RestartPolicy.Mode mode) {
        return mode == RestartPolicy.Mode.ON_CRASH ? RestartPolicy.Mode.NO.wireName() : mode.wireName();
    }

    /** argv as a shell would need it typed: for {@code current_command}, which people read. */
    static String displayCommand(List<String> argv) {
        return argv.stream()
                .map(a -> SHELL_SAFE.matcher(a).matches() ? a : "'" + a.replace("'", "'\\''") + "'")
                .collect(Collectors.joining(" "));
    }

    private static TerminalSize terminal(Integer cols, Integer rows) {
        return cols == null || rows == null ? null : new TerminalSize(cols, rows);
    }

    private static Duration millis(Long ms) {
        return ms == null ? null : Duration.ofMillis(ms);
    }

    private static Long toMillis(Duration d) {
        return d == null ? null : d.toMillis();
    }
}
