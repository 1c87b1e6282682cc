package dev.agentharness.core;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * Which finished sessions {@code SessionStore.purge} deletes, with their output and events. Active
 * sessions are never deleted, whatever the criteria say.
 *
 * @param statuses    only these (terminal) statuses; empty for any terminal status
 * @param endedBefore only sessions that ended before this instant; null for any age
 * @param all         must be true when neither statuses nor endedBefore is given, so that an empty
 *                    filter never deletes everything by accident
 * @param dryRun      report what would be deleted without deleting it
 */
public record PurgeCriteria(Set<SessionStatus> statuses, Instant endedBefore, boolean all, boolean dryRun) {
    public PurgeCriteria {
        statuses = statuses == null || statuses.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(statuses));
        for (SessionStatus s : statuses) {
            if (s.isActive()) {
                throw new IllegalArgumentException("cannot purge " + s.wireName() + " sessions: they are active");
            }
        }
        if (!all && statuses.isEmpty() && endedBefore == null) {
            throw new IllegalArgumentException("purge needs a status, an age, or all");
        }
    }
}
