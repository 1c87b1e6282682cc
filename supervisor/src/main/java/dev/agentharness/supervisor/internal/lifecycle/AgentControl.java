package dev.agentharness.supervisor.internal.lifecycle;

import dev.agentharness.core.TerminalSize;

/**
 * What the supervisor can do to a running agent besides signalling its group: its input and its
 * terminal. Either the agent's own pipes (a session run inside the daemon) or its keeper's socket.
 */
public interface AgentControl {
    /** @throws IllegalStateException when stdin is closed or the agent is out of reach */
    void writeStdin(byte[] bytes);

    void closeStdin();

    /** Whether input given before has not all been taken by the agent yet (a send waits for that). */
    default boolean hasPendingWrites() {
        return false;
    }

    /** @throws UnsupportedOperationException when the agent has no terminal */
    void resize(TerminalSize size);

    /**
     * Has whoever owns the agent signal its process group (a keeper does, over its socket).
     *
     * @return false when this control does not take signals: the supervisor signals the group itself
     */
    default boolean signal(dev.agentharness.supervisor.internal.process.Signal signal) {
        return false;
    }
}
