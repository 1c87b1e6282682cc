package dev.agentharness.daemon;

import dev.agentharness.daemon.service.LocalHarnessService;
import dev.agentharness.service.reads.StoreReads;
import dev.agentharness.service.screen.PromptRulesFile;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentharness.service.HarnessVersion;
import dev.agentharness.service.wire.ControlClient;
import dev.agentharness.service.wire.ControlProtocol;
import dev.agentharness.service.view.JsonViews.ReconcileItemView;
import dev.agentharness.service.view.JsonViews.ReconcileView;
import dev.agentharness.core.error.HarnessException;
import dev.agentharness.store.HarnessHome;
import dev.agentharness.supervisor.SupervisorConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
    private final CommandHost commands;
    private volatile boolean keepAgents;
    private final Instant startedAt;
    /** How often the daemon checks that its home is still there. */
    private static final java.time.Duration HOME_CHECK = java.time.Duration.ofSeconds(2);
    /** How often it checks the size of {@code daemon.log}. */
    private static final java.time.Duration LOG_CHECK = java.time.Duration.ofMinutes(1);

    private final java.time.Duration retention;
    private volatile ReconcileView startupReport = new ReconcileView(0, List.of());
    private volatile String homeGone;
    /** The web dashboard, off until asked for; set once the service exists. */
    private volatile Dashboard dashboard;

    public Daemon(HarnessHome home, SupervisorConfig config, Clock clock) {
        this(home, config, clock, false, null);
    }

    /**
     * @param keepAgentsOnTerm whether SIGTERM (and INT, HUP) leave the agents running under their keepers
     * @param retention        purge finished sessions older than this once an hour; null to keep them all
     */
    public Daemon(HarnessHome home, SupervisorConfig config, Clock clock, boolean keepAgentsOnTerm,
                  java.time.Duration retention) {
        this(home, config, clock, keepAgentsOnTerm, retention, CommandHost.NONE);
    }

    /**
     * @param commands what runs CLI command lines for the native client ({@link CommandHost})
     */
    public Daemon(HarnessHome home, SupervisorConfig config, Clock clock, boolean keepAgentsOnTerm,
                  java.time.Duration retention, CommandHost commands) {
        this.commands = commands;
        this.keepAgentsOnTerm = keepAgentsOnTerm;
        this.home = home;
        this.config = config;
        this.clock = clock;
        this.startedAt = clock.instant();
        this.retention = retention;
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
        log.info("harness daemon {} starting: pid {}, home {}", HarnessVersion.current(), pid(), home);
        SupervisorWiring wiring = SupervisorWiring.create(home, config);
        var supervisor = wiring.supervisor();
        startupReport = Reports.view(supervisor.start());
        logReport(startupReport);
        // After reconciling, so that the crashes it found are announced along with what a previous daemon left pending.
        wiring.notifications().start();
        ControlServer server = null;
        ScheduledExecutorService housekeeping = null;
        // Read before anything runs: a bad value stops the daemon with one line naming the file.
        Integer webPort = Dashboard.configuredPort(home);
        try {
            // We hold the supervisor lock and nobody answered: any socket file left is stale.
            Files.deleteIfExists(home.socket());
            var stores = wiring.stores();
            var service = new LocalHarnessService(supervisor, stores.sessions(), stores.runs(),
                    new StoreReads(stores.sessions(), stores.outputs(), stores.events(), PromptRulesFile.load(home.dir())),
                    wiring.bus(), config.stopGrace());
            var handler = new RequestHandler(service, supervisor, stores.queue(), mapper, clock, this, commands);
            dashboard = new Dashboard(service, home, clock);
            server = new ControlServer(home.socket(), handler);
            server.start();
            // The database, lock and socket are open now: the home is still the one that was checked.
            home.recheck();
            if (webPort != null) {
                serveConfiguredWeb();
            }
            housekeeping = startHousekeeping(wiring, server);
            log.info("ready");
            shutdown.await();
            log.info("shutting down ({}): {}, grace {}", shutdownReason.get(), keepAgents ? "agents keep running" : "stopping agents",
                    dev.agentharness.core.DurationFormat.format(config.stopGrace()));
        } finally {
            if (housekeeping != null) {
                housekeeping.shutdownNow();
            }
            if (server != null) {
                server.stopAccepting();
            }
            if (dashboard != null) {
                // Like the socket: no new requests once shutting down.
                dashboard.close();
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

    /**
     * What the daemon does besides answering requests, on one thread of its own: watching that the
     * home is still there, rotating {@code daemon.log}, and the retention purge.
     */
    private ScheduledExecutorService startHousekeeping(SupervisorWiring wiring, ControlServer server) throws IOException {
        ScheduledExecutorService ex = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "harness-housekeeping");
            t.setDaemon(true);
            return t;
        });
        HomeWatch watch = HomeWatch.of(home);
        ex.scheduleWithFixedDelay(guarded("home check", () -> checkHome(watch, wiring, server)),
                HOME_CHECK.toMillis(), HOME_CHECK.toMillis(), TimeUnit.MILLISECONDS);
        LogRotation rotation = new LogRotation(home.daemonLog(), LogRotation.DEFAULT_LIMIT);
        ex.scheduleWithFixedDelay(guarded("daemon.log rotation", () -> {
            if (homeGone == null && rotation.rotateIfNeeded()) {
                log.info("rotated {}: the previous content is in {}.1", home.daemonLog(), home.daemonLog().getFileName());
            }
        }), 0, LOG_CHECK.toMillis(), TimeUnit.MILLISECONDS);
        if (retention != null) {
            Retention purge = new Retention(wiring.stores().sessions(), retention, clock);
            log.info("retention: finished sessions older than {} are purged every hour",
                    dev.agentharness.core.DurationFormat.format(retention));
            ex.scheduleWithFixedDelay(guarded("retention purge", () -> {
                if (homeGone == null) {
                    purge.run();
                }
            }), 0, Retention.EVERY.toMillis(), TimeUnit.MILLISECONDS);
        }
        return ex;
    }

    /**
     * Once the home is gone, stops accepting requests at once (nobody can reach the socket anyway,
     * and whatever it stored now would be lost) and exits when its running agents have ended: they
     * are left to finish their work rather than killed because a directory went away.
     */
    private void checkHome(HomeWatch watch, SupervisorWiring wiring, ControlServer server) {
        if (homeGone == null) {
            var problem = watch.check();
            if (problem.isEmpty()) {
                return;
            }
            homeGone = problem.get();
            log.error("harness home {} is gone ({}): this daemon accepts no more work and exits once its {} running "
                    + "agent(s) have ended; a new daemon starts with the next harness start", home, homeGone,
                    wiring.stores().sessions().listActive().size());
            server.stopAccepting();
        }
        if (wiring.stores().sessions().listActive().isEmpty()) {
            requestShutdown("harness home gone");
        }
    }

    private static Runnable guarded(String what, IoTask task) {
        return () -> {
            try {
                task.run();
            } catch (Exception | Error e) {
                log.warn("{} failed: {}", what, e.toString());
            }
        };
    }

    @FunctionalInterface
    private interface IoTask {
        void run() throws Exception;
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

    /**
     * The dashboard the config asks for. A port that cannot be had does not stop the daemon (its
     * agents matter more): the log says why, and {@code harness web} can try again.
     */
    private void serveConfiguredWeb() {
        try {
            dashboard.ensureOn(null);
        } catch (HarnessException e) {
            log.error("{}; the daemon runs without the web dashboard", e.getMessage());
        }
    }

    @Override
    public String serveWeb(Integer port) {
        Dashboard d = dashboard;
        if (d == null || isShuttingDown()) {
            throw new dev.agentharness.core.error.ShuttingDownException("the daemon is shutting down");
        }
        return d.ensureOn(port);
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
