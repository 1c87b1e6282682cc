package dev.agentharness.store.internal;

import dev.agentharness.core.AgentCostTotals;
import dev.agentharness.core.AgentParseCursor;
import dev.agentharness.core.AgentParseTask;
import dev.agentharness.core.AgentUsage;
import dev.agentharness.core.IdGenerator;
import dev.agentharness.core.PurgeCriteria;
import dev.agentharness.core.PurgeResult;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionQuery;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.SessionStats;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.SessionTransitions;
import dev.agentharness.core.error.DuplicateNameException;
import dev.agentharness.core.error.HarnessException;
import dev.agentharness.core.error.IllegalTransitionException;
import dev.agentharness.core.error.NoFreeSlotException;
import dev.agentharness.core.error.NoSuchSessionException;
import dev.agentharness.core.store.SessionStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * Sessions and slots over the {@code sessions} table.
 *
 * <p>Slot claims are decided inside {@code BEGIN IMMEDIATE}, which no other connection can hold at
 * the same time, so "lowest free slot" is computed on data nobody else can change meanwhile. The
 * partial unique index on {@code slot} for active statuses backs this up: should a writer ever get
 * past the check, the insert fails and is reported as the same {@link NoFreeSlotException}.
 */
public final class SqliteSessionStore implements SessionStore {
    static final String ACTIVE_IN = "status IN (" + Sql.quotedList(wireNames(SessionStatus.ACTIVE)) + ")";
    /** Active rows without a live process yet; {@code findRunning} filters them out of the slot index. */
    private static final String NOT_PROCESS_EXPECTED = "status NOT IN (" + Sql.quotedList(wireNames(activeWithoutProcess())) + ")";

    private static final String SELECT = "SELECT " + SessionRows.COLUMNS + " FROM sessions";
    private static final String BY_ID = SELECT + " WHERE id = ?";
    private static final String BY_NAME = SELECT + " WHERE name = ?";
    private static final String BY_LEGACY_ID = SELECT + " WHERE legacy_id = ?";
    private static final String BY_RESTART_OF = SELECT + " WHERE restart_of = ? ORDER BY id LIMIT 1";
    private static final String BY_ID_RANGE = SELECT + " WHERE id >= ? AND id < ? ORDER BY id LIMIT ?";
    private static final String ACTIVE = SELECT + " WHERE " + ACTIVE_IN + " ORDER BY slot";
    private static final String RUNNING = SELECT + " WHERE " + ACTIVE_IN + " AND " + NOT_PROCESS_EXPECTED + " ORDER BY slot";
    private static final String NAME_TAKEN = "SELECT id FROM sessions WHERE name = ?";
    private static final String DELETE = "DELETE FROM sessions WHERE id = ?";
    private static final String COUNT_IN_RUN = "UPDATE runs SET session_count = session_count + 1 WHERE id = ?";
    private static final String SET_ACTIVITY = "UPDATE sessions SET last_activity_at = ? WHERE id = ?";
    private static final String SET_ESCALATION =
            "UPDATE sessions SET escalation_level = ?, stalled_since = ?, updated_at = ? WHERE id = ?";
    private static final String STATS = "SELECT status, COUNT(*) AS sessions,"
            + " COALESCE(SUM(output_bytes), 0) AS bytes, COALESCE(SUM(output_chunks), 0) AS chunks,"
            + " SUM(started_at IS NOT NULL AND ended_at IS NOT NULL) AS timed,"
            + " COALESCE(SUM(CASE WHEN started_at IS NOT NULL AND ended_at IS NOT NULL"
            + "   THEN unixepoch(ended_at, 'subsec') - unixepoch(started_at, 'subsec') END), 0) AS seconds"
            + " FROM sessions GROUP BY status";
    private static final String STATS_OF_PROJECT = STATS.replace(" GROUP BY", " WHERE project = ? GROUP BY");
    private static final String PARSE_BACKLOG = "SELECT " + SessionRows.COLUMNS
            + ", agent_parse_seq, agent_parse_offset, agent_parse_skipped, agent_parse_done FROM sessions"
            + " WHERE agent IS NOT NULL AND agent_parse_done = 0 ORDER BY created_at";
    private static final String PARSE_CURSOR =
            "SELECT agent_parse_seq, agent_parse_offset, agent_parse_skipped, agent_parse_done FROM sessions WHERE id = ?";
    /** SUM over no non-null value is NULL: a set of sessions none of which has a known cost has an unknown cost. */
    private static final String COST_TOTALS = "SELECT run_id, COUNT(*) AS sessions, COUNT(cost_usd) AS priced, SUM(cost_usd) AS cost,"
            + " SUM(cost_usd IS NULL AND input_tokens + output_tokens + cache_read_tokens + cache_write_tokens > 0) AS unpriced,"
            + " COALESCE(SUM(input_tokens), 0) AS input, COALESCE(SUM(output_tokens), 0) AS output,"
            + " COALESCE(SUM(cache_read_tokens), 0) AS cache_read, COALESCE(SUM(cache_write_tokens), 0) AS cache_write"
            + " FROM sessions";
    private static final String EVENT_COUNT = "SELECT COUNT(*) FROM session_events WHERE session_id = ?";
    private static final String PURGE_ROW = "SELECT status, output_chunks FROM sessions WHERE id = ?";
    private static final String SLICE_BYTES = "SELECT COALESCE(SUM(bytes), 0) FROM session_outputs WHERE session_id = ? AND seq > ?";
    private static final String SLICE_DELETE = "DELETE FROM session_outputs WHERE session_id = ? AND seq > ?";
    private static final String SLICE_COUNTERS =
            "UPDATE sessions SET output_chunks = ?, output_bytes = MAX(0, output_bytes - ?) WHERE id = ?";

    /**
     * Purge deletes output in slices of this many chunks, one short transaction each, so that a
     * purge of gigabytes never holds the write lock for longer than the daemon's busy timeout.
     */
    public static final int PURGE_SLICE = 2048;

    private final SqliteDatabase db;
    private final Clock clock;
    private final IdGenerator ids;
    private final SessionRows rows;
    private final int slotCount;

    public SqliteSessionStore(SqliteDatabase db, Clock clock, IdGenerator ids, JsonCodec json, int slotCount) {
        this.db = db;
        this.clock = clock;
        this.ids = ids;
        this.rows = new SessionRows(json);
        this.slotCount = slotCount;
    }

    @Override
    public int slotCount() {
        return slotCount;
    }

    @Override
    public Session create(Session session) {
        checkSlotExists(session.slot());
        return db.write(() -> {
            insert(session, null);
            return find(session.id()).orElseThrow();
        });
    }

    /** Inserts a row as it is; {@code legacyId} marks history imported from a legacy store. */
    void insert(Session session, String legacyId) throws SQLException {
        PreparedStatement ps = db.statement(SessionRows.INSERT);
        rows.bindInsert(ps, session, now(), legacyId);
        try {
            ps.executeUpdate();
        } catch (SQLException e) {
            throw constraintFailure(e, session);
        }
    }

    @Override
    public Session claimSlot(SessionSpec spec) {
        Integer requested = spec.requestedSlot();
        checkSlotExists(requested);
        return db.write(() -> {
            if (spec.name() != null && nameTaken(spec.name())) {
                throw new DuplicateNameException(spec.name());
            }
            Map<Integer, Session> occupants = occupants();
            int slot;
            if (requested != null) {
                if (occupants.containsKey(requested)) {
                    throw new NoFreeSlotException(labels(occupants), requested);
                }
                slot = requested;
            } else {
                slot = 0;
                for (int candidate = 1; candidate <= slotCount; candidate++) {
                    if (!occupants.containsKey(candidate)) {
                        slot = candidate;
                        break;
                    }
                }
                if (slot == 0) {
                    throw new NoFreeSlotException(labels(occupants), null);
                }
            }
            Session session = Session.starting(ids.newId(), spec, slot, now());
            insert(session, null);
            if (spec.runId() != null) {
                // Counted here, in the claim's transaction, so that every way a session is born
                // (start, queue, restart, automatic restart) counts exactly once.
                Sql.bind(db.statement(COUNT_IN_RUN), spec.runId()).executeUpdate();
            }
            return find(session.id()).orElseThrow();
        });
    }

    @Override
    public Optional<Session> get(String id) {
        return db.read(() -> find(id));
    }

    Optional<Session> find(String id) throws SQLException {
        List<Session> found = query(BY_ID, id);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    @Override
    public Optional<Session> getByName(String name) {
        return db.read(() -> {
            List<Session> found = query(BY_NAME, name);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        });
    }

    @Override
    public Optional<Session> getByLegacyId(String legacyId) {
        return db.read(() -> {
            List<Session> found = query(BY_LEGACY_ID, legacyId);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        });
    }

    @Override
    public Optional<Session> getRestartOf(String sessionId) {
        return db.read(() -> {
            List<Session> found = query(BY_RESTART_OF, sessionId);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        });
    }

    /** Ids are upper-case ULIDs, so the prefix is upper-cased and looked up as a range of the primary key. */
    @Override
    public List<Session> findByIdPrefix(String prefix, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        String low = prefix.strip().toUpperCase(Locale.ROOT);
        String high = low + Character.toString(Character.MAX_CODE_POINT);
        return db.read(() -> query(BY_ID_RANGE, low, high, limit));
    }

    /**
     * {@inheritDoc}
     *
     * <p>{@code change} runs inside the write transaction, holding the database lock: it should
     * only compute the new session, never wait for anything. Leaving {@code endedAt} null when
     * moving to a terminal status records the current time; the output counters are never
     * written here (they belong to the output store), so a stale session cannot roll them back.
     */
    @Override
    public Session update(String id, UnaryOperator<Session> change) {
        return db.write(() -> {
            Session before = find(id).orElseThrow(() -> new NoSuchSessionException(id));
            Session after = change.apply(before);
            if (after == null) {
                throw new IllegalArgumentException("the update of session " + before.label() + " returned null");
            }
            if (!after.id().equals(id)) {
                throw new IllegalArgumentException("an update cannot change a session's id (" + id + " to " + after.id() + ")");
            }
            if (after.status() != before.status() && !SessionTransitions.isAllowed(before.status(), after.status())) {
                throw new IllegalTransitionException(before.label(), before.status(), after.status());
            }
            if (after.status().isTerminal() && before.status().isActive() && after.endedAt() == null) {
                after = after.toBuilder().endedAt(now()).build();
            }
            if (!Objects.equals(after.slot(), before.slot())) {
                checkSlotExists(after.slot());
            }
            PreparedStatement ps = db.statement(SessionRows.UPDATE);
            rows.bindUpdate(ps, after, now());
            try {
                ps.executeUpdate();
            } catch (SQLException e) {
                throw constraintFailure(e, after);
            }
            return find(id).orElseThrow();
        });
    }

    @Override
    public boolean delete(String id) {
        return db.write(() -> Sql.bind(db.statement(DELETE), id).executeUpdate() > 0);
    }

    @Override
    public List<Session> list(SessionQuery q) {
        List<String> where = new ArrayList<>();
        List<Object> args = new ArrayList<>();
        if (!q.statuses().isEmpty()) {
            List<String> names = wireNames(EnumSet.copyOf(q.statuses()));
            where.add("status IN (" + Sql.placeholders(names.size()) + ")");
            args.addAll(names);
        }
        if (q.runId() != null) {
            where.add("run_id = ?");
            args.add(q.runId());
        }
        if (q.project() != null) {
            where.add("project = ?");
            args.add(q.project());
        }
        if (q.createdAfter() != null) {
            where.add("created_at >= ?");
            args.add(Times.format(q.createdAfter()));
        }
        if (q.createdBefore() != null) {
            where.add("created_at < ?");
            args.add(Times.format(q.createdBefore()));
        }
        String sql = SELECT + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
                + " ORDER BY created_at DESC, id DESC" + (q.limit() > 0 ? " LIMIT ?" : "");
        if (q.limit() > 0) {
            args.add(q.limit());
        }
        return db.read(() -> query(sql, args.toArray()));
    }

    @Override
    public List<Session> listActive() {
        return db.read(() -> query(ACTIVE));
    }

    @Override
    public List<Session> findRunning() {
        return db.read(() -> query(RUNNING));
    }

    @Override
    public Map<Integer, Session> slotOccupants() {
        return db.read(this::occupants);
    }

    private Map<Integer, Session> occupants() throws SQLException {
        Map<Integer, Session> bySlot = new TreeMap<>();
        for (Session s : query(ACTIVE)) {
            bySlot.put(s.slot(), s);
        }
        return bySlot;
    }

    @Override
    public void updateLastActivity(String id, Instant at) {
        db.write(() -> requireChanged(Sql.bind(db.statement(SET_ACTIVITY), Times.format(at), id).executeUpdate(), id));
    }

    @Override
    public void updateEscalation(String id, int level, Instant stalledSince) {
        if (level < 0) {
            throw new IllegalArgumentException("escalation level must not be negative");
        }
        db.write(() -> requireChanged(Sql.bind(db.statement(SET_ESCALATION), level, Times.format(stalledSince),
                Times.format(now()), id).executeUpdate(), id));
    }

    private static Void requireChanged(int changed, String id) {
        if (changed == 0) {
            throw new NoSuchSessionException(id);
        }
        return null;
    }

    /**
     * Finds the candidates, then deletes each one's output from its end in slices of
     * {@value #PURGE_SLICE} chunks (keeping its counters true after every slice), then the row and,
     * by cascade, its events. Every transaction re-checks that the session is still there and
     * terminal. A purge that is interrupted leaves whole sessions or sessions with a shorter tail
     * of output; running it again finishes the job.
     */
    @Override
    public PurgeResult purge(PurgeCriteria criteria) {
        Set<SessionStatus> statuses = criteria.statuses().isEmpty() ? SessionStatus.TERMINAL : criteria.statuses();
        List<String> names = wireNames(EnumSet.copyOf(statuses));
        StringBuilder sql = new StringBuilder("SELECT id, output_chunks, output_bytes FROM sessions WHERE status IN (")
                .append(Sql.placeholders(names.size())).append(")");
        List<Object> args = new ArrayList<>(names);
        if (criteria.endedBefore() != null) {
            sql.append(" AND COALESCE(ended_at, created_at) < ?");
            args.add(Times.format(criteria.endedBefore()));
        }
        sql.append(" ORDER BY created_at, id");
        record Candidate(String id, long chunks, long bytes, long events) {
        }
        List<Candidate> candidates = db.read(() -> {
            List<Candidate> found = new ArrayList<>();
            try (ResultSet rs = Sql.bind(db.statement(sql.toString()), args.toArray()).executeQuery()) {
                while (rs.next()) {
                    found.add(new Candidate(rs.getString(1), rs.getLong(2), rs.getLong(3), 0));
                }
            }
            List<Candidate> withEvents = new ArrayList<>();
            for (Candidate c : found) {
                withEvents.add(new Candidate(c.id(), c.chunks(), c.bytes(), count(EVENT_COUNT, c.id())));
            }
            return withEvents;
        });
        List<Candidate> purged = new ArrayList<>();
        for (Candidate c : candidates) {
            if (criteria.dryRun() || deleteInSlices(c.id())) {
                purged.add(c);
            }
        }
        return new PurgeResult(purged.stream().map(Candidate::id).toList(),
                purged.stream().mapToLong(Candidate::chunks).sum(),
                purged.stream().mapToLong(Candidate::bytes).sum(),
                purged.stream().mapToLong(Candidate::events).sum(),
                criteria.dryRun());
    }

    /** @return whether the session was deleted (false when it vanished or became active meanwhile) */
    private boolean deleteInSlices(String id) {
        while (true) {
            Boolean done = db.write(() -> {
                String status;
                long lastSeq;
                try (ResultSet rs = Sql.bind(db.statement(PURGE_ROW), id).executeQuery()) {
                    if (!rs.next()) {
                        return false;
                    }
                    status = rs.getString(1);
                    lastSeq = rs.getLong(2);
                }
                if (SessionStatus.fromWireName(status).isActive()) {
                    return false;
                }
                if (lastSeq > 0) {
                    long keep = Math.max(0, lastSeq - PURGE_SLICE);
                    long bytes = count(SLICE_BYTES, id, keep);
                    Sql.bind(db.statement(SLICE_DELETE), id, keep).executeUpdate();
                    Sql.bind(db.statement(SLICE_COUNTERS), keep, bytes, id).executeUpdate();
                    return null; // more to do
                }
                return Sql.bind(db.statement(DELETE), id).executeUpdate() > 0;
            });
            if (done != null) {
                return done;
            }
        }
    }

    @Override
    public SessionStats stats() {
        return stats(null);
    }

    @Override
    public SessionStats stats(String project) {
        return db.read(() -> {
            Map<SessionStatus, Long> byStatus = new EnumMap<>(SessionStatus.class);
            long total = 0;
            long bytes = 0;
            long chunks = 0;
            long finished = 0;
            long timed = 0;
            double seconds = 0;
            try (ResultSet rs = project == null ? db.statement(STATS).executeQuery()
                    : Sql.bind(db.statement(STATS_OF_PROJECT), project).executeQuery()) {
                while (rs.next()) {
                    SessionStatus status = SessionStatus.fromWireName(rs.getString("status"));
                    long n = rs.getLong("sessions");
                    byStatus.put(status, n);
                    total += n;
                    bytes += rs.getLong("bytes");
                    chunks += rs.getLong("chunks");
                    if (status.isTerminal()) {
                        finished += n;
                        timed += rs.getLong("timed");
                        seconds += rs.getDouble("seconds");
                    }
                }
            }
            long completed = byStatus.getOrDefault(SessionStatus.COMPLETED, 0L);
            double successRate = finished == 0 ? 0 : (double) completed / finished;
            Duration average = timed == 0 ? Duration.ZERO : Duration.ofMillis(Math.round(seconds * 1000 / timed));
            return new SessionStats(byStatus, total, successRate, average, bytes, chunks);
        });
    }

    @Override
    public void updateAgent(String id, AgentUsage usage, AgentParseCursor cursor) {
        db.write(() -> {
            PreparedStatement ps = db.statement(SessionRows.UPDATE_AGENT);
            rows.bindAgentUpdate(ps, id, usage, cursor);
            return requireChanged(ps.executeUpdate(), id);
        });
    }

    @Override
    public void recordHook(String id, String agentSessionId, String model, long moreToolCalls,
                           dev.agentharness.core.AgentActivity activity) {
        db.write(() -> {
            String state = activity == null ? null : activity.state().wireName();
            String at = activity == null ? null : Times.format(activity.at());
            String detail = activity == null ? null : activity.detail();
            PreparedStatement ps = db.statement(SessionRows.RECORD_HOOK);
            // The detail follows the state: a new state without a detail clears the old one.
            Sql.bind(ps, agentSessionId, model, moreToolCalls, state, state, detail, at, id);
            return requireChanged(ps.executeUpdate(), id);
        });
    }

    @Override
    public List<AgentParseTask> agentParseBacklog() {
        return db.read(() -> {
            List<AgentParseTask> out = new ArrayList<>();
            try (ResultSet rs = db.statement(PARSE_BACKLOG).executeQuery()) {
                while (rs.next()) {
                    out.add(new AgentParseTask(rows.read(rs), cursor(rs)));
                }
            }
            return out;
        });
    }

    @Override
    public Optional<AgentParseCursor> agentParseCursor(String id) {
        return db.read(() -> {
            try (ResultSet rs = Sql.bind(db.statement(PARSE_CURSOR), id).executeQuery()) {
                return rs.next() ? Optional.of(cursor(rs)) : Optional.empty();
            }
        });
    }

    private static AgentParseCursor cursor(ResultSet rs) throws SQLException {
        return new AgentParseCursor(rs.getLong("agent_parse_seq"), rs.getInt("agent_parse_offset"),
                rs.getLong("agent_parse_skipped"), rs.getInt("agent_parse_done") != 0);
    }

    @Override
    public AgentCostTotals costTotals(SessionQuery q) {
        List<String> where = new ArrayList<>();
        List<Object> args = new ArrayList<>();
        if (!q.statuses().isEmpty()) {
            List<String> names = wireNames(EnumSet.copyOf(q.statuses()));
            where.add("status IN (" + Sql.placeholders(names.size()) + ")");
            args.addAll(names);
        }
        if (q.runId() != null) {
            where.add("run_id = ?");
            args.add(q.runId());
        }
        if (q.project() != null) {
            where.add("project = ?");
            args.add(q.project());
        }
        if (q.createdAfter() != null) {
            where.add("created_at >= ?");
            args.add(Times.format(q.createdAfter()));
        }
        if (q.createdBefore() != null) {
            where.add("created_at < ?");
            args.add(Times.format(q.createdBefore()));
        }
        String sql = COST_TOTALS + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where));
        return db.read(() -> {
            try (ResultSet rs = Sql.bind(db.statement(sql), args.toArray()).executeQuery()) {
                return rs.next() ? totals(rs) : AgentCostTotals.EMPTY;
            }
        });
    }

    @Override
    public Map<String, AgentCostTotals> costTotalsByRun() {
        return db.read(() -> {
            Map<String, AgentCostTotals> out = new LinkedHashMap<>();
            try (ResultSet rs = db.statement(COST_TOTALS + " WHERE run_id IS NOT NULL GROUP BY run_id").executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString("run_id"), totals(rs));
                }
            }
            return out;
        });
    }

    private static AgentCostTotals totals(ResultSet rs) throws SQLException {
        double cost = rs.getDouble("cost");
        Double costUsd = rs.wasNull() ? null : cost;
        return new AgentCostTotals(rs.getLong("sessions"), rs.getLong("priced"), costUsd, rs.getLong("unpriced"),
                rs.getLong("input"), rs.getLong("output"), rs.getLong("cache_read"), rs.getLong("cache_write"));
    }

    private long count(String sql, Object... args) throws SQLException {
        try (ResultSet rs = Sql.bind(db.statement(sql), args).executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private List<Session> query(String sql, Object... args) throws SQLException {
        List<Session> out = new ArrayList<>();
        try (ResultSet rs = Sql.bind(db.statement(sql), args).executeQuery()) {
            while (rs.next()) {
                out.add(rows.read(rs));
            }
        }
        return out;
    }

    private boolean nameTaken(String name) throws SQLException {
        try (ResultSet rs = Sql.bind(db.statement(NAME_TAKEN), name).executeQuery()) {
            return rs.next();
        }
    }

    /** Maps a failed insert or update of {@code attempted} to what the user needs to hear. */
    private SQLException constraintFailure(SQLException e, Session attempted) throws SQLException {
        if (!SqlErrors.isConstraint(e)) {
            return e;
        }
        String m = String.valueOf(e.getMessage());
        if (m.contains("sessions.slot")) {
            throw new NoFreeSlotException(labels(occupants()), attempted.slot());
        }
        if (m.contains("sessions.name")) {
            throw new DuplicateNameException(attempted.name());
        }
        if (m.contains("sessions.id")) {
            throw new HarnessException("a session with id " + attempted.id() + " already exists");
        }
        if (m.contains("slot out of range")) {
            checkSlotExists(attempted.slot());
        }
        if (m.contains("slot_required")) {
            throw new HarnessException("session " + attempted.label()
                    + " needs a slot: only history imported from a legacy store may have none");
        }
        throw new HarnessException("cannot store session " + attempted.label() + ": " + SqlErrors.detail(e), e);
    }

    private void checkSlotExists(Integer slot) {
        if (slot != null && (slot < 1 || slot > slotCount)) {
            throw new HarnessException("slot " + slot + " does not exist; the slots are 1 to " + slotCount);
        }
    }

    private static Map<Integer, String> labels(Map<Integer, Session> occupants) {
        Map<Integer, String> labels = new LinkedHashMap<>();
        occupants.forEach((slot, s) -> labels.put(slot, s.label()));
        return labels;
    }

    private Instant now() {
        return Times.truncate(clock.instant());
    }

    private static Set<SessionStatus> activeWithoutProcess() {
        Set<SessionStatus> s = EnumSet.copyOf(SessionStatus.ACTIVE);
        s.removeAll(SessionStatus.PROCESS_EXPECTED);
        return s;
    }

    static List<String> wireNames(Set<SessionStatus> statuses) {
        return EnumSet.copyOf(statuses).stream().map(SessionStatus::wireName).collect(Collectors.toList());
    }
}
