package dev.agentharness.supervisor;

import dev.agentharness.core.Session;
import dev.agentharness.core.SessionEvent;
import dev.agentharness.core.SessionStatus;
import java.util.List;

/**
 * Hears about every status change the supervisor records, checkpoints included (a change to
 * {@code waiting_checkpoint} whose events hold the {@code checkpoint} with its text). Bind one with
 * a Guice {@code Multibinder<SessionObserver>}; the supervisor's module declares the empty set.
 *
 * <p>Called on the thread that made the change, inside the transaction that records it, so that
 * whatever the observer writes to the same database (a notification outbox) commits or rolls back
 * with the change itself. It must therefore be quick and must never block on the network: record,
 * then hand the slow part to a thread of its own. A failing observer is logged and never undoes the
 * change.
 */
public interface SessionObserver {
    void statusChanged(StatusChange change);

    /**
     * Output of the session was just committed to the store (by a keeper, or by the daemon's own
     * writer). Called often, on a capture thread: must return at once. Default: nothing.
     */
    default void outputCommitted(String sessionId) {
    }

    /**
     * @param session the session as it now is
     * @param from    its status before
     * @param reason  why, as recorded in the status_changed event; may be null
     * @param events  the events recorded with the change, in order (status_changed last)
     */
    record StatusChange(Session session, SessionStatus from, String reason, List<SessionEvent> events) {
        public StatusChange {
            events = List.copyOf(events);
        }

        public SessionStatus to() {
            return session.status();
        }
    }
}
