package dev.agentharness.core;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * A filter for {@code SessionStore.list}. Null or empty fields do not filter. Results are newest
 * first.
 *
 * @param statuses      only these statuses
 * @param runId         only sessions of this run
 * @param createdAfter  only sessions created at or after this instant
 * @param createdBefore only sessions created before this instant
 * @param limit         at most this many; 0 for no limit
 * @param project       only sessions of this project directory
 */
public record SessionQuery(Set<SessionStatus> statuses, String runId, Instant createdAfter, Instant createdBefore, int limit,
        String project) {
    public static final SessionQuery ALL = new SessionQuery(Set.of(), null, null, null, 0, null);

    public SessionQuery(Set<SessionStatus> statuses, String runId, Instant createdAfter, Instant createdBefore, int limit) {
        this(statuses, runId, createdAfter, createdBefore, limit, null);
    }

    public SessionQuery {
        statuses = statuses == null || statuses.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(statuses));
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative");
        }
    }

    public static SessionQuery byStatus(Set<SessionStatus> statuses) {
        return new SessionQuery(statuses, null, null, null, 0);
    }

    public SessionQuery withLimit(int newLimit) {
        return new SessionQuery(statuses, runId, createdAfter, createdBefore, newLimit, project);
    }

    public SessionQuery withRunId(String newRunId) {
        return new SessionQuery(statuses, newRunId, createdAfter, createdBefore, limit, project);
    }

    public SessionQuery withProject(String newProject) {
        return new SessionQuery(statuses, runId, createdAfter, createdBefore, limit, newProject);
    }

    public SessionQuery createdBetween(Instant after, Instant before) {
        return new SessionQuery(statuses, runId, after, before, limit, project);
    }
}
