package dev.agentharness.supervisor.internal.lifecycle;

import dev.agentharness.core.ControlChars;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.supervisor.internal.capture.OutputPump;
import dev.agentharness.supervisor.internal.process.ExitStatus;
import dev.agentharness.supervisor.internal.process.ExitWatcher;
import dev.agentharness.supervisor.internal.process.ProcInspector;
import dev.agentharness.supervisor.internal.process.ProcessGroupSignaller;
import dev.agentharness.supervisor.internal.process.ProcessIdentity;
import dev.agentharness.supervisor.internal.process.Signal;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One agent this supervisor runs: its process, its capture, and what the watchdog and the controls
 * need to know between database writes.
 *
 * <p>Status changes of a live session happen under {@link #lock()}, so the watchdog, the controls
 * and the end of the process never interleave their reads and writes of the row. Nothing that runs
 * on a NuProcess thread takes this lock.
 */
public final class LiveSession {
    private final String id;
    private final SessionSpec spec;
    private final int slot;
    private final OutputPump pump;
    private final ExitWatcher exitWatcher;
    private final ProcessGroupSignaller signaller;
    private final ProcInspector proc;
    private final ReentrantLock lock = new ReentrantLock();
    private final CompletableFuture<Void> reaped = new CompletableFuture<>();
    private final CompletableFuture<Void> outputEnded = new CompletableFuture<>();
    private final CompletableFuture<Session> ended = new CompletableFuture<>();

    private volatile AgentControl process;
    private volatile ProcessIdentity identity;
    private volatile long spawnedNanos;
    private volatile SessionStatus status = SessionStatus.STARTING;
    private volatile StopCause stopCause;
    private volatile boolean ending;

    // Guarded by lock.
    private Instant startedAt;
    private Instant activityBaseline;
    private Instant stalledSince;
    private int escalationLevel;
    private long arrivalsAtStatusChange;
    private long checkedTailVersion = -1;
    private boolean stdinClosed;

    public LiveSession(String id, SessionSpec spec, int slot, OutputPump pump, ExitWatcher exitWatcher,
                       ProcessGroupSignaller signaller, ProcInspector proc) {
        this.id = id;
        this.spec = spec;
        this.slot = slot;
        this.pump = pump;
        this.exitWatcher = exitWatcher;
        this.signaller = signaller;
        this.proc = proc;
    }

    public String id() {
        return id;
    }

    public SessionSpec spec() {
        return spec;
    }

    public int slot() {
        return slot;
    }

    public String label() {
        // Names are chosen by whoever starts a session: shown with control characters made visible,
        // so that a name cannot move a terminal's cursor or forge a log line.
        return spec.name() != null ? ControlChars.forLog(spec.name()) : id;
    }

    public ReentrantLock lock() {
        return lock;
    }

    public OutputPump pump() {
        return pump;
    }

    public ExitWatcher exitWatcher() {
        return exitWatcher;
    }

    /** Completes when NuProcess has drained both pipes and reaped the process. */
    public CompletableFuture<Void> reaped() {
        return reaped;
    }

    /** Completes when both pipes reached end of file: every byte the agent wrote has been delivered. */
    public CompletableFuture<Void> outputEnded() {
        return outputEnded;
    }

    /** Completes with the session as stored once it reached its terminal status. */
    public CompletableFuture<Session> ended() {
        return ended;
    }

    public void spawned(AgentControl control, ProcessIdentity who, Instant at) {
        this.process = control;
        this.identity = who;
        this.spawnedNanos = System.nanoTime();
        this.startedAt = at;
        this.activityBaseline = at;
    }

    /** How to reach the agent's input; null before the spawn. */
    public AgentControl process() {
        return process;
    }

    /** The agent's pid and start time; null before the spawn. */
    public ProcessIdentity identity() {
        return identity;
    }

    public Duration ranFor() {
        return spawnedNanos == 0 ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - spawnedNanos);
    }

    public SessionStatus status() {
        return status;
    }

    /** Records that the row now says {@code newStatus}; resets what a status change resets. */
    public void statusChanged(SessionStatus newStatus) {
        this.status = newStatus;
        this.arrivalsAtStatusChange = pump.arrivals();
        if (newStatus != SessionStatus.STALLED) {
            this.stalledSince = null;
            this.escalationLevel = 0;
        }
    }

    /** Whether output arrived since the last status change. */
    public boolean hasNewOutputSinceStatusChange() {
        return pump.arrivals() != arrivalsAtStatusChange;
    }

    public Instant startedAt() {
        return startedAt;
    }

    /** When the agent was last known to be active: its last output, its start, or its last resume. */
    public Instant lastActivity() {
        Instant out = pump.lastOutputAt();
        return out == null || out.isBefore(activityBaseline) ? activityBaseline : out;
    }

    /** Paused time does not count as silence: a resume restarts the stall clock. */
    public void resumedAt(Instant at) {
        this.activityBaseline = at;
    }

    public Instant stalledSince() {
        return stalledSince;
    }

    public int escalationLevel() {
        return escalationLevel;
    }

    public void escalated(int level, Instant since) {
        this.escalationLevel = level;
        if (since != null) {
            this.stalledSince = since;
        }
    }

    public long checkedTailVersion() {
        return checkedTailVersion;
    }

    public void tailChecked(long version) {
        this.checkedTailVersion = version;
    }

    public boolean stdinClosed() {
        return stdinClosed;
    }

    public void markStdinClosed() {
        this.stdinClosed = true;
    }

    public StopCause stopCause() {
        return stopCause;
    }

    /** The first cause wins: a timeout that the user then also stops stays a timeout. */
    public boolean requestStop(StopCause cause) {
        if (stopCause != null) {
            return false;
        }
        stopCause = cause;
        return true;
    }

    /** The main process has exited; the session is on its way to a terminal status. */
    public boolean isEnding() {
        return ending;
    }

    public void markEnding() {
        this.ending = true;
    }

    /**
     * Signals the agent's process group. Once NuProcess has reaped the agent, its group id is only
     * still ours while members of the group remain, so then the group is signalled only if members
     * that started after the agent are still there.
     *
     * @return whether anything received it
     */
    public boolean signal(Signal signal) {
        ProcessIdentity who = identity;
        if (who == null) {
            return false;
        }
        if (reaped.isDone() && proc.liveGroupMembers(who.pid(), who.pid(), who.startTime()).isEmpty()) {
            return false;
        }
        AgentControl control = process;
        AgentControl.Relayed relayed = control == null ? AgentControl.Relayed.NOT_RELAYED : control.signal(signal);
        if (relayed != AgentControl.Relayed.NOT_RELAYED) {
            // Its keeper signalled the group (protocol 2): the agent's parent knows the pid is still its own.
            return relayed == AgentControl.Relayed.RECEIVED;
        }
        // No keeper, one of protocol 1 (kept across an upgrade), or its connection is down while the
        // daemon reconnects: a stop must not wait for a keeper that may never answer, and the pid and
        // start time checked above make the group ours as they did before keepers took signals.
        return signaller.signalGroup(who.pid(), signal);
    }

    /**
     * SIGTERM (and SIGCONT, so that a paused group can act on it) now, SIGKILL after {@code grace}
     * unless the session has ended by then; a zero grace is SIGKILL at once.
     */
    public void terminate(Duration grace, ScheduledExecutorService timer) {
        if (grace.isZero() || grace.isNegative()) {
            signal(Signal.KILL);
            return;
        }
        signal(Signal.TERM);
        signal(Signal.CONT);
        timer.schedule(() -> {
            if (!ended.isDone()) {
                signal(Signal.KILL);
            }
        }, grace.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The exit, as soon as any path has seen it; null while the process runs. */
    public ExitStatus exitStatusNow() {
        return exitWatcher.exited().getNow(null);
    }
}
