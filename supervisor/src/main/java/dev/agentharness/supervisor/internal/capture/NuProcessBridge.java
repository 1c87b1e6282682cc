package dev.agentharness.supervisor.internal.capture;

import com.zaxxer.nuprocess.NuProcess;
import com.zaxxer.nuprocess.NuProcessHandler;
import dev.agentharness.core.StreamType;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adapts NuProcess's callbacks to a {@link ByteSink} and {@link ProcessEvents}.
 *
 * <p>NuProcess insists on two things: a handler must consume the buffer it is given (else it fails
 * with "stdout buffer has no bytes remaining"), and whatever a handler throws it prints to stderr
 * with a stack trace. So every callback here consumes the buffer in a finally block and swallows
 * (logs) anything thrown. The callbacks run on NuProcess's few shared epoll threads: the sink must
 * stay cheap.
 */
public final class NuProcessBridge implements NuProcessHandler {
    private static final Logger LOG = LoggerFactory.getLogger(NuProcessBridge.class);

    private final String label;
    private final ByteSink sink;
    private final ProcessEvents events;
    private volatile NuProcess process;

    public NuProcessBridge(String label, ByteSink sink, ProcessEvents events) {
        this.label = label;
        this.sink = sink;
        this.events = events;
    }

    @Override
    public void onPreStart(NuProcess nuProcess) {
        this.process = nuProcess;
    }

    @Override
    public void onStart(NuProcess nuProcess) {
        this.process = nuProcess;
    }

    @Override
    public void onStdout(ByteBuffer buffer, boolean closed) {
        deliver(StreamType.STDOUT, buffer, closed);
    }

    @Override
    public void onStderr(ByteBuffer buffer, boolean closed) {
        deliver(StreamType.STDERR, buffer, closed);
    }

    @Override
    public void onExit(int statusCode) {
        try {
            events.reaped(statusCode);
        } catch (Throwable t) {
            LOG.error("session {}: handling the exit failed", label, t);
        }
    }

    @Override
    public boolean onStdinReady(ByteBuffer buffer) {
        return false; // input goes through NuProcess.writeStdin, never through this pull callback
    }

    private void deliver(StreamType stream, ByteBuffer buffer, boolean closed) {
        try {
            if (buffer != null && buffer.hasRemaining()) {
                sink.onBytes(stream, buffer);
            }
            if (closed) {
                sink.onEnd(stream);
                NuProcess p = process;
                events.pipeClosed(p == null ? -1 : p.getPID());
            }
        } catch (Throwable t) {
            LOG.error("session {}: capturing {} failed", label, stream, t);
        } finally {
            if (buffer != null) {
                buffer.position(buffer.limit());
            }
        }
    }
}
