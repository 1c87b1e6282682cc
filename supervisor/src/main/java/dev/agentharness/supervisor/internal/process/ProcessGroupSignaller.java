package dev.agentharness.supervisor.internal.process;

/**
 * Sends a signal to a whole process group, in the spirit of zt-exec's {@code ProcessStopper}: one
 * job, so that the one dangerous syscall the supervisor makes is easy to find and to audit.
 *
 * <p>Every agent leads its own session and process group (it is launched through {@code setsid}),
 * so its pid is also its group id, and one signal reaches the agent and everything it started that
 * stayed in its group.
 */
public interface ProcessGroupSignaller {
    /**
     * @param pgid the group id, greater than 1 (0 and -1 would address the harness's own group and
     *             every process of the user)
     * @return true when at least one process received it; false when the group no longer exists
     */
    boolean signalGroup(int pgid, Signal signal);
}
