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

    /** What became of a signal handed to whoever owns the agent. */
    enum Relayed {
        /** Sent to the agent's group, and something in it received it. */
        RECEIVED,
        /** Nothing is left in the agent's group (it ended): nothing was sent. */
        NOTHING_RECEIVED,
        /** Not taken (no keeper, one of protocol 1, or one out of reach): the supervisor signals the group itself. */
        NOT_RELAYED
    }

    /**
     * Has whoever owns the agent signal its process group (a keeper does, over its socket, and
     * answers whether anything received it).
     */
    default Relayed signal(dev.agentharness.supervisor.internal.process.Signal signal) {
        return Relayed.NOT_RELAYED;
    }
}
