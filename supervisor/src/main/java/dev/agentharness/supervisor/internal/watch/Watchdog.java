package dev.agentharness.supervisor.internal.watch;

import static dev.agentharness.supervisor.internal.lifecycle.StatusRecorder.event;

import dev.agentharness.core.DurationFormat;
import dev.agentharness.core.EventType;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.supervisor.SupervisorConfig;
import dev.agentharness.supervisor.internal.capture.OutputTail;
import dev.agentharness.supervisor.internal.lifecycle.LiveSession;
import dev.agentharness.supervisor.internal.lifecycle.LiveSessions;
import dev.agentharness.supervisor.internal.lifecycle.StatusRecorder;
import dev.agentharness.supervisor.internal.lifecycle.StopCause;
import dev.agentharness.supervisor.internal.lifecycle.SupervisorThreads;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import dev.agentharness.terminal.Prompt;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the live sessions: maximum runtime, stalls with their escalation (seed 000: warn, then
 * stop), and checkpoint prompts (GSD's {@code waiting_checkpoint}).
 *
 * <p>A scheduler calls {@link #tick()} about every 100 ms, but every decision compares
 * {@code clock.instant()} with recorded instants, never the scheduler's real time, so a test can
 * move a mutable clock and call {@code tick()} itself.
 *
 * <p>Paused sessions are left alone, and a resume restarts the silence clock, so paused time never
 * counts as a stall. A session waiting at a checkpoint is waiting for a person, not stalled.
 */
@Singleton
public final class Watchdog {
    private static final Logger LOG = LoggerFactory.getLogger(Watchdog.class);
    /** Escalation levels, as stored on the session. */
    public static final int WARNED = 1;
    public static final int STOPPED = 2;

    private final LiveSessions live;
    private final StatusRecorder recorder;
    private final CheckpointDetector detector;
    private final ScreenCheckpointDetector screenDetector;
    private final SupervisorConfig config;
    private final SupervisorThreads threads;
    private final Clock clock;
    private final HookActivity hooks;

    @Inject
    public Watchdog(LiveSessions live, StatusRecorder recorder, CheckpointDetector detector,
                    ScreenCheckpointDetector screenDetector, SupervisorConfig config, SupervisorThreads threads, Clock clock,
                    HookActivity hooks) {
        this.hooks = hooks;
        this.live = live;
        this.recorder = recorder;
        this.detector = detector;
        this.screenDetector = screenDetector;
        this.config = config;
        this.threads = threads;
        this.clock = clock;
    }

    public void tick() {
        Instant now = clock.instant();
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (LiveSession s : live.all()) {
            ids.add(s.id());
            try {
                check(s, now);
            } catch (RuntimeException e) {
                LOG.warn("watchdog: checking session {} failed: {}", s.label(), e.toString());
            }
        }
        screenDetector.retainOnly(ids);
        hooks.retainOnly(ids);
    }

    /** A terminal session was resized: its screen, as the checkpoint detector keeps it, follows. */
    public void terminalResized(String sessionId, dev.agentharness.core.TerminalSize size) {
        screenDetector.resized(sessionId, size);
    }

    private void check(LiveSession s, Instant now) {
        s.lock().lock();
        try {
            SessionStatus status = s.status();
            boolean watched = status == SessionStatus.RUNNING || status == SessionStatus.STALLED
                    || status == SessionStatus.WAITING_CHECKPOINT;
            if (!watched || s.isEnding() || s.stopCause() != null) {
                return;
            }
            Duration maxRuntime = s.spec().maxRuntime();
            if (maxRuntime != null && s.startedAt() != null && !now.isBefore(s.startedAt().plus(maxRuntime))) {
                timeOut(s, maxRuntime);
                return;
            }
            if (hooks.follows(s)) {
                // The agent's hooks say exactly when it waits; its output (a TUI redrawing) says nothing more.
                status = hookCheckpoint(s, status);
            } else if (status != SessionStatus.RUNNING && s.hasNewOutputSinceStatusChange() && !stillAtThePrompt(s, status)) {
                backToRunning(s, status);
                status = SessionStatus.RUNNING;
            }
            Duration stallTimeout = s.spec().stallTimeout() != null ? s.spec().stallTimeout() : config.stallTimeout();
            if (status == SessionStatus.RUNNING) {
                Instant last = s.lastActivity();
                if (!now.isBefore(last.plus(stallTimeout))) {
                    stall(s, now, last);
                    return;
                }
                if (!hooks.follows(s)) {
                    checkpoint(s, now);
                }
            } else if (status == SessionStatus.STALLED) {
                escalate(s, now, stallTimeout);
            }
        } finally {
            s.lock().unlock();
        }
    }

    private void timeOut(LiveSession s, Duration maxRuntime) {
        String reason = "ran longer than its max runtime of " + DurationFormat.format(maxRuntime);
        if (s.requestStop(new StopCause(StopCause.Kind.TIMEOUT, reason))) {
            recorder.record(s.id(), EventType.TIMED_OUT, StatusRecorder.data("maxRuntime", DurationFormat.format(maxRuntime)));
            LOG.info("session {} {}; stopping it", s.label(), reason);
            s.terminate(config.stopGrace(), threads.timer());
        }
    }

    private void backToRunning(LiveSession s, SessionStatus from) {
        String reason = from == SessionStatus.STALLED ? "output resumed" : "output after the checkpoint";
        if (from == SessionStatus.STALLED) {
            recorder.change(s.id(), SessionStatus.RUNNING, reason, b -> b.stalledSince(null).escalationLevel(0),
                    event(EventType.RECOVERED, "after", "stall"));
        } else {
            recorder.change(s.id(), SessionStatus.RUNNING, reason, b -> b.reason(null));
        }
        s.statusChanged(SessionStatus.RUNNING);
    }

    private void stall(LiveSession s, Instant now, Instant lastActivity) {
        Duration silent = Duration.between(lastActivity, now);
        recorder.change(s.id(), SessionStatus.STALLED, "no output for " + DurationFormat.humanize(silent),
                b -> b.stalledSince(now).escalationLevel(WARNED),
                event(EventType.STALLED, "silentForMs", silent.toMillis(), "lastActivityAt", lastActivity.toString(),
                        "escalationLevel", WARNED));
        s.statusChanged(SessionStatus.STALLED);
        s.escalated(WARNED, now);
        LOG.info("session {} stalled: no output for {}", s.label(), DurationFormat.humanize(silent));
    }

    private void escalate(LiveSession s, Instant now, Duration stallTimeout) {
        Instant since = s.stalledSince();
        if (!config.escalationStop() || s.escalationLevel() >= STOPPED || since == null || now.isBefore(since.plus(stallTimeout))) {
            return;
        }
        Duration silent = Duration.between(s.lastActivity(), now);
        String reason = "no output for " + DurationFormat.humanize(silent) + "; stopped by the watchdog";
        recorder.change(s.id(), SessionStatus.STALLED, null, b -> b.escalationLevel(STOPPED),
                event(EventType.ESCALATED, "escalationLevel", STOPPED, "action", "stop", "silentForMs", silent.toMillis()));
        s.escalated(STOPPED, null);
        if (s.requestStop(new StopCause(StopCause.Kind.WATCHDOG, reason))) {
            LOG.info("session {}: {}", s.label(), reason);
            s.terminate(config.stopGrace(), threads.timer());
        }
    }

    private void checkpoint(LiveSession s, Instant now) {
        Instant lastOutput = s.pump().lastOutputAt();
        if (lastOutput == null || now.isBefore(lastOutput.plus(config.checkpointQuiet()))) {
            return;
        }
        if (s.spec().tty()) {
            screenCheckpoint(s);
            return;
        }
        OutputTail.Snapshot tail = s.pump().tail().snapshot();
        if (tail.version() == s.checkedTailVersion()) {
            return;
        }
        s.tailChecked(tail.version());
        Optional<CheckpointDetector.Match> match = detector.match(tail.text());
        if (match.isEmpty()) {
            return;
        }
        recorder.change(s.id(), SessionStatus.WAITING_CHECKPOINT, "waiting at a prompt", b -> b,
                event(EventType.CHECKPOINT, "text", match.get().text(), "pattern", match.get().pattern()));
        s.statusChanged(SessionStatus.WAITING_CHECKPOINT);
        LOG.info("session {} is waiting at a checkpoint: {}", s.label(), match.get().text());
    }

    /**
     * A session whose agent reports through hooks: each new report is acted on once. Waiting (a
     * permission, a question) becomes {@code waiting_checkpoint} with the agent's own words as the
     * question; working or idle after a wait is {@code running} again. Input sent in between
     * already made it running, and the same report is not taken again.
     */
    private SessionStatus hookCheckpoint(LiveSession s, SessionStatus status) {
        dev.agentharness.core.AgentActivity a = hooks.newReport(s).orElse(null);
        if (a == null) {
            return status;
        }
        boolean waiting = a.state() == dev.agentharness.core.AgentActivity.State.WAITING;
        if (waiting && status == SessionStatus.RUNNING) {
            String question = a.detail() != null ? a.detail() : "waiting";
            recorder.change(s.id(), SessionStatus.WAITING_CHECKPOINT, "waiting at a prompt", b -> b.reason(question),
                    event(EventType.CHECKPOINT, "text", question, "kind", "hook", "question", question, "via", "hook"));
            s.statusChanged(SessionStatus.WAITING_CHECKPOINT);
            LOG.info("session {} is waiting, says its agent's hook: {}", s.label(), question);
            return SessionStatus.WAITING_CHECKPOINT;
        }
        if (!waiting && status == SessionStatus.WAITING_CHECKPOINT) {
            recorder.change(s.id(), SessionStatus.RUNNING, "its agent's hook says " + a.state().wireName(), b -> b.reason(null));
            s.statusChanged(SessionStatus.RUNNING);
            return SessionStatus.RUNNING;
        }
        return status;
    }

    /** A terminal session whose program only redrew the prompt it waits at is still waiting. */
    private boolean stillAtThePrompt(LiveSession s, SessionStatus status) {
        return status == SessionStatus.WAITING_CHECKPOINT && s.spec().tty()
                && screenDetector.stillShows(s.id(), s.spec().terminal());
    }

    /** Terminal sessions: the rendered screen, not the raw bytes, says whether a question waits. */
    private void screenCheckpoint(LiveSession s) {
        Optional<Prompt> prompt = screenDetector.check(s.id(), s.spec().terminal());
        if (prompt.isEmpty()) {
            return;
        }
        Prompt p = prompt.get();
        recorder.change(s.id(), SessionStatus.WAITING_CHECKPOINT, "waiting at a prompt", b -> b.reason(p.question()),
                event(EventType.CHECKPOINT, "text", p.question(), "kind", p.kind(), "question", p.question(),
                        "options", p.options(), "selected", p.selected()));
        s.statusChanged(SessionStatus.WAITING_CHECKPOINT);
        LOG.info("session {} is waiting at a {} on its screen: {}", s.label(), p.kind(), p.question());
    }
}
