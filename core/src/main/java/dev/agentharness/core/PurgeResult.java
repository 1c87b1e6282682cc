package dev.agentharness.core;

import java.util.List;

/**
 * What a purge removed (or, for a dry run, would remove).
 *
 * @param sessionIds the sessions, oldest first
 * @param chunks     output chunks among them
 * @param bytes      output bytes among them
 * @param events     events among them
 * @param dryRun     whether anything was actually deleted
 */
public record PurgeResult(List<String> sessionIds, long chunks, long bytes, long events, boolean dryRun) {
    public PurgeResult {
        sessionIds = List.copyOf(sessionIds);
    }
}
