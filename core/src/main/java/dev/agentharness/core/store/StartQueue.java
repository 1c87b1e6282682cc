package dev.agentharness.core.store;

import dev.agentharness.core.QueuedStart;
import dev.agentharness.core.SessionSpec;
import java.util.List;
import java.util.Optional;

/** Start requests waiting for a slot: durable and first-in, first-out. */
public interface StartQueue {
    QueuedStart enqueue(SessionSpec spec);

    /** Oldest first. */
    List<QueuedStart> list();

    Optional<QueuedStart> peek();

    Optional<QueuedStart> get(long id);

    /** Returns false when it was not queued (any more). */
    boolean remove(long id);
}
