package dev.agentharness.core.store;

import dev.agentharness.core.AgentCostTotals;
import dev.agentharness.core.AgentParseCursor;
import dev.agentharness.core.AgentParseTask;
import dev.agentharness.core.AgentUsage;
import dev.agentharness.core.PurgeCriteria;
import dev.agentharness.core.PurgeResult;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionQuery;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.SessionStats;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Sessions and their slots. The slot rule (at most one active session per slot) is enforced by the
 * database itself, so it holds even when two harness processes race.
 */
public interface SessionStore {
    /** The number of slots (3 by default). */
    int slotCount();

    /**
     * Inserts a session as it is.
     *
     * @throws dev.agentharness.core.error.NoFreeSlotException when it is active and its slot is taken
     * @throws dev.agentharness.core.error.DuplicateNameException when its name is taken
     */
    Session create(Session session);

    /**
     * Atomically picks the requested slot, or the lowest free one, and inserts a new session in it
     * with status {@code starting}. A session that names a run is counted in that run in the same
     * transaction.
     *
     * @throws dev.agentharness.core.error.NoFreeSlotException naming the occupants
     * @throws dev.agentharness.core.error.DuplicateNameException when the name is taken
     */
    Session claimSlot(SessionSpec spec);

    Optional<Session> get(String id);

    Optional<Session> getByName(String name);

    /** The session that restarted {@code sessionId} (its {@code restartOf}), if one has been made. */
    default Optional<Session> getRestartOf(String sessionId) {
        return Optional.empty();
    }

    /** The session imported from a legacy sessions.json under this id ({@code sess-001}), if any. */
    default Optional<Session> getByLegacyId(String legacyId) {
        return Optional.empty();
    }

    /** Sessions whose id starts with {@code prefix} (case-insensitive), at most {@code limit}. */
    List<Session> findByIdPrefix(String prefix, int limit);

    /**
     * Reads the session, applies {@code change} and writes the result, in one transaction. When the
     * status changes, the change must be allowed by {@code SessionTransitions}.
     *
     * @return the session as written
     * @throws dev.agentharness.core.error.NoSuchSessionException when there is no such session
     * @throws dev.agentharness.core.error.IllegalTransitionException when the status change is not allowed
     */
    Session update(String id, UnaryOperator<Session> change);

    /** Deletes a session with its output and events. Returns false when there was none. */
    boolean delete(String id);

    List<Session> list(SessionQuery query);

    /** Sessions that occupy a slot, by slot. */
    List<Session> listActive();

    /** Active sessions in which a live agent process is expected ({@code SessionStatus.PROCESS_EXPECTED}). */
    List<Session> findRunning();

    /** Slot number to the session in it, for the slots that are taken. */
    Map<Integer, Session> slotOccupants();

    void updateLastActivity(String id, Instant at);

    void updateEscalation(String id, int level, Instant stalledSince);

    /** Deletes finished sessions with their output and events; never an active one. */
    PurgeResult purge(PurgeCriteria criteria);

    SessionStats stats();

    /** The same totals over the sessions of one project; null for all. */
    SessionStats stats(String project);

    /**
     * Writes what the agent's structured output said, and how far it has been read, in one
     * statement; nothing else of the session changes. Call inside a {@link Transactor} transaction
     * with the events the same lines produced, so that facts, events and cursor move together.
     *
     * @throws dev.agentharness.core.error.NoSuchSessionException when there is no such session
     */
    void updateAgent(String id, AgentUsage usage, AgentParseCursor cursor);

    /**
     * Writes what an agent's hook reported (Claude Code calls back into {@code harness hook}, a
     * process of its own, with no daemon in between): its session id and model when the hook said
     * them (null: unchanged), {@code moreToolCalls} tool calls to add, and its activity (null:
     * unchanged). Nothing else of the session changes, and the parser's cursor is not touched, so a
     * hook and the parser never undo each other's writes. Call inside a {@link Transactor}
     * transaction with the events the hook produced.
     *
     * @throws dev.agentharness.core.error.NoSuchSessionException when there is no such session
     */
    default void recordHook(String id, String agentSessionId, String model, long moreToolCalls,
                            dev.agentharness.core.AgentActivity activity) {
        throw new UnsupportedOperationException("this store keeps no hook reports");
    }

    /** Sessions with an agent profile whose output has not been parsed to its end, oldest first. */
    List<AgentParseTask> agentParseBacklog();

    /** Where the parser of one session stopped. */
    Optional<AgentParseCursor> agentParseCursor(String id);

    /**
     * Cost and tokens summed over the sessions {@code query} selects (its statuses, run, project and
     * creation window; its limit is ignored). A reusable total: per run, per project, overall.
     */
    AgentCostTotals costTotals(SessionQuery query);

    /** {@link #costTotals} for every run that has sessions, by run id. */
    Map<String, AgentCostTotals> costTotalsByRun();
}
