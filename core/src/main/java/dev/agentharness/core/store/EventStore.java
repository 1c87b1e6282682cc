package dev.agentharness.core.store;

import dev.agentharness.core.EventType;
import dev.agentharness.core.SessionEvent;
import java.util.List;
import java.util.Map;

/** What happened to each session, in order. */
public interface EventStore {
    SessionEvent append(String sessionId, EventType type, Map<String, Object> data);

    /** All of a session's events, oldest first. */
    List<SessionEvent> list(String sessionId);

    /** A session's newest {@code limit} events, oldest first. */
    List<SessionEvent> listRecent(String sessionId, int limit);

    /** The newest {@code limit} events of all sessions, newest first. */
    List<SessionEvent> recent(int limit);
}
