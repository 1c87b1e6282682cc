package dev.agentharness.core;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * One row of {@code harness projects}, the seed's project dashboard.
 *
 * @param project     the directory and its defaults
 * @param lastSession its newest session, or null when it has none left (purged)
 * @param byStatus    how many of its sessions are in each status (statuses with none left out)
 * @param costUsd     the sum of its sessions' known costs; null when none of them reported one
 */
public record ProjectSummary(Project project, Session lastSession, Map<SessionStatus, Long> byStatus, Double costUsd) {
    public ProjectSummary {
        byStatus = byStatus.isEmpty() ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(byStatus));
    }

    public long count(SessionStatus status) {
        return byStatus.getOrDefault(status, 0L);
    }

    public long total() {
        return byStatus.values().stream().mapToLong(Long::longValue).sum();
    }
}
