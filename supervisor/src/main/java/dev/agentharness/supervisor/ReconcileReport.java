package dev.agentharness.supervisor;

import java.util.List;

/**
 * What reconciling the stored active sessions with the live processes found. Every item ends the
 * session {@code crashed} and frees its slot.
 */
public record ReconcileReport(List<Item> items) {
    public ReconcileReport {
        items = List.copyOf(items);
    }

    public enum Finding {
        /** The process is gone. */
        PROCESS_GONE,
        /** The process was alive and ours (pid and start time match); its group was terminated. */
        ORPHAN_TERMINATED,
        /** The pid is alive but belongs to another process (start time differs); it was left alone. */
        PID_RECYCLED,
        /** The row never got a pid (the harness died while spawning). */
        NEVER_STARTED
    }

    /**
     * @param sessionId      the session
     * @param label          its name or id
     * @param previousStatus what the row said before
     * @param finding        what was found
     * @param reason         the reason recorded on the session
     */
    public record Item(String sessionId, String label, String previousStatus, Finding finding, String reason) {
    }

    public boolean isEmpty() {
        return items.isEmpty();
    }
}
