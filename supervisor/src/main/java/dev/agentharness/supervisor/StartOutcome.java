package dev.agentharness.supervisor;

import dev.agentharness.core.QueuedStart;
import dev.agentharness.core.Session;

/** Either the session that started, or the queue entry that waits for a slot; exactly one is non-null. */
public record StartOutcome(Session session, QueuedStart queued) {
    public StartOutcome {
        if ((session == null) == (queued == null)) {
            throw new IllegalArgumentException("exactly one of session and queued");
        }
    }

    public boolean isQueued() {
        return queued != null;
    }
}
