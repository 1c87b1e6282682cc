package dev.agentharness.supervisor.internal.lifecycle;

import static dev.agentharness.supervisor.internal.lifecycle.StatusRecorder.event;

import dev.agentharness.core.EventType;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.error.HarnessException;
import dev.agentharness.core.error.StoreException;
import dev.agentharness.core.store.SessionStore;
import dev.agentharness.supervisor.SupervisorConfig;
import dev.agentharness.supervisor.internal.capture.BackpressureGauge;
import dev.agentharness.supervisor.internal.capture.BatchWriter;
import dev.agentharness.supervisor.internal.capture.ProcessEvents;
import dev.agentharness.supervisor.internal.process.ExitStatus;
import dev.agentharness.supervisor.internal.process.ProcInspector;
import dev.agentharness.supervisor.internal.process.ProcStat;
import dev.agentharness.supervisor.internal.process.ProcessIdentity;
import dev.agentharness.supervisor.internal.process.Signal;
import dev.agentharness.supervisor.internal.process.SpawnFailureClassifier;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends sessions: from the moment the agent's main process exits to the terminal status.
 *
 * <ol>
 *   <li>The {@link dev.agentharness.supervisor.internal.process.ExitWatcher} reports the exit at
 *       once, even while a grandchild still holds the pipes.</li>
 *   <li>Whatever is left in the agent's process group gets SIGTERM, and SIGKILL after
 *       {@code orphanGrace}; a GROUP_TERMINATED event records it.</li>
 *   <li>The session ends once NuProcess has drained the pipes, or, if something outside the group
 *       keeps them open, once capture has been idle for a short cap.</li>
 *   <li>All of the session's captured output is committed BEFORE the terminal status is written,
 *       so a follower that sees the terminal status has seen every byte.</li>
 * </ol>
 */
@Singleton
public final class SessionFinisher {
    private static final Logger LOG = LoggerFactory.getLogger(SessionFinisher.class);
    /** Quiet time after which open pipes no longer delay the end of a session whose group is gone. */
    static final Duration PIPE_HOLDER_CAP = Duration.ofMillis(700);
    private static final Duration DRAIN_CHECK = Duration.ofMillis(50);
    private static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(60);
    private static final long[] RECORD_RETRY_MS = {100, 200, 400, 800, 1000};

    private final StatusRecorder recorder;
    private final SessionStore sessions;
    private final BatchWriter writer;
    private final BackpressureGauge backpressure;
    private final LiveSessions live;
    private final SupervisorThreads threads;
    private final SupervisorConfig config;
    private final SpawnFailureClassifier classifier;
    private final ProcInspector proc;
    private final List<Consumer<Ended>> listeners = new CopyOnWriteArrayList<>();

    /**
     * @param session      as stored with its terminal status
     * @param spawnFailure whether it never really ran (the launch failed)
     */
    public record Ended(Session session, boolean spawnFailure) {
    }

    @Inject
    public SessionFinisher(StatusRecorder recorder, SessionStore sessions, BatchWriter writer, BackpressureGauge backpressure,
                           LiveSessions live, SupervisorThreads threads, SupervisorConfig config,
                           SpawnFailureClassifier classifier, ProcInspector proc) {
        this.recorder = recorder;
        this.sessions = sessions;
        this.writer = writer;
        this.backpressure = backpressure;
        this.live = live;
        this.threads = threads;
        this.config = config;
        this.classifier = classifier;
        this.proc = proc;
    }

    /** Called (on a lifecycle thread) after every session's terminal status is written. */
    public void addEndListener(Consumer<Ended> listener) {
        listeners.add(listener);
    }

    /** What the byte source reports about the process, wired to the session's exit watch. */
    public ProcessEvents eventsFor(LiveSession session) {
        return new ProcessEvents() {
            @Override
            public void pipeClosed(int pid) {
                session.exitWatcher().poll(pid);
                if (session.pump().isDrained()) {
                    session.outputEnded().complete(null);
                }
            }

            @Override
            public void reaped(int nuProcessCode) {
                session.exitWatcher().reaped(nuProcessCode);
                session.reaped().complete(null);
            }
        };
    }

    /** Arms the end of a spawned session. */
    public void watch(LiveSession session) {
        session.exitWatcher().exited().thenAcceptAsync(status -> onMainExit(session, status), threads.work());
    }

    /** Ends a session that never got a process: pre-flight or spawn failure. Its slot is free afterwards. */
    public Session endWithoutProcess(LiveSession session, String reason) {
        Session ended;
        session.lock().lock();
        try {
            ended = recorder.change(session.id(), SessionStatus.FAILED, reason, b -> b,
                    event(EventType.SPAWN_FAILED, "reason", reason));
            session.statusChanged(SessionStatus.FAILED);
        } finally {
            session.lock().unlock();
        }
        LOG.info("session {} failed to start: {}", session.label(), reason);
        conclude(session, ended, true);
        return ended;
    }

    private void onMainExit(LiveSession session, ExitStatus status) {
        GroupCleanup cleanup;
        Duration ranFor;
        // The starter holds this lock until the row says running: never end a session before that.
        session.lock().lock();
        try {
            session.markEnding();
            ranFor = session.ranFor();
            cleanup = terminateLeftovers(session);
        } finally {
            session.lock().unlock();
        }
        new DrainWait(session, () -> finish(session, status, ranFor, cleanup)).start();
    }

    private GroupCleanup terminateLeftovers(LiveSession session) {
        ProcessIdentity who = session.identity();
        if (who == null) {
            return null;
        }
        List<ProcStat> left = proc.liveGroupMembers(who.pid(), who.pid(), who.startTime());
        if (left.isEmpty()) {
            return null;
        }
        List<Integer> pids = new ArrayList<>();
        left.forEach(p -> pids.add(p.pid()));
        GroupCleanup cleanup = new GroupCleanup(pids);
        LOG.info("session {}: main process exited, terminating {} leftover process(es) of its group", session.label(), pids.size());
        session.signal(Signal.TERM);
        session.signal(Signal.CONT);
        threads.timer().schedule(() -> {
            if (!proc.liveGroupMembers(who.pid(), who.pid(), who.startTime()).isEmpty()) {
                cleanup.killed = true;
                session.signal(Signal.KILL);
            }
        }, config.orphanGrace().toMillis(), TimeUnit.MILLISECONDS);
        return cleanup;
    }

    private void finish(LiveSession session, ExitStatus status, Duration ranFor, GroupCleanup cleanup) {
        session.pump().close();
        try {
            writer.flush().get(FLUSH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.error("session {}: output not committed after {}; ending it anyway", session.label(), FLUSH_TIMEOUT);
        } catch (Exception e) {
            LOG.error("session {}: flushing output failed", session.label(), e);
        }
        if (session.pump().droppedBytes() > 0) {
            LOG.warn("session {}: {} bytes arrived after its end and were not stored", session.label(), session.pump().droppedBytes());
        }
        Session ended;
        boolean spawnFailure = false;
        Retry retry = null;
        session.lock().lock();
        try {
            StopCause cause = session.stopCause();
            Optional<String> launchFailure = cause != null ? Optional.empty()
                    : classifier.classify(status, ranFor, session.pump().stderrHead(), session.spec().command().get(0));
            SessionStatus to;
            String reason;
            if (launchFailure.isPresent()) {
                to = SessionStatus.FAILED;
                reason = launchFailure.get();
                spawnFailure = true;
            } else if (cause != null) {
                to = cause.terminalStatus();
                reason = cause.reason();
            } else if (status.isSuccess()) {
                to = SessionStatus.COMPLETED;
                reason = null;
            } else {
                to = SessionStatus.FAILED;
                reason = status.describe();
            }
            List<StatusRecorder.Event> events = new ArrayList<>();
            events.add(event(EventType.EXITED, "exitCode", status.recordedCode(), "signal",
                    status.signal() == null ? null : Signal.nameOf(status.signal()), "description", status.describe(),
                    "exact", status.exact()));
            if (cleanup != null) {
                events.add(event(EventType.GROUP_TERMINATED, "processes", cleanup.pids.size(), "pids", cleanup.pids,
                        "killed", cleanup.killed));
            }
            if (spawnFailure) {
                events.add(event(EventType.SPAWN_FAILED, "reason", reason));
            }
            try {
                ended = recorder.change(session.id(), to, reason, b -> b.exitCode(status.recordedCode()), events);
            } catch (StoreException e) {
                // A full disk, an I/O error, a database locked for longer than the busy timeout: retried below.
                LOG.warn("session {}: could not record its end ({}); retrying until it can be stored", session.label(), e.getMessage());
                ended = null;
                retry = new Retry(to, reason, status, events);
            } catch (HarnessException e) {
                LOG.warn("session {}: could not record its end ({}); keeping what the store says", session.label(), e.getMessage());
                ended = sessions.get(session.id()).orElse(null);
            }
            session.statusChanged(to);
        } finally {
            session.lock().unlock();
        }
        if (retry != null) {
            // Outside the lock, so that a shutdown (which takes it) is never held up by a full disk.
            ended = recordEndEventually(session, retry);
        }
        LOG.info("session {} ended {} ({})", session.label(), ended == null ? "?" : ended.status(), status.describe());
        conclude(session, ended, spawnFailure);
    }

    private record Retry(SessionStatus to, String reason, ExitStatus status, List<StatusRecorder.Event> events) {
    }

    /**
     * Records the end once the store takes it again. Until then the session stays live, its slot
     * taken, and whoever waits for its end waits; the supervisor shutting down (which interrupts
     * this thread) gives up, and the next harness reconciles the row.
     */
    private Session recordEndEventually(LiveSession session, Retry r) {
        // Output before the end, always: while the disk is full the writer holds the session's last
        // output, and a follower that sees the end stops reading.
        CompletableFuture<Void> flushed = writer.flush();
        for (int attempt = 0; ; attempt++) {
            try {
                Thread.sleep(RECORD_RETRY_MS[Math.min(attempt, RECORD_RETRY_MS.length - 1)]);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                LOG.warn("session {}: its end was never stored; the next harness will reconcile it", session.label());
                try {
                    return sessions.get(session.id()).orElse(null);
                } catch (HarnessException unreadable) {
                    return null;
                }
            }
            if (!flushed.isDone()) {
                continue;
            }
            try {
                Session ended = recorder.change(session.id(), r.to(), r.reason(), b -> b.exitCode(r.status().recordedCode()),
                        r.events());
                LOG.info("session {}: its end is stored after all", session.label());
                return ended;
            } catch (StoreException e) {
                if (attempt % 30 == 29) {
                    LOG.warn("session {}: still cannot record its end ({})", session.label(), e.getMessage());
                }
            } catch (HarnessException e) {
                LOG.warn("session {}: could not record its end ({}); keeping what the store says", session.label(), e.getMessage());
                return sessions.get(session.id()).orElse(null);
            }
        }
    }

    private void conclude(LiveSession session, Session ended, boolean spawnFailure) {
        live.remove(session);
        if (ended == null) {
            session.ended().completeExceptionally(new HarnessException("session " + session.label() + " vanished from the store"));
            return;
        }
        session.ended().complete(ended);
        for (Consumer<Ended> l : listeners) {
            try {
                l.accept(new Ended(ended, spawnFailure));
            } catch (RuntimeException e) {
                LOG.error("end listener failed for session {}", session.label(), e);
            }
        }
    }

    /** Who was left in the group when the main process exited. */
    private static final class GroupCleanup {
        final List<Integer> pids;
        volatile boolean killed;

        GroupCleanup(List<Integer> pids) {
            this.pids = List.copyOf(pids);
        }
    }

    /**
     * Waits until the output is complete: both pipes at end of file (or NuProcess has reaped, which
     * it does only after that). Not for the reap itself: NuProcess looks for exited processes only
     * every {@code deadPoolPollMs}, which made every session end up to 100 ms late, and the main
     * process's exit is already known here. Not forever either: when the group is gone and nothing has
     * been captured anywhere for {@link #PIPE_HOLDER_CAP} (and no reader waits on its budget, which
     * could be hiding unread bytes), the pipes must be held by a process outside the group, and the
     * session ends without them.
     */
    private final class DrainWait {
        private final LiveSession session;
        private final Runnable then;
        private final CompletableFuture<Void> done = new CompletableFuture<>();
        private long arrivals = -1;
        private long waits = -1;
        private long quietSinceNanos;
        private ScheduledFuture<?> check;

        DrainWait(LiveSession session, Runnable then) {
            this.session = session;
            this.then = then;
        }

        void start() {
            done.thenRunAsync(then, threads.work());
            session.reaped().thenRun(() -> done.complete(null));
            session.outputEnded().thenRun(() -> done.complete(null));
            if (!done.isDone()) {
                check = threads.timer().scheduleWithFixedDelay(this::check, DRAIN_CHECK.toMillis(), DRAIN_CHECK.toMillis(),
                        TimeUnit.MILLISECONDS);
                done.thenRun(() -> check.cancel(false));
            }
        }

        private void check() {
            ProcessIdentity who = session.identity();
            long nowArrivals = session.pump().arrivals();
            long nowWaits = backpressure.waitsStarted();
            boolean groupGone = who == null || proc.liveGroupMembers(who.pid(), who.pid(), who.startTime()).isEmpty();
            if (!groupGone || nowArrivals != arrivals || nowWaits != waits || backpressure.waitingNow() > 0) {
                arrivals = nowArrivals;
                waits = nowWaits;
                quietSinceNanos = System.nanoTime();
                return;
            }
            if (System.nanoTime() - quietSinceNanos >= PIPE_HOLDER_CAP.toNanos()) {
                LOG.info("session {}: its pipes are still held open by a process outside its group; ending it without them",
                        session.label());
                done.complete(null);
            }
        }
    }
}
