package dev.agentharness.core;

import java.time.Instant;
import java.util.Objects;

/**
 * A start request waiting for a free slot. The queue is durable and first-in, first-out: the
 * request with the smallest id starts first, and requests survive a harness restart.
 */
public record QueuedStart(long id, SessionSpec spec, Instant enqueuedAt) {
    public QueuedStart {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(enqueuedAt, "enqueuedAt");
    }
}
