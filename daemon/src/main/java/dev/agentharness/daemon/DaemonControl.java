package dev.agentharness.daemon;

import dev.agentharness.service.view.JsonViews.ReconcileView;
import java.time.Instant;

/** What request handling needs to know about, and ask of, the daemon it runs in. */
public interface DaemonControl {
    long pid();

    Instant startedAt();

    /** What reconciliation found when this daemon started. */
    ReconcileView startupReport();

    /** Begins a graceful shutdown; returns at once. */
    void requestShutdown(String why);

    /**
     * Begins a shutdown that leaves the agents running under their keepers, for a newer daemon to
     * reattach (an upgrade); returns at once.
     */
    default void requestShutdownKeepingAgents(String why) {
        requestShutdown(why);
    }

    boolean isShuttingDown();

    /**
     * Serves the web dashboard if it is not served yet, on {@code port} (null: the configured one,
     * else any free one); returns its address with the token.
     */
    default String serveWeb(Integer port) {
        throw new dev.agentharness.core.error.HarnessException("this daemon serves no web dashboard");
    }
}
