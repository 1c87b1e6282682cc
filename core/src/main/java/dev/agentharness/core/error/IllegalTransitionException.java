package dev.agentharness.core.error;

import dev.agentharness.core.SessionStatus;

/** A status change that {@code SessionTransitions} does not allow, such as anything out of a terminal status. */
public class IllegalTransitionException extends HarnessException {
    private final SessionStatus from;
    private final SessionStatus to;

    public IllegalTransitionException(String sessionLabel, SessionStatus from, SessionStatus to) {
        super(ErrorKind.ILLEGAL_TRANSITION, "session " + sessionLabel + " is " + from.wireName() + "; it cannot become " + to.wireName());
        this.from = from;
        this.to = to;
    }

    public SessionStatus from() {
        return from;
    }

    public SessionStatus to() {
        return to;
    }
}
