package dev.agentharness.supervisor.spawn;

import dev.agentharness.core.StreamType;
import java.nio.ByteBuffer;

/**
 * What a spawned agent reports. Callbacks come from the backend's own threads; an implementation
 * must consume every buffer it is given and never throw.
 */
public interface AgentListener {
    /**
     * The next bytes of {@code stream} ({@code STDOUT}/{@code STDERR} for pipes, {@code PTY} for a
     * terminal), in the order read. May block: while it does, the backend stops reading this stream,
     * and the agent blocks in write(2) once the kernel's buffer is full. That is the backpressure.
     */
    void onOutput(StreamType stream, ByteBuffer bytes);

    /** {@code stream} reached end of file (or the terminal hung up); nothing more of it follows. */
    void onEnd(StreamType stream);

    /** The main process exited; called once. Output may still be on its way (a grandchild holds it). */
    void onExit(AgentExit exit);
}
