package dev.agentharness.cli.daemon;

import dev.agentharness.cli.control.ControlProtocol;
import dev.agentharness.cli.control.LineChannel;
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
 * so no other user could reach it even in between. On close it removes the socket file, but only if
 * it is still the one this server bound.
 */
public final class ControlServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ControlServer.class);
    /** How often a waiting request checks whether its client is still there. */
    private static final long CLIENT_CHECK_MS = 200;

    private final Path socket;
    private final RequestHandler handler;
    private final Set<SocketChannel> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connectionIds = new AtomicInteger();
    /** Requests read but not yet answered; guarded by {@code this}. */
    private int inFlight;
    private ServerSocketChannel server;
    private Object boundFileKey;
    private Thread acceptor;

    public ControlServer(Path socket, RequestHandler handler) {
        this.socket = socket;
        this.handler = handler;
    }

    public synchronized void start() throws IOException {
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        boundFileKey = fileKey(socket);
        acceptor = new Thread(this::acceptLoop, "harness-control-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        log.info("listening on {}", socket);
    }

    private void acceptLoop() {
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
                log.warn("accept failed: {}", e.getMessage());
                continue;
            }
            connections.add(channel);
            Thread t = new Thread(() -> serve(channel), "harness-control-" + connectionIds.incrementAndGet());
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(SocketChannel channel) {
        try (LineChannel lines = new LineChannel(channel, ControlProtocol.MAX_LINE_BYTES)) {
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
                            + ControlProtocol.MAX_LINE_BYTES + " bytes\"}}");
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
                begin();
                try {
                    String response = handler.handle(line, waiter);
                    if (response == null) {
                        return;
                    }
                    lines.writeLine(response);
                } finally {
                    end();
                }
            }
        } catch (IOException e) {
            log.debug("connection ended: {}", e.getMessage());
        } finally {
            connections.remove(channel);
        }
    }

    private static Waiter waiterFor(LineChannel lines) {
        return new Waiter() {
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
        for (SocketChannel c : connections) {
            try {
                c.close();
            } catch (IOException ignored) {
                // The connection is being dropped anyway.
            }
        }
    }

    private static Object fileKey(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    }
}
