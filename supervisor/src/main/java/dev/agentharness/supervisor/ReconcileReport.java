package dev.agentharness.supervisor;

import java.util.List;

/**
 * What reconciling the stored active sessions with the live processes found. Every item ends the
 * session {@code crashed} and frees its slot. {@code reattached} lists the sessions whose keeper
 * was still there: they were taken over (running on, or ended with their true status).
 */
public record ReconcileReport(List<Item> items, List<Item> reattached) {
    public ReconcileReport {
        items = List.copyOf(items);
        reattached = List.copyOf(reattached);
    }

    public ReconcileReport(List<Item> items) {
        this(items, List.of());
    }

    public enum Finding {
        /** The process is gone. */
        PROCESS_GONE,
        /** The process was alive and ours (pid and start time match); its group was terminated. */
        ORPHAN_TERMINATED,
        /** The pid is alive but belongs to another process (start time differs); it was left alone. */
        PID_RECYCLED,
        /** The row never got a pid (the harness died while spawning). */
        NEVER_STARTED,
        /** Its keeper answered: the daemon took the session over again, the agent kept running. */
        REATTACHED,
        /** The agent ended while no daemon was connected; its keeper's exit record gave the true status. */
        ENDED_WHILE_DETACHED,
        /** Its keeper speaks a protocol version this harness does not: left alone. */
        KEEPER_UNSUPPORTED
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
