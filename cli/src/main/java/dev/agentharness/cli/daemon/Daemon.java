package dev.agentharness.cli.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentharness.cli.Version;
import dev.agentharness.cli.control.ControlClient;
import dev.agentharness.cli.control.ControlProtocol;
import dev.agentharness.cli.format.JsonViews.ReconcileItemView;
import dev.agentharness.cli.format.JsonViews.ReconcileView;
import dev.agentharness.core.error.HarnessException;
import dev.agentharness.store.HarnessHome;
import dev.agentharness.supervisor.SupervisorConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code harness daemon}: the supervisor plus the control socket, in the foreground until a signal
 * (TERM, INT, HUP) or a shutdown request. Shutting down stops every agent gracefully, so each ends
 * {@code stopped}, flushes their output and releases the lock; queued start requests stay queued.
 */
public final class Daemon implements DaemonControl {
    private static final Logger log = LoggerFactory.getLogger(Daemon.class);
    private static final java.time.Duration DRAIN = java.time.Duration.ofSeconds(5);
    private static final java.time.Duration NOTIFY_DRAIN = java.time.Duration.ofSeconds(3);

    private final HarnessHome home;
    private final SupervisorConfig config;
    private final Clock clock;
    private final CountDownLatch shutdown = new CountDownLatch(1);
    private final AtomicReference<String> shutdownReason = new AtomicReference<>();
    private final boolean keepAgentsOnTerm;
    private volatile boolean keepAgents;
    private final Instant startedAt;
    private volatile ReconcileView startupReport = new ReconcileView(0, List.of());

    public Daemon(HarnessHome home, SupervisorConfig config, Clock clock) {
        this(home, config, clock, false);
    }

    /** @param keepAgentsOnTerm whether SIGTERM (and INT, HUP) leave the agents running under their keepers */
    public Daemon(HarnessHome home, SupervisorConfig config, Clock clock, boolean keepAgentsOnTerm) {
        this.keepAgentsOnTerm = keepAgentsOnTerm;
        this.home = home;
        this.config = config;
        this.clock = clock;
        this.startedAt = clock.instant();
    }

    /** Runs until shut down; returns the process exit code. */
    public int run() throws IOException, InterruptedException {
        home.ensureExists();
        ObjectMapper mapper = ControlProtocol.newMapper();
        refuseIfAnswering(mapper);
        FatalThreads.install();
        for (String signal : List.of("TERM", "INT", "HUP")) {
            Signals.on(signal, () -> {
                if (keepAgentsOnTerm) {
                    requestShutdownKeepingAgents("SIG" + signal);
                } else {
                    requestShutdown("SIG" + signal);
                }
            });
        }
        log.info("harness daemon {} starting: pid {}, home {}", Version.current(), pid(), home);
        SupervisorWiring wiring = SupervisorWiring.create(home, config);
        var supervisor = wiring.supervisor();
        startupReport = Reports.view(supervisor.start());
        logReport(startupReport);
        // After reconciling, so that the crashes it found are announced along with what a previous daemon left pending.
        wiring.notifications().start();
        ControlServer server = null;
        try {
            // We hold the supervisor lock and nobody answered: any socket file left is stale.
            Files.deleteIfExists(home.socket());
            var handler = new RequestHandler(supervisor, wiring.stores().sessions(), wiring.stores().runs(),
                    wiring.stores().queue(), mapper, clock, this, config.stopGrace());
            server = new ControlServer(home.socket(), handler);
            server.start();
            // The database, lock and socket are open now: the home is still the one that was checked.
            home.recheck();
            log.info("ready");
            shutdown.await();
            log.info("shutting down ({}): {}, grace {}", shutdownReason.get(), keepAgents ? "agents keep running" : "stopping agents",
                    dev.agentharness.core.DurationFormat.format(config.stopGrace()));
        } finally {
            if (server != null) {
                server.stopAccepting();
            }
            if (keepAgents) {
                supervisor.shutdownKeepingAgents(config.stopGrace());
            } else {
                supervisor.shutdown(config.stopGrace());
            }
            // The agents' `stopped` notifications get a moment to go out; what does not stays in the outbox.
            wiring.notifications().close(NOTIFY_DRAIN);
            if (server != null) {
                // Requests in flight (a stop, the shutdown request itself) still get their answers.
                server.close(DRAIN);
            }
            wiring.close();
        }
        log.info("stopped");
        return 0;
    }

    private void refuseIfAnswering(ObjectMapper mapper) {
        var client = ControlClient.tryConnect(home.socket(), mapper);
        if (client.isEmpty()) {
            return;
        }
        try (ControlClient c = client.get()) {
            long pid = c.call(c.request(ControlProtocol.OP_PING)).path("pid").asLong(-1);
            throw new HarnessException("a daemon is already running on " + home + (pid > 0 ? " (pid " + pid + ")" : ""));
        } catch (HarnessException e) {
            if (e.getMessage().startsWith("a daemon is already running")) {
                throw e;
            }
            throw new HarnessException("something answers on " + home.socket() + " but is not a working daemon: "
                    + e.getMessage());
        }
    }

    private static void logReport(ReconcileView report) {
        if (report.items().isEmpty()) {
            log.info("reconciled: every stored active session is accounted for");
            return;
        }
        log.warn("reconciled {} session(s) left by a previous harness:", report.count());
        for (ReconcileItemView i : report.items()) {
            log.warn("  {} ({}): was {}, {} -> {}: {}", i.sessionId(), i.label(), i.previousStatus(), i.finding(),
                    Reports.outcome(i.finding()), i.reason());
        }
    }

    @Override
    public long pid() {
        return ProcessHandle.current().pid();
    }

    @Override
    public Instant startedAt() {
        return startedAt;
    }

    @Override
    public ReconcileView startupReport() {
        return startupReport;
    }

    @Override
    public void requestShutdown(String why) {
        if (shutdownReason.compareAndSet(null, why)) {
            shutdown.countDown();
        } else {
            log.info("{} received; already shutting down", why);
        }
    }

    @Override
    public void requestShutdownKeepingAgents(String why) {
        if (shutdownReason.get() == null) {
            keepAgents = true;
        }
        requestShutdown(why + " (agents keep running)");
    }

    @Override
    public boolean isShuttingDown() {
        return shutdownReason.get() != null;
    }
}
