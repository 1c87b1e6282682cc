package dev.agentharness.web;

import dev.agentharness.core.error.HarnessException;
import dev.agentharness.service.HarnessService;
import dev.agentharness.web.internal.AccessGuard;
import dev.agentharness.web.internal.ApiHandler;
import dev.agentharness.web.internal.LiveSocket;
import java.io.IOException;
import java.net.BindException;
import java.time.Clock;
import java.time.Duration;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * The web dashboard: the page, its JSON endpoints and one WebSocket per page, served over a
 * {@link HarnessService} on 127.0.0.1 only.
 *
 * <p>Built on Jetty's core API (no servlet container): it gives HTTP/1.1 and RFC 6455 WebSockets on
 * one port, with per-connection outgoing queues that never block the caller, which is what the live
 * bus needs (its listeners must return at once). The JDK's own {@code com.sun.net.httpserver} has
 * no WebSockets, and writing the upgrade, framing, masking and close handshake by hand is how
 * such servers get them subtly wrong.
 *
 * <p>Every request needs the {@link WebToken} (see {@link AccessGuard}).
 */
public final class WebServer implements AutoCloseable {
    public static final String HOST = "127.0.0.1";
    /** Messages a page may have queued and unread before it is disconnected (to resume from its last seq). */
    static final int MAX_OUTGOING_FRAMES = 4096;
    /** Keystrokes, resizes and watch requests are small; a paste goes through POST /send. */
    static final long MAX_TEXT_MESSAGE = 1024 * 1024;

    private final HarnessService service;
    private final WebToken token;
    private final int requestedPort;
    private final String defaultCwd;
    private final Clock clock;
    private Server server;
    private int port;

    /**
     * @param port       0 for any free port
     * @param defaultCwd where a session started from the page runs when it names no directory
     */
    public WebServer(HarnessService service, WebToken token, int port, String defaultCwd, Clock clock) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("invalid web port " + port + " (0 to 65535; 0 picks a free one)");
        }
        this.service = service;
        this.token = token;
        this.requestedPort = port;
        this.defaultCwd = defaultCwd;
        this.clock = clock;
    }

    /** Binds and starts serving; returns the port. */
    public synchronized int start() {
        if (server != null) {
            return port;
        }
        // A small pool: the dashboard serves one person's few tabs, and the daemon's heap is small.
        QueuedThreadPool threads = new QueuedThreadPool(16, 2);
        threads.setName("web");
        threads.setDaemon(true);
        Server s = new Server(threads);
        ServerConnector connector = new ServerConnector(s, 1, 1);
        connector.setHost(HOST);
        connector.setPort(requestedPort);
        s.addConnector(connector);

        WebSocketUpgradeHandler live = WebSocketUpgradeHandler.from(s, container -> {
            container.setIdleTimeout(Duration.ofMinutes(10));
            container.setMaxTextMessageSize(MAX_TEXT_MESSAGE);
            container.setMaxOutgoingFrames(MAX_OUTGOING_FRAMES);
            container.addMapping(AccessGuard.LIVE_PATH, (request, response, callback) -> new LiveSocket(service, clock));
        });
        live.setHandler(new ApiHandler(service, defaultCwd, clock));
        s.setHandler(new AccessGuard(token, live));
        s.setStopTimeout(2000);
        try {
            s.start();
        } catch (Exception e) {
            try {
                s.stop();
            } catch (Exception ignored) {
                // Nothing more to free.
            }
            Throwable cause = e instanceof IOException && e.getCause() instanceof BindException ? e.getCause() : e;
            throw new HarnessException("cannot serve the dashboard on " + HOST + ":" + requestedPort + ": "
                    + cause.getMessage(), e);
        }
        server = s;
        port = connector.getLocalPort();
        return port;
    }

    public synchronized int port() {
        return port;
    }

    public synchronized boolean running() {
        return server != null;
    }

    /** The address to open, with the token: {@code http://127.0.0.1:PORT/?token=...}. */
    public synchronized String url() {
        return "http://" + HOST + ":" + port + "/?token=" + token.value();
    }

    @Override
    public synchronized void close() {
        if (server == null) {
            return;
        }
        try {
            server.stop();
        } catch (Exception e) {
            throw new HarnessException("cannot stop the dashboard: " + e.getMessage(), e);
        } finally {
            server = null;
        }
    }
}
