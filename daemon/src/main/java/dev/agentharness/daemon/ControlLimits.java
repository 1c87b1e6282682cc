package dev.agentharness.daemon;

import dev.agentharness.service.wire.ControlProtocol;
import java.time.Duration;

/**
 * What one client may cost the daemon. The daemon's heap is small (96 MiB, shared with the capture
 * path), and before these bounds 200 connections each sending a megabyte without a newline took all
 * of it: the output writer died of OutOfMemoryError and the sessions' output was lost. So: at most
 * {@code maxConnections} served at once (more are answered {@code busy} and closed), at most
 * {@code maxRequestBytes} buffered per connection before a line is parsed, a request line must be
 * finished within {@code lineTimeout} of its first byte, and a connection that sends nothing and waits
 * for nothing is closed after {@code idleTimeout}. Worst case held for requests: about
 * {@code maxConnections * maxRequestBytes} (4 MiB with the defaults).
 */
public record ControlLimits(int maxConnections, int maxRequestBytes, Duration lineTimeout, Duration idleTimeout) {
    public static final ControlLimits DEFAULT =
            new ControlLimits(32, ControlProtocol.MAX_REQUEST_BYTES, Duration.ofSeconds(10), Duration.ofSeconds(60));

    public ControlLimits {
        if (maxConnections < 1 || maxRequestBytes < 64 || lineTimeout.isNegative() || lineTimeout.isZero()
                || idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("bad control limits");
        }
    }
}
