package dev.agentharness.supervisor.internal;

import static dev.agentharness.supervisor.internal.lifecycle.StatusRecorder.data;
import static dev.agentharness.supervisor.internal.lifecycle.StatusRecorder.event;

import dev.agentharness.core.EventType;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.TerminalSize;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.error.HarnessException;
import dev.agentharness.core.error.NoSuchSessionException;
import dev.agentharness.core.error.SessionNotActiveException;
import dev.agentharness.core.store.SessionStore;
import dev.agentharness.supervisor.ReconcileReport;
import dev.agentharness.supervisor.StartOutcome;
import dev.agentharness.supervisor.Supervisor;
import dev.agentharness.supervisor.SupervisorConfig;
import dev.agentharness.supervisor.internal.capture.BatchWriter;
import dev.agentharness.agents.AgentOutputFollower;
import dev.agentharness.supervisor.internal.lifecycle.AgentLaunches;
import dev.agentharness.supervisor.internal.lifecycle.AutoRestarter;
import dev.agentharness.supervisor.internal.lifecycle.KeeperAttacher;
import dev.agentharness.supervisor.internal.lifecycle.LiveSession;
import dev.agentharness.supervisor.internal.lifecycle.LiveSessions;
import dev.agentharness.supervisor.internal.lifecycle.RestartSpecs;
import dev.agentharness.supervisor.internal.lifecycle.SessionFinisher;
import dev.agentharness.supervisor.internal.lifecycle.SessionStarter;
import dev.agentharness.supervisor.internal.lifecycle.SlotScheduler;
import dev.agentharness.supervisor.internal.lifecycle.StatusRecorder;
import dev.agentharness.supervisor.internal.lifecycle.StopCause;
import dev.agentharness.supervisor.internal.lifecycle.SupervisorThreads;
import dev.agentharness.supervisor.internal.process.Signal;
import dev.agentharness.supervisor.internal.recovery.CrashReconciler;
import dev.agentharness.supervisor.internal.recovery.SupervisorLock;
import dev.agentharness.supervisor.internal.watch.Watchdog;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Supervisor}: a thin front over the parts that do the work. {@link SessionStarter}
 * spawns, the capture classes store output, {@link SessionFinisher} ends sessions,
 * {@link SlotScheduler} queues, {@link Watchdog} watches, {@link CrashReconciler} recovers.
 */
@Singleton
public final class ProcessSupervisor implements Supervisor {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessSupervisor.class);
    private static final Duration WATCHDOG_TICK = Duration.ofMillis(100);
    private static final Duration END_POLL = Duration.ofMillis(250);
    /** Beyond the stop grace, how long a shutdown waits for agents to end and their output to drain. */
    private static final Duration SHUTDOWN_SLACK = Duration.ofSeconds(5);
    /** How long a send waits for the agent to read the input sent before it; see awaitStdinTaken. */
    static final Duration STDIN_WAIT = Duration.ofSeconds(10);
    private static final long STDIN_POLL_MS = 10;

    private enum State { NEW, RUNNING, SHUTTING_DOWN, SHUT_DOWN }

    private final SupervisorConfig config;
    private final SupervisorLock lock;
    private final CrashReconciler reconciler;
    private final BatchWriter writer;
    private final SessionStarter starter;
    private final SlotScheduler scheduler;
    private final AutoRestarter restarter;
    private final RestartSpecs restartSpecs;
    private final Watchdog watchdog;
    private final LiveSessions live;
    private final StatusRecorder recorder;
    private final SessionStore sessions;
    private final SupervisorThreads threads;
    private final Clock clock;
    private final AgentLaunches launches;
    private final AgentOutputFollower agentOutput;
    private final KeeperAttacher keepers;
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
    private ScheduledFuture<?> watchdogTask;

    @Inject
    public ProcessSupervisor(SupervisorConfig config, SupervisorLock lock, CrashReconciler reconciler, BatchWriter writer,
                             SessionStarter starter, SessionFinisher finisher, SlotScheduler scheduler, AutoRestarter restarter,
                             RestartSpecs restartSpecs, Watchdog watchdog, LiveSessions live, StatusRecorder recorder,
                             SessionStore sessions, SupervisorThreads threads, Clock clock, AgentLaunches launches,
                             AgentOutputFollower agentOutput, KeeperAttacher keepers) {
        this.keepers = keepers;
        this.config = config;
        this.lock = lock;
        this.reconciler = reconciler;
        this.writer = writer;
        this.starter = starter;
        this.scheduler = scheduler;
        this.restarter = restarter;
        this.restartSpecs = restartSpecs;
        this.watchdog = watchdog;
        this.live = live;
        this.recorder = recorder;
        this.sessions = sessions;
        this.threads = threads;
        this.clock = clock;
        this.launches = launches;
        this.agentOutput = agentOutput;
        finisher.addEndListener(ended -> scheduler.drainSoon());
        finisher.addEndListener(restarter::sessionEnded);
    }

    @Override
    public synchronized ReconcileReport start() {
        if (state.get() != State.NEW) {
            throw new IllegalStateException("the supervisor was already started");
        }
        lock.acquire();
        try {
            writer.start();
            ReconcileReport report = reconciler.reconcile(live::owned);
            agentOutput.start(AgentOutputFollower.DEFAULT_INTERVAL);
            crashed(report);
            keepers.prepareSpare();
            watchdogTask = threads.timer().scheduleWithFixedDelay(this::tickQuietly, WATCHDOG_TICK.toMillis(),
                    WATCHDOG_TICK.toMillis(), TimeUnit.MILLISECONDS);
            state.set(State.RUNNING);
            scheduler.resume();
            return report;
        } catch (RuntimeException e) {
            agentOutput.close();
            writer.close();
            lock.close();
            throw e;
        }
    }

    @Override
    public synchronized ReconcileReport reconcileOnce(Duration settle) {
        if (!state.compareAndSet(State.NEW, State.SHUTTING_DOWN)) {
            throw new IllegalStateException("the supervisor was already started");
        }
        lock.acquire();
        try {
            writer.start();
            ReconcileReport report = reconciler.reconcile(live::owned);
            agentOutput.start(AgentOutputFollower.DEFAULT_INTERVAL);
            CompletableFuture<?>[] decisions = crashed(report).toArray(CompletableFuture[]::new);
            try {
                CompletableFuture.allOf(decisions).get(settle.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                LOG.warn("not every on-crash resume was decided within {} ms; the sessions still undecided are not resumed",
                        settle.toMillis());
            } catch (Exception e) {
                LOG.warn("deciding on-crash resumes failed: {}", e.toString());
            }
            return report;
        } finally {
            restarter.disable();
            agentOutput.close();
            writer.close();
            threads.shutdown();
            lock.close();
            state.set(State.SHUT_DOWN);
        }
    }

    /**
     * Sessions the reconciler ended crashed may come back resumed (restart policy on-crash),
     * queued durably; one future per session, complete when its decision is made.
     */
    private List<CompletableFuture<Void>> crashed(ReconcileReport report) {
        List<CompletableFuture<Void>> decisions = new java.util.ArrayList<>();
        for (ReconcileReport.Item item : report.items()) {
            try {
                decisions.add(restarter.sessionCrashed(item.sessionId()));
            } catch (RuntimeException e) {
                LOG.warn("session {}: cannot consider it for resuming: {}", item.label(), e.getMessage());
            }
        }
        return decisions;
    }

    @Override
    public Session startSession(SessionSpec spec) {
        requireRunning();
        return starter.start(launches.prepare(spec, false));
    }

    @Override
    public StartOutcome startOrQueue(SessionSpec spec) {
        requireRunning();
        return scheduler.startOrQueue(launches.prepare(spec, false));
    }

    @Override
    public CompletableFuture<Session> whenDequeued(long queueId) {
        return scheduler.whenDequeued(queueId);
    }

    @Override
    public void send(String sessionId, byte[] bytes) {
        LiveSession s = requireLive(sessionId, "send input to");
        awaitStdinTaken(s);
        s.lock().lock();
        try {
            requireProcess(s, "send input to");
            if (s.stdinClosed()) {
                throw new HarnessException("cannot send input to session " + s.label() + ": its stdin is closed");
            }
            try {
                s.process().writeStdin(bytes.clone());
            } catch (IllegalStateException closed) {
                throw new HarnessException("cannot send input to session " + s.label() + ": its stdin is closed");
            }
            s.pump().tail().clear(); // whatever prompt it showed has its answer now
            StatusRecorder.Event input = event(EventType.INPUT, "bytes", bytes.length);
            if (s.status() == SessionStatus.WAITING_CHECKPOINT) {
                recorder.change(sessionId, SessionStatus.RUNNING, "input sent", b -> b.reason(null), input);
                s.statusChanged(SessionStatus.RUNNING);
            } else {
                recorder.record(sessionId, input.type(), input.data());
            }
        } finally {
            s.lock().unlock();
        }
    }

    /**
     * Input waits here, not in memory: NuProcess queues whatever it is given until the agent reads
     * it, without a bound, and {@code harness send S - < 150MB} to an agent that never read its stdin
     * took the daemon's heap. So a send first waits (at most {@link #STDIN_WAIT}) until the agent has
     * taken everything sent before; then at most one request's bytes are queued per session. A sender
     * that outpaces the agent is slowed down to its pace, and one whose agent does not read at all is
     * refused with nothing of its request sent.
     */
    private void awaitStdinTaken(LiveSession s) {
        long deadline = System.nanoTime() + STDIN_WAIT.toNanos();
        while (true) {
            var p = s.process();
            if (p == null || !p.hasPendingWrites()) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new HarnessException("cannot send input to session " + s.label() + ": it has not read the input sent before for "
                        + STDIN_WAIT.toSeconds() + "s; nothing of this was sent");
            }
            try {
                Thread.sleep(STDIN_POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HarnessException("cannot send input to session " + s.label() + ": interrupted; nothing was sent");
            }
        }
    }

    @Override
    public void closeStdin(String sessionId) {
        LiveSession s = requireLive(sessionId, "close the input of");
        s.lock().lock();
        try {
            requireProcess(s, "close the input of");
            if (!s.stdinClosed()) {
                s.process().closeStdin();
                s.markStdinClosed();
                recorder.record(sessionId, EventType.INPUT, data("closed", true));
            }
        } finally {
            s.lock().unlock();
        }
    }

    @Override
    public void resize(String sessionId, TerminalSize size) {
        LiveSession s = requireLive(sessionId, "resize");
        if (!s.spec().tty()) {
            throw new HarnessException("cannot resize session " + s.label() + ": it runs on pipes, not a terminal");
        }
        resizeTerminal(s, size);
        watchdog.terminalResized(s.id(), size);
        // harness screen replays the stored bytes at the sizes they were drawn for: it needs every change.
        recorder.record(s.id(), EventType.INPUT, data("resize", size.toString()));
    }

    /** The keeper gives the agent's terminal the new size; the kernel sends its foreground group SIGWINCH. */
    private void resizeTerminal(LiveSession s, TerminalSize size) {
        s.lock().lock();
        try {
            requireProcess(s, "resize");
            try {
                s.process().resize(size);
            } catch (UnsupportedOperationException | IllegalStateException e) {
                throw new HarnessException("cannot resize session " + s.label() + ": " + e.getMessage());
            }
        } finally {
            s.lock().unlock();
        }
    }

    @Override
    public CompletableFuture<Session> stop(String sessionId, Duration grace, boolean force) {
        LiveSession s = requireLive(sessionId, "stop");
        s.lock().lock();
        try {
            if (s.isEnding()) {
                return s.ended(); // it is already exiting on its own
            }
            s.requestStop(StopCause.user());
            recorder.record(sessionId, EventType.STOP_REQUESTED, data("by", "user", "graceMs", grace.toMillis(), "force", force));
            if (s.process() != null) {
                s.terminate(force ? Duration.ZERO : grace, threads.timer());
            }
        } finally {
            s.lock().unlock();
        }
        return s.ended();
    }

    @Override
    public Session pause(String sessionId) {
        LiveSession s = requireLive(sessionId, "pause");
        s.lock().lock();
        try {
            requireProcess(s, "pause");
            if (s.status() == SessionStatus.PAUSED) {
                return current(sessionId);
            }
            s.signal(Signal.STOP);
            Session paused = recorder.change(sessionId, SessionStatus.PAUSED, "paused by user", b -> b, event(EventType.PAUSED));
            s.statusChanged(SessionStatus.PAUSED);
            return paused;
        } finally {
            s.lock().unlock();
        }
    }

    @Override
    public Session resume(String sessionId) {
        LiveSession s = requireLive(sessionId, "resume");
        s.lock().lock();
        try {
            requireProcess(s, "resume");
            if (s.status() != SessionStatus.PAUSED) {
                return current(sessionId);
            }
            s.signal(Signal.CONT);
            Session resumed = recorder.change(sessionId, SessionStatus.RUNNING, "resumed by user",
                    b -> b.stalledSince(null).escalationLevel(0), event(EventType.RESUMED));
            s.statusChanged(SessionStatus.RUNNING);
            s.resumedAt(clock.instant());
            return resumed;
        } finally {
            s.lock().unlock();
        }
    }

    @Override
    public Session restart(String sessionId) {
        return restart(sessionId, java.util.Map.of());
    }

    @Override
    public Session restart(String sessionId, java.util.Map<String, String> env) {
        requireRunning();
        Session previous = sessions.get(sessionId).orElseThrow(() -> new NoSuchSessionException(sessionId));
        if (previous.status().isActive()) {
            throw new HarnessException("session " + previous.label() + " is " + previous.status().wireName()
                    + "; only a finished session can be restarted (stop it first)");
        }
        SessionSpec next = restartSpecs.restartOf(previous);
        if (!env.isEmpty()) {
            java.util.Map<String, String> merged = new java.util.TreeMap<>(next.env());
            merged.putAll(env);
            next = next.withEnv(merged);
        }
        return starter.start(next);
    }

    @Override
    public Session resumeConversation(String sessionId, String prompt) {
        requireRunning();
        Session previous = sessions.get(sessionId).orElseThrow(() -> new NoSuchSessionException(sessionId));
        if (previous.status().isActive()) {
            throw new HarnessException("session " + previous.label() + " is " + previous.status().wireName()
                    + "; only a finished session's conversation can be resumed (a paused one is continued without a prompt)");
        }
        Session next = starter.start(restartSpecs.resumeOf(previous, prompt));
        recorder.record(previous.id(), EventType.RESUMED_AS, data("sessionId", next.id()));
        return next;
    }

    @Override
    public CompletableFuture<Session> whenEnded(String sessionId) {
        LiveSession s = live.get(sessionId).orElse(null);
        if (s != null) {
            return s.ended();
        }
        Session row = sessions.get(sessionId).orElse(null);
        if (row == null) {
            return CompletableFuture.failedFuture(new NoSuchSessionException(sessionId));
        }
        if (row.status().isTerminal()) {
            return CompletableFuture.completedFuture(row);
        }
        // Active but not run by us (being started this instant, or left for reconcile): watch the row.
        CompletableFuture<Session> f = new CompletableFuture<>();
        ScheduledFuture<?> poll;
        try {
            poll = threads.timer().scheduleWithFixedDelay(() -> {
            LiveSession now = live.get(sessionId).orElse(null);
            if (now != null) {
                now.ended().whenComplete((v, e) -> {
                    if (e != null) {
                        f.completeExceptionally(e);
                    } else {
                        f.complete(v);
                    }
                });
                return;
            }
            sessions.get(sessionId).filter(r -> r.status().isTerminal()).ifPresent(f::complete);
            }, END_POLL.toMillis(), END_POLL.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException shutDown) {
            return CompletableFuture.failedFuture(new HarnessException("the harness is shutting down"));
        }
        f.whenComplete((v, e) -> poll.cancel(false));
        return f;
    }

    @Override
    public ReconcileReport reconcile() {
        requireRunning();
        ReconcileReport report = reconciler.reconcile(live::owned);
        if (!report.isEmpty()) {
            scheduler.drainSoon();
            crashed(report);
        }
        return report;
    }

    @Override
    public void shutdownKeepingAgents(Duration grace) {
        if (!keepers.enabled()) {
            shutdown(grace);
            return;
        }
        synchronized (this) {
            if (state.get() != State.RUNNING) {
                shutdown(grace);
                return;
            }
            state.set(State.SHUTTING_DOWN);
        }
        LOG.info("shutting down, keeping {} agent(s) running under their keepers", live.all().size());
        scheduler.pause();
        restarter.disable();
        if (watchdogTask != null) {
            watchdogTask.cancel(false);
        }
        // Sessions already ending finish first, so that their exit is stored now rather than at the next start.
        List<LiveSession> ending = live.all().stream().filter(LiveSession::isEnding).toList();
        try {
            CompletableFuture.allOf(ending.stream().map(LiveSession::ended).toArray(CompletableFuture[]::new))
                    .get(SHUTDOWN_SLACK.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // the next daemon ends them from their exit records
        }
        keepers.detachAll();
        keepers.close();
        writer.close();
        threads.shutdown();
        lock.close();
        state.set(State.SHUT_DOWN);
        LOG.info("supervisor shut down; agents keep running");
    }

    @Override
    public void shutdown(Duration grace) {
        synchronized (this) {
            State was = state.get();
            if (was == State.SHUTTING_DOWN || was == State.SHUT_DOWN) {
                return;
            }
            state.set(State.SHUTTING_DOWN);
            if (was == State.NEW) {
                agentOutput.close();
                writer.close();
                threads.shutdown();
                state.set(State.SHUT_DOWN);
                return;
            }
        }
        LOG.info("shutting down: stopping {} agent(s)", live.all().size());
        keepers.close();
        scheduler.pause();
        restarter.disable();
        if (watchdogTask != null) {
            watchdogTask.cancel(false);
        }
        long deadline = System.nanoTime() + grace.plus(SHUTDOWN_SLACK).toNanos();
        while (!live.isEmpty() && System.nanoTime() < deadline) {
            List<LiveSession> running = live.all();
            for (LiveSession s : running) {
                stopForShutdown(s, grace);
            }
            try {
                long left = Math.max(1, deadline - System.nanoTime());
                CompletableFuture.allOf(running.stream().map(LiveSession::ended).toArray(CompletableFuture[]::new))
                        .get(left, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                break;
            } catch (Exception e) {
                // an end that failed to record is logged where it happened
            }
        }
        if (!live.isEmpty()) {
            LOG.warn("{} agent(s) did not end in time; the next harness will reconcile them", live.all().size());
        }
        writer.close();
        agentOutput.close(); // after the writer: its last pass reads the last output
        threads.shutdown();
        lock.close();
        state.set(State.SHUT_DOWN);
        LOG.info("supervisor shut down");
    }

    @Override
    public void close() {
        shutdown(config.stopGrace());
    }

    private void stopForShutdown(LiveSession s, Duration grace) {
        s.lock().lock();
        try {
            if (s.isEnding()) {
                return;
            }
            // A stop already under way (with a longer grace, maybe) keeps its cause but gets this grace.
            if (s.requestStop(StopCause.shutdown())) {
                try {
                    recorder.record(s.id(), EventType.STOP_REQUESTED, data("by", "shutdown", "graceMs", grace.toMillis()));
                } catch (RuntimeException e) {
                    LOG.warn("session {}: could not record the stop request: {}", s.label(), e.getMessage());
                }
            }
            if (s.process() != null) {
                s.terminate(grace, threads.timer());
            }
        } finally {
            s.lock().unlock();
        }
    }

    private void tickQuietly() {
        try {
            watchdog.tick();
        } catch (Throwable t) {
            LOG.error("watchdog tick failed", t);
        }
    }

    private void requireRunning() {
        State s = state.get();
        if (s == State.NEW) {
            throw new IllegalStateException("the supervisor is not started");
        }
        if (s != State.RUNNING) {
            throw new HarnessException("the harness is shutting down");
        }
    }

    private LiveSession requireLive(String sessionId, String operation) {
        LiveSession s = live.get(sessionId).orElse(null);
        if (s != null) {
            return s;
        }
        Session row = sessions.get(sessionId).orElseThrow(() -> new NoSuchSessionException(sessionId));
        if (row.status().isTerminal()) {
            throw new SessionNotActiveException(row.label(), row.status(), operation);
        }
        throw new HarnessException("cannot " + operation + " session " + row.label() + ": no agent process is attached to it"
                + " (it is " + row.status().wireName() + " in the store but not run by this harness; try harness recover)");
    }

    private void requireProcess(LiveSession s, String operation) {
        if (s.isEnding() || s.process() == null || s.status().isTerminal()) {
            Session row = current(s.id());
            if (row.status().isTerminal()) {
                throw new SessionNotActiveException(row.label(), row.status(), operation);
            }
            throw new HarnessException("cannot " + operation + " session " + s.label() + ": its process has exited");
        }
    }

    private Session current(String sessionId) {
        return sessions.get(sessionId).orElseThrow(() -> new NoSuchSessionException(sessionId));
    }
}
