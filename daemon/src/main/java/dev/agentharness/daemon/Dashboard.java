package dev.agentharness.daemon;

import dev.agentharness.core.error.HarnessException;
import dev.agentharness.core.error.UsageException;
import dev.agentharness.service.HarnessService;
import dev.agentharness.store.HarnessHome;
import dev.agentharness.store.HomeConfig;
import dev.agentharness.web.WebServer;
import dev.agentharness.web.WebToken;
import java.security.SecureRandom;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's web dashboard: off until the home's config asks for it ({@code web.port}) or
 * {@code harness web} does. It serves the daemon's own service, so the page sees exactly what the
 * CLI sees; it stops with the daemon.
 */
public final class Dashboard implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Dashboard.class);
    /** The config file's key: the port to serve the dashboard on from the daemon's start (0: any free one). */
    public static final String CONFIG_KEY = "web.port";

    private final HarnessService service;
    private final HarnessHome home;
    private final Clock clock;
    private WebServer server;

    public Dashboard(HarnessService service, HarnessHome home, Clock clock) {
        this.service = service;
        this.home = home;
        this.clock = clock;
    }

    /** {@code web.port} from the home's config, or null when it is not set. */
    public static Integer configuredPort(HarnessHome home) {
        String text = HomeConfig.read(home.config()).get(CONFIG_KEY);
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            return checkPort(Integer.parseInt(text));
        } catch (IllegalArgumentException e) {
            throw new HarnessException(home.config() + ": invalid " + CONFIG_KEY + " '" + text
                    + "' (a port from 0 to 65535; 0 picks a free one)");
        }
    }

    private static int checkPort(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("invalid port " + port);
        }
        return port;
    }

    /**
     * Serves the dashboard if it is not served yet, on {@code port} (null: the configured port, else
     * any free one); a running dashboard asked for another port moves there.
     *
     * @return the address to open, with the token
     */
    public synchronized String ensureOn(Integer port) {
        if (port != null) {
            try {
                checkPort(port);
            } catch (IllegalArgumentException e) {
                throw new UsageException("invalid port " + port + " (0 to 65535; 0 picks a free one)");
            }
        }
        if (server != null && (port == null || port == 0 || port == server.port())) {
            return server.url();
        }
        if (server != null) {
            log.info("web dashboard moves from port {} to {}", server.port(), port);
            server.close();
            server = null;
        }
        Integer wanted = port != null ? port : configuredPort(home);
        WebToken token = WebToken.loadOrCreate(home.dir(), new SecureRandom());
        WebServer s = new WebServer(service, token, wanted == null ? 0 : wanted, System.getProperty("user.home", "/"), clock);
        s.start();
        server = s;
        // The address without its token: the log is for reading, the token is for the owner's eyes.
        log.info("web dashboard on http://{}:{}/ (the token is in {})", WebServer.HOST, s.port(), WebToken.FILE_NAME);
        return s.url();
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
