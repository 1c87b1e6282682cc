package dev.agentharness.supervisor.internal.capture;

import dev.agentharness.core.StreamType;
import java.nio.ByteBuffer;

/**
 * The seam between where an agent's bytes come from and what the harness does with them. Today the
 * only source is NuProcess ({@link NuProcessBridge}); a later one may replay a spool file that
 * outlives the harness. Nothing on this side knows NuProcess.
 */
public interface ByteSink {
    /**
     * Receives the next bytes of {@code stream}, in the order they were read. Implementations consume
     * all of {@code bytes} (advance its position to its limit) and never throw.
     */
    void onBytes(StreamType stream, ByteBuffer bytes);

    /** {@code stream} reached end of file; no more bytes of it follow. May be called more than once. */
    void onEnd(StreamType stream);
}
