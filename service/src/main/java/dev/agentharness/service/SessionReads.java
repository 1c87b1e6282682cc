package dev.agentharness.service;

import dev.agentharness.core.AgentCostTotals;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionEvent;
import dev.agentharness.core.SessionQuery;
import dev.agentharness.core.SessionStats;
import java.util.List;

/**
 * What can be read. Every read is served from the database, so a client process can serve them
 * itself without a daemon (the stores allow many readers).
 */
public interface SessionReads {
    /** Sessions, filtered as the query says (active ones by slot, or recent ones newest first). */
    List<Session> sessions(SessionQuery query);

    /** One session by reference; {@link dev.agentharness.core.error.NoSuchSessionException} or AmbiguousSessionException otherwise. */
    Session session(String session);

    /** Output after a cursor, the last lines, or since a time, within a byte limit. */
    OutputPage output(String session, OutputQuery query);

    /** A terminal session's screen as the agent drew it (a pipe session's: its output as a terminal would show it). */
    ScreenSnapshot screen(String session);

    /** The session's events after {@code afterSeq} (0: from the first), oldest first, at most {@code limit}. */
    List<SessionEvent> events(String session, long afterSeq, int limit);

    /** Counts by status, and cost and token totals; {@code project} null for every project. */
    SessionStats stats(String project);

    AgentCostTotals costTotals(SessionQuery query);
}
