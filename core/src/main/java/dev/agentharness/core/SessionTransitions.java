package dev.agentharness.core;

import static dev.agentharness.core.SessionStatus.*;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The one table of allowed status changes, in the spirit of seed 000's compare-and-swap allow-list.
 *
 * <p>Every writer of a status, in every module, asks this table first; the session store enforces it
 * inside the same transaction that writes the row, so two writers racing on one session cannot
 * move it along an edge that is not listed here. Terminal statuses have no outgoing edges.
 */
public final class SessionTransitions {
    private static final Set<SessionStatus> ENDINGS = EnumSet.of(COMPLETED, FAILED, STOPPED, TIMED_OUT, CRASHED);
    private static final Map<SessionStatus, Set<SessionStatus>> ALLOWED = new EnumMap<>(SessionStatus.class);

    static {
        // A spawn either succeeds (running) or does not (failed); the user or a crash may intervene.
        allow(STARTING, RUNNING, FAILED, STOPPED, CRASHED);
        allow(RUNNING, with(ENDINGS, WAITING_CHECKPOINT, STALLED, PAUSED));
        allow(WAITING_CHECKPOINT, with(ENDINGS, RUNNING, STALLED, PAUSED));
        allow(STALLED, with(ENDINGS, RUNNING, WAITING_CHECKPOINT, PAUSED));
        // A paused process can still be killed from outside, so it may end in any way.
        allow(PAUSED, with(ENDINGS, RUNNING));
        for (SessionStatus terminal : TERMINAL) {
            ALLOWED.put(terminal, Collections.unmodifiableSet(EnumSet.noneOf(SessionStatus.class)));
        }
    }

    private SessionTransitions() {
    }

    public static boolean isAllowed(SessionStatus from, SessionStatus to) {
        return ALLOWED.get(from).contains(to);
    }

    /** The statuses {@code from} may change to; empty for terminal statuses. */
    public static Set<SessionStatus> allowedFrom(SessionStatus from) {
        return ALLOWED.get(from);
    }

    private static void allow(SessionStatus from, SessionStatus... to) {
        ALLOWED.put(from, Collections.unmodifiableSet(EnumSet.of(to[0], to)));
    }

    private static void allow(SessionStatus from, Set<SessionStatus> to) {
        ALLOWED.put(from, Collections.unmodifiableSet(EnumSet.copyOf(to)));
    }

    private static Set<SessionStatus> with(Set<SessionStatus> base, SessionStatus... more) {
        Set<SessionStatus> all = EnumSet.copyOf(base);
        all.addAll(java.util.List.of(more));
        return all;
    }
}
