package dev.agentharness.supervisor.spawn;

import dev.agentharness.core.error.SpawnException;

/**
 * Starts agents. Every backend gives the same promises (checked by one contract test against all
 * of them): the agent leads its own session and process group (so one signal to the group reaches
 * everything it started), SIGPIPE has its default action back, it runs in the request's cwd with
 * exactly the request's environment, and every byte it writes reaches the listener in order.
 */
public interface Spawner {
    /**
     * Spawns. Callbacks may start before this returns.
     *
     * @throws SpawnException with one line that says why (missing tool, no such file, out of pids)
     */
    AgentProcess spawn(LaunchRequest request, AgentListener listener);
}
