package dev.agentharness.service;

import dev.agentharness.core.OutputChunk;
import dev.agentharness.core.Session;

/** Called by the bus; must return quickly (hand slow work to a thread of your own). */
public interface LiveListener {
    /** Committed output, in seq order per session. */
    void output(OutputChunk chunk);

    /** A session's row changed: its status, its waiting state, its agent's figures. */
    void changed(Session session);

    /**
     * The listener fell too far behind and was dropped; it may subscribe again from its last seq.
     * Default: nothing.
     */
    default void dropped(String reason) {
    }
}
