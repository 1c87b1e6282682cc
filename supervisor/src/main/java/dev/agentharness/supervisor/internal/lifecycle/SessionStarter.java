package dev.agentharness.supervisor.internal.lifecycle;

import static dev.agentharness.supervisor.internal.lifecycle.StatusRecorder.data;
import static dev.agentharness.supervisor.internal.lifecycle.StatusRecorder.event;

import com.zaxxer.nuprocess.NuProcess;
import dev.agentharness.core.EventType;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.error.SpawnException;
import dev.agentharness.core.store.EventStore;
import dev.agentharness.core.store.SessionStore;
import dev.agentharness.core.store.Transactor;
import dev.agentharness.supervisor.SupervisorConfig;
import dev.agentharness.supervisor.internal.capture.BackpressureGauge;
import dev.agentharness.supervisor.internal.capture.BatchWriter;
import dev.agentharness.supervisor.internal.capture.ByteBudget;
import dev.agentharness.supervisor.internal.capture.NuProcessBridge;
import dev.agentharness.supervisor.internal.capture.OutputPump;
import dev.agentharness.supervisor.internal.capture.OutputTail;
import dev.agentharness.supervisor.internal.process.AgentLauncher;
import dev.agentharness.supervisor.internal.process.ExitWatcher;
import dev.agentharness.supervisor.internal.process.HarnessEnvironment;
import dev.agentharness.supervisor.internal.process.LaunchPreflight;
import dev.agentharness.supervisor.internal.process.LibC;
import dev.agentharness.supervisor.internal.process.ProcInspector;
import dev.agentharness.supervisor.internal.process.ProcStat;
import dev.agentharness.supervisor.internal.process.ProcessGroupSignaller;
import dev.agentharness.supervisor.internal.process.ProcessIdentity;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.file.Paths;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a spec into a running agent: claims a slot, checks the launch, spawns, and records
 * {@code running} with the pid and its start time. A launch that cannot work ends the session
 * {@code failed} at once, with one line of reason and its slot free again.
 */
@Singleton
public final class SessionStarter {
    private static final Logger LOG = LoggerFactory.getLogger(SessionStarter.class);
    /** How much of the output tail the checkpoint detector looks at, in bytes. */
    public static final int TAIL_BYTES = 4096;
    private static final java.time.Duration SETSID_WAIT = java.time.Duration.ofSeconds(5);

    private final SessionStore sessions;
    private final EventStore events;
    private final Transactor transactor;
    private final StatusRecorder recorder;
    private final LaunchPreflight preflight;
    private final AgentLauncher launcher;
    private final HarnessEnvironment environment;
    private final BatchWriter writer;
    private final BackpressureGauge backpressure;
    private final LiveSessions live;
    private final SessionFinisher finisher;
    private final SupervisorConfig config;
    private final SupervisorThreads threads;
    private final Clock clock;
    private final LibC libc;
    private final ProcInspector proc;
    private final ProcessGroupSignaller signaller;
    private final KeeperAttacher keepers;

    @Inject
    public SessionStarter(SessionStore sessions, EventStore events, Transactor transactor, StatusRecorder recorder,
                          LaunchPreflight preflight, AgentLauncher launcher, HarnessEnvironment environment, BatchWriter writer,
                          BackpressureGauge backpressure, LiveSessions live, SessionFinisher finisher, SupervisorConfig config,
                          SupervisorThreads threads, Clock clock, LibC libc, ProcInspector proc, ProcessGroupSignaller signaller,
                          KeeperAttacher keepers) {
        this.sessions = sessions;
        this.events = events;
        this.transactor = transactor;
        this.recorder = recorder;
        this.preflight = preflight;
        this.launcher = launcher;
        this.environment = environment;
        this.writer = writer;
        this.backpressure = backpressure;
        this.live = live;
        this.finisher = finisher;
        this.config = config;
        this.threads = threads;
        this.clock = clock;
        this.libc = libc;
        this.proc = proc;
        this.signaller = signaller;
        this.keepers = keepers;
    }

    public Session start(SessionSpec spec) {
        return start(spec, () -> { });
    }

    /**
     * @param alsoWhenClaiming runs in the slot claim's transaction (taking a request off the queue),
     *                         so that the claim and it commit together or not at all
     * @throws dev.agentharness.core.error.NoFreeSlotException naming the busy slots
     */
    public Session start(SessionSpec spec, Runnable alsoWhenClaiming) {
        LiveSession session = live.register(() -> {
            Session claimed = transactor.inTransaction(() -> {
                alsoWhenClaiming.run();
                Session s = sessions.claimSlot(spec);
                events.append(s.id(), EventType.CREATED, data("slot", s.slot(), "command", spec.command(), "cwd", spec.cwd(),
                        "envKeys", new ArrayList<>(spec.env().keySet()), "name", spec.name()));
                if (spec.restartOf() != null) {
                    events.append(s.id(), EventType.RESTARTED, data("restartOf", spec.restartOf(), "restartCount", spec.restartCount()));
                }
                return s;
            });
            OutputPump pump = keepers.enabled() ? keepers.mirrorPump(claimed.id())
                    : new OutputPump(claimed.id(), writer, new ByteBudget(config.sessionBufferBytes(), backpressure),
                    new OutputTail(TAIL_BYTES), clock);
            LiveSession s = new LiveSession(claimed.id(), spec, claimed.slot(), pump, new ExitWatcher(libc), signaller, proc);
            s.lock().lock(); // held until the row says running (or failed)
            return s;
        });
        try {
            return spawn(session);
        } finally {
            session.lock().unlock();
        }
    }

    private Session spawn(LiveSession session) {
        SessionSpec spec = session.spec();
        Map<String, String> env = environment.forAgent(spec.env(), session.id(), session.slot());
        Optional<String> problem = preflight.check(spec.command(), spec.cwd(), env);
        if (problem.isPresent()) {
            return finisher.endWithoutProcess(session, problem.get());
        }
        if (keepers.enabled()) {
            KeeperAttacher.Launched launched = keepers.launch(session);
            if (launched.failure() != null) {
                return finisher.endWithoutProcess(session, launched.failure());
            }
            return recordRunning(session, launched.pid(), launched.agent() == null ? null : launched.agent().startTime(),
                    session.startedAt());
        }
        NuProcessBridge bridge = new NuProcessBridge(session.label(), session.pump(), finisher.eventsFor(session));
        NuProcess process;
        try {
            process = launcher.spawn(spec.command(), env, Paths.get(spec.cwd()).toAbsolutePath(), bridge);
        } catch (SpawnException e) {
            return finisher.endWithoutProcess(session, e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("session {}: spawning failed", session.label(), e);
            return finisher.endWithoutProcess(session, "could not spawn " + spec.command().get(0) + ": " + e.getMessage());
        }
        int pid = process.getPID();
        session.exitWatcher().watch(pid, threads.exitWatchers());
        // If the process is already gone (and reaped), its start time is unknown: it can never be signalled by mistake.
        Long startTime = awaitOwnSession(pid).map(ProcStat::startTime).orElse(null);
        Instant now = clock.instant();
        session.spawned(nuControl(process), startTime == null ? null : new ProcessIdentity(pid, startTime), now);
        finisher.watch(session);
        return recordRunning(session, pid, startTime, now);
    }

    private Session recordRunning(LiveSession session, int pid, Long startTime, Instant now) {
        Session running;
        try {
            running = recorder.change(session.id(), SessionStatus.RUNNING, null,
                    b -> b.pid(pid).pidStartTime(startTime).startedAt(now),
                    event(EventType.STARTED, "pid", pid, "pidStartTime", startTime, "slot", session.slot()));
        } catch (RuntimeException e) {
            // An agent the store does not know to be running could never be controlled: end it.
            session.requestStop(new StopCause(StopCause.Kind.USER, "the start could not be recorded: " + e.getMessage()));
            session.terminate(java.time.Duration.ZERO, threads.timer());
            throw e;
        }
        session.statusChanged(SessionStatus.RUNNING);
        LOG.info("session {} started in slot {} (pid {})", session.label(), session.slot(), pid);
        StopCause early = session.stopCause();
        if (early != null) {
            // A stop arrived while spawning; carry it out now that there is a process.
            session.terminate(config.stopGrace(), threads.timer());
        }
        return running;
    }

    private static AgentControl nuControl(NuProcess process) {
        return new AgentControl() {
            @Override
            public void writeStdin(byte[] bytes) {
                process.writeStdin(java.nio.ByteBuffer.wrap(bytes));
            }

            @Override
            public void closeStdin() {
                process.closeStdin(false);
            }

            @Override
            public boolean hasPendingWrites() {
                return process.hasPendingWrites();
            }

            @Override
            public void resize(dev.agentharness.core.TerminalSize size) {
                throw new UnsupportedOperationException("it runs on pipes, not a terminal");
            }
        };
    }

    /**
     * Waits (briefly) until the child has run {@code setsid}. Until then its process group does not
     * exist, and a signal sent to the group, a pause or a stop right after the start, would be lost.
     */
    private Optional<ProcStat> awaitOwnSession(int pid) {
        long deadline = System.nanoTime() + SETSID_WAIT.toNanos();
        while (true) {
            Optional<ProcStat> stat = proc.stat(pid);
            if (stat.isEmpty() || stat.get().session() == pid || stat.get().hasExited()) {
                return stat;
            }
            if (System.nanoTime() > deadline) {
                LOG.warn("pid {} has not become a session leader after {}; signals may miss it", pid, SETSID_WAIT);
                return stat;
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return stat;
            }
        }
    }
}
