package dev.agentharness.supervisor.internal.lifecycle;

import dev.agentharness.core.EventType;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.store.EventStore;
import dev.agentharness.core.store.SessionStore;
import dev.agentharness.core.store.Transactor;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The one way the supervisor changes a session's status: the row (through the store's update,
 * which enforces {@code SessionTransitions}) and its events are written in one transaction, so the
 * history never disagrees with the row.
 */
@Singleton
public final class StatusRecorder {
    private final SessionStore sessions;
    private final EventStore events;
    private final Transactor transactor;
    private final Clock clock;

    @Inject
    public StatusRecorder(SessionStore sessions, EventStore events, Transactor transactor, Clock clock) {
        this.sessions = sessions;
        this.events = events;
        this.transactor = transactor;
        this.clock = clock;
    }

    /**
     * Moves the session to {@code to}. Writes {@code extra} events first (they say what happened),
     * then STATUS_CHANGED with from, to and reason. A terminal status also stores the reason and the
     * end time on the row; other statuses keep their reason in the event only.
     *
     * @throws dev.agentharness.core.error.IllegalTransitionException when the table forbids the change
     */
    public Session change(String id, SessionStatus to, String reason, UnaryOperator<Session.Builder> fields, List<Event> extra) {
        Instant now = clock.instant();
        return transactor.inTransaction(() -> {
            SessionStatus[] from = new SessionStatus[1];
            Session updated = sessions.update(id, s -> {
                from[0] = s.status();
                Session.Builder b = s.toBuilder().status(to);
                if (to.isTerminal()) {
                    b.reason(reason);
                    if (s.endedAt() == null) {
                        b.endedAt(now);
                    }
                }
                return fields.apply(b).build();
            });
            for (Event e : extra) {
                events.append(id, e.type(), e.data());
            }
            if (from[0] != to) {
                events.append(id, EventType.STATUS_CHANGED, data("from", from[0].wireName(), "to", to.wireName(), "reason", reason));
            }
            return updated;
        });
    }

    public Session change(String id, SessionStatus to, String reason, UnaryOperator<Session.Builder> fields, Event... extra) {
        return change(id, to, reason, fields, List.of(extra));
    }

    /** An event without a status change. */
    public void record(String id, EventType type, Map<String, Object> data) {
        events.append(id, type, data);
    }

    /** Event data from key, value pairs; null values are left out. Never put environment values here. */
    public static Map<String, Object> data(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
            if (keysAndValues[i + 1] != null) {
                m.put((String) keysAndValues[i], keysAndValues[i + 1]);
            }
        }
        return m;
    }

    public static Event event(EventType type, Object... keysAndValues) {
        return new Event(type, data(keysAndValues));
    }

    public record Event(EventType type, Map<String, Object> data) {
    }
}
