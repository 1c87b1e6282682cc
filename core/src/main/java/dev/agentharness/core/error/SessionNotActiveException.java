package dev.agentharness.core.error;

import dev.agentharness.core.SessionStatus;

/** An operation that needs a live agent (send, stop, pause...) on a session that has ended. */
public class SessionNotActiveException extends HarnessException {
    public SessionNotActiveException(String sessionLabel, SessionStatus status, String operation) {
        super(ErrorKind.NOT_ACTIVE, "cannot " + operation + " session " + sessionLabel + ": it is " + status.wireName());
    }
}
