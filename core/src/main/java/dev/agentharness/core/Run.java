package dev.agentharness.core;

import java.time.Instant;
import java.util.Objects;

/**
 * A group of sessions started for one purpose (seed 000's coordinator-level run). At most one run
 * is active at a time; new sessions join it unless they name another.
 */
public record Run(String id, String description, Instant startedAt, Instant completedAt, RunStatus status, int sessionCount) {
    public Run {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(status, "status");
    }
}
