package dev.agentharness.supervisor.spawn;

import dev.agentharness.core.TerminalSize;

/** A spawned agent. The backend's own types never show through this. */
public interface AgentProcess {
    /** The agent's pid, which is also its session and process group id. */
    int pid();

    /** The streams its output arrives on: stdout and stderr, or pty. */
    boolean tty();

    /**
     * Writes to the agent's stdin (the terminal's input for a terminal).
     *
     * @throws IllegalStateException when stdin is closed
     */
    void writeStdin(byte[] bytes);

    /** Closes stdin (for a terminal: sends the terminal's end-of-file character, Ctrl-D). */
    /**
     * Whether input given before has not all been taken by the agent yet. Pipes queue what they are
     * given without a bound, so a writer that cares about memory waits for this to turn false; a
     * terminal's input is written as it is given (the write blocks while the terminal is full).
     */
    default boolean hasPendingWrites() {
        return false;
    }

    void closeStdin();

    /**
     * Sets the terminal's size; the agent's foreground process group gets SIGWINCH.
     *
     * @throws UnsupportedOperationException for pipes: "not a terminal session"
     */
    void resize(TerminalSize size);
}
