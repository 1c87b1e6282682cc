package dev.agentharness.daemon;

import dev.agentharness.service.wire.ControlProtocol;
import dev.agentharness.service.wire.LineChannel;
import dev.agentharness.service.wire.PeerCredentials;
import dev.agentharness.core.ControlChars;
import dev.agentharness.core.DurationFormat;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's end of the control socket: accepts connections on {@code harness.sock} and serves
 * each on its own thread, one request line at a time, through a {@link RequestHandler}.
 *
 * <p>The socket is made 0600 right after bind, before the first accept; it lives in the 0700 home,
 * so no other user could reach it even in between. Each accepted peer's user is checked anyway
 * ({@code SO_PEERCRED}): a connection from another user is closed unanswered. On close it removes the
 * socket file, but only if it is still the one this server bound.
 *
 * <p>What clients may cost is bounded ({@link ControlLimits}): connections over the cap get one
 * {@code busy} answer and are closed; a reaper thread closes connections whose request line is not
 * finished in time, and connections idle for too long. When accepting fails (file descriptors ran
 * out), the accept loop backs off instead of spinning, and says so once per episode.
 */
public final class ControlServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ControlServer.class);
    /** How often a waiting request checks whether its client is still there. */
    private static final long CLIENT_CHECK_MS = 200;
    /** Back-off after a failed accept: doubles from the first value up to the second. */
    private static final long ACCEPT_BACKOFF_MIN_MS = 10;
    private static final long ACCEPT_BACKOFF_MAX_MS = 1000;

    private final Path socket;
    private final RequestHandler handler;
    private final ControlLimits limits;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connectionIds = new AtomicInteger();
    /** Requests read but not yet answered; guarded by {@code this}. */
    private int inFlight;
    private ServerSocketChannel server;
    private Object boundFileKey;
    private Thread acceptor;
    private Thread reaper;

    public ControlServer(Path socket, RequestHandler handler) {
        this(socket, handler, ControlLimits.DEFAULT);
    }

    public ControlServer(Path socket, RequestHandler handler, ControlLimits limits) {
        this.socket = socket;
        this.handler = handler;
        this.limits = limits;
    }

    /** One accepted client. */
    private static final class Connection {
        final int id;
        final SocketChannel channel;
        final LineChannel lines;
        /** A request is being handled: neither idle nor half-sent. */
        volatile boolean busy;
        /** When the last answer went out (or the connection was made), as {@link System#nanoTime()}. */
        volatile long idleSince = System.nanoTime();

        Connection(int id, SocketChannel channel, int maxLineBytes) {
            this.id = id;
            this.channel = channel;
            this.lines = new LineChannel(channel, maxLineBytes);
        }
    }

    public synchronized void start() throws IOException {
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        boundFileKey = fileKey(socket);
        acceptor = new Thread(this::acceptLoop, "harness-control-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        reaper = new Thread(this::reapLoop, "harness-control-reaper");
        reaper.setDaemon(true);
        reaper.start();
        log.info("listening on {}", socket);
    }

    private void acceptLoop() {
        long backoff = 0;
        long failures = 0;
        while (true) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!server.isOpen()) {
                    return;
                }
                // Out of file descriptors, typically: retrying at once spun at full CPU and wrote
                // megabytes of this line a second. Say it once, wait, try again less and less often.
                if (failures++ == 0) {
                    log.warn("accept failed: {}; retrying with back-off (up to {} ms) until it works again",
                            ControlChars.forLog(e.getMessage()), ACCEPT_BACKOFF_MAX_MS);
                }
                backoff = backoff == 0 ? ACCEPT_BACKOFF_MIN_MS : Math.min(ACCEPT_BACKOFF_MAX_MS, backoff * 2);
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    return;
                }
                continue;
            }
            if (failures > 0) {
                log.info("accepting connections again after {} failed attempt(s)", failures);
                failures = 0;
                backoff = 0;
            }
            admit(channel);
        }
    }

    private void admit(SocketChannel channel) {
        int id = connectionIds.incrementAndGet();
        String stranger = PeerCredentials.strangerOrNull(channel);
        if (stranger != null) {
            log.warn("connection {} refused: {}", id, ControlChars.forLog(stranger));
            closeQuietly(channel);
            return;
        }
        Connection c = new Connection(id, channel, limits.maxRequestBytes());
        if (connections.size() >= limits.maxConnections()) {
            // Answer before closing, so that the client can say why; a fresh socket's buffer takes
            // one short line without blocking.
            try {
                c.lines.writeLine("{\"ok\":false,\"error\":{\"code\":\"busy\",\"message\":\"the daemon already serves "
                        + limits.maxConnections() + " connections; try again later\"}}");
            } catch (IOException ignored) {
                // It is being refused anyway.
            }
            closeQuietly(channel);
            return;
        }
        connections.add(c);
        Thread t = new Thread(() -> serve(c), "harness-control-" + id);
        t.setDaemon(true);
        t.start();
    }

    /**
     * Closes connections that began a request line and did not finish it within the line timeout,
     * and connections with nothing sent and nothing pending for the idle timeout. Closing the channel
     * wakes its thread's blocking read, which then ends the connection.
     */
    private void reapLoop() {
        long lineNanos = limits.lineTimeout().toNanos();
        long idleNanos = limits.idleTimeout().toNanos();
        long tick = Math.max(10, Math.min(limits.lineTimeout().toMillis(), limits.idleTimeout().toMillis()) / 4);
        while (server.isOpen()) {
            try {
                Thread.sleep(Math.min(tick, 500));
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (Connection c : connections) {
                if (c.busy) {
                    continue;
                }
                long started = c.lines.lineStartedAt();
                if (started != 0 && now - started > lineNanos) {
                    log.info("connection {} closed: request not finished within {}", c.id,
                            DurationFormat.format(limits.lineTimeout()));
                    drop(c);
                } else if (started == 0 && now - c.idleSince > idleNanos) {
                    log.debug("connection {} closed: idle for {}", c.id, DurationFormat.format(limits.idleTimeout()));
                    drop(c);
                }
            }
        }
    }

    private void drop(Connection c) {
        connections.remove(c);
        closeQuietly(c.channel);
    }

    private void serve(Connection c) {
        try (LineChannel lines = c.lines) {
            Waiter waiter = waiterFor(lines);
            while (true) {
                String line;
                try {
                    line = lines.readLine();
                } catch (LineChannel.LineTooLongException e) {
                    // Read the rest of that line (discarding it) before answering: closing on a client
                    // that is still writing fails its write with EPIPE before it can read why.
                    boolean more = lines.skipRestOfLine();
                    lines.writeLine("{\"ok\":false,\"error\":{\"code\":\"bad_request\",\"message\":\"request longer than "
                            + limits.maxRequestBytes() + " bytes\"}}");
                    c.idleSince = System.nanoTime();
                    if (!more) {
                        return;
                    }
                    continue;
                }
                if (line == null) {
                    return;
                }
                if (line.isBlank()) {
                    continue;
                }
                c.busy = true;
                begin();
                try {
                    String response = handler.handle(line, waiter);
                    if (response == null) {
                        return;
                    }
                    lines.writeLine(response);
                } finally {
                    end();
                    c.idleSince = System.nanoTime();
                    c.busy = false;
                }
            }
        } catch (IOException e) {
            log.debug("connection ended: {}", e.getMessage());
        } finally {
            connections.remove(c);
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // The connection is being dropped anyway.
        }
    }

    private static Waiter waiterFor(LineChannel lines) {
        return new Waiter() {
            @Override
            public void progress(String line) throws IOException {
                lines.writeLine(line);
            }

            @Override
            public <T> T await(CompletableFuture<T> future, Runnable onClientGone, BooleanSupplier giveUp)
                    throws ClientGoneException, java.util.concurrent.ExecutionException, InterruptedException {
                while (true) {
                    try {
                        return future.get(CLIENT_CHECK_MS, TimeUnit.MILLISECONDS);
                    } catch (TimeoutException e) {
                        if (giveUp.getAsBoolean()) {
                            throw new CancellationException("gave up waiting");
                        }
                        boolean gone;
                        try {
                            gone = lines.pollClosed();
                        } catch (IOException io) {
                            gone = true;
                        }
                        if (gone) {
                            onClientGone.run();
                            throw new ClientGoneException();
                        }
                    }
                }
            }
        };
    }

    /** Stops accepting and removes the socket file, so that new clients see no daemon. */
    public synchronized void stopAccepting() {
        if (server == null || !server.isOpen()) {
            return;
        }
        try {
            server.close();
        } catch (IOException e) {
            log.warn("closing the control socket: {}", e.getMessage());
        }
        try {
            if (boundFileKey != null && Objects.equals(fileKey(socket), boundFileKey)) {
                Files.deleteIfExists(socket);
            }
        } catch (IOException e) {
            log.warn("removing {}: {}", socket, e.getMessage());
        }
    }

    private synchronized void begin() {
        inFlight++;
    }

    private synchronized void end() {
        inFlight--;
        notifyAll();
    }

    /**
     * Stops accepting, lets requests already being handled finish their answers (for at most
     * {@code drain}), then ends every open connection.
     */
    public void close(Duration drain) {
        stopAccepting();
        long deadline = System.nanoTime() + drain.toNanos();
        synchronized (this) {
            while (inFlight > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    log.warn("closing with {} request(s) unanswered", inFlight);
                    break;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        closeConnections();
    }

    /** Stops accepting and ends every open connection at once. */
    @Override
    public void close() {
        stopAccepting();
        closeConnections();
    }

    private void closeConnections() {
        for (Connection c : connections) {
            closeQuietly(c.channel);
        }
    }

    private static Object fileKey(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    }
}
