package dev.agentharness.supervisor.internal.lifecycle;

import dev.agentharness.core.EventType;
import dev.agentharness.core.SessionEvent;
import dev.agentharness.supervisor.SessionObserver;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.store.EventStore;
import dev.agentharness.core.store.SessionStore;
import dev.agentharness.core.store.Transactor;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way the supervisor changes a session's status: the row (through the store's update,
 * which enforces {@code SessionTransitions}) and its events are written in one transaction, so the
 * history never disagrees with the row. Every {@link SessionObserver} hears of the change in the
 * same transaction.
 */
@Singleton
public final class StatusRecorder {
    private static final Logger LOG = LoggerFactory.getLogger(StatusRecorder.class);
    private final SessionStore sessions;
    private final EventStore events;
    private final Transactor transactor;
    private final Clock clock;
    private final Set<SessionObserver> observers;

    @Inject
    public StatusRecorder(SessionStore sessions, EventStore events, Transactor transactor, Clock clock,
            Set<SessionObserver> observers) {
        this.sessions = sessions;
        this.events = events;
        this.transactor = transactor;
        this.clock = clock;
        this.observers = Set.copyOf(observers);
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
            List<SessionEvent> recorded = new ArrayList<>();
            for (Event e : extra) {
                recorded.add(events.append(id, e.type(), e.data()));
            }
            if (from[0] != to) {
                recorded.add(events.append(id, EventType.STATUS_CHANGED,
                        data("from", from[0].wireName(), "to", to.wireName(), "reason", reason)));
                tell(new SessionObserver.StatusChange(updated, from[0], reason, recorded));
            }
            return updated;
        });
    }

    private void tell(SessionObserver.StatusChange change) {
        for (SessionObserver o : observers) {
            try {
                o.statusChanged(change);
            } catch (RuntimeException e) {
                LOG.warn("{} failed on a status change of session {}: {}", o.getClass().getSimpleName(),
                        change.session().id(), e.toString());
            }
        }
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
