package dev.agentharness.supervisor.internal.lifecycle;

import dev.agentharness.agents.AgentParsing;
import dev.agentharness.core.RestartPolicy;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.store.SessionStore;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out the {@code on-failure} restart policy: a session that ended {@code failed} (not one
 * the harness stopped, and not a launch failure, which would only fail again) is started again as a
 * new session after the {@link RestartBackoff} delay, through the slot scheduler, so it queues if
 * its slot was taken meanwhile. A pending restart does not survive a harness shutdown.
 *
 * <p>And the {@code on-crash} policy: a session that ended {@code crashed} (found by the
 * reconciler after a harness crash), or {@code failed} with an agent session id its profile can
 * resume, is resumed: a new session continues the agent's conversation. The decision waits until
 * the session's output has been parsed ({@link AgentParsing}), since the id may be in its last
 * lines. A crashed session that cannot be resumed is restarted instead. A user's stop never
 * restarts or resumes anything, not even one that a crash interrupted (its {@code stop_requested}
 * event by the user is on record).
 *
 * <p>A crashed session's resume is queued in the durable start queue rather than held in memory,
 * whoever found the crash: the daemon at start, {@code recover} through the daemon, or
 * {@code recover} with no daemon ({@link #resumeCrashed}), whose in-process supervisor runs no
 * agents and leaves the queue to the daemon it starts. It is queued once: not when the session
 * already has a successor ({@code restartOf}) or a queued request for one.
 */
@Singleton
public final class AutoRestarter {
    private static final Logger LOG = LoggerFactory.getLogger(AutoRestarter.class);

    private final SessionStore sessions;
    private final RestartSpecs specs;
    private final RestartBackoff backoff;
    private final SlotScheduler scheduler;
    private final SupervisorThreads threads;
    private final Clock clock;
    private final AgentParsing parsing;
    private final AgentLaunches launches;
    private final dev.agentharness.core.store.StartQueue queue;
    private final dev.agentharness.core.store.EventStore events;
    private final dev.agentharness.core.store.Transactor tx;
    private volatile boolean enabled = true;

    /** How long a resume decision waits for the parser before deciding on what it has. */
    static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(30);

    @Inject
    public AutoRestarter(SessionStore sessions, RestartSpecs specs, RestartBackoff backoff, SlotScheduler scheduler,
                         SupervisorThreads threads, Clock clock, AgentParsing parsing, AgentLaunches launches,
                         dev.agentharness.core.store.StartQueue queue, dev.agentharness.core.store.EventStore events,
                         dev.agentharness.core.store.Transactor tx) {
        this.queue = queue;
        this.events = events;
        this.tx = tx;
        this.sessions = sessions;
        this.specs = specs;
        this.backoff = backoff;
        this.scheduler = scheduler;
        this.threads = threads;
        this.clock = clock;
        this.parsing = parsing;
        this.launches = launches;
    }

    /** No more automatic restarts (shutdown). */
    public void disable() {
        enabled = false;
    }

    public void sessionEnded(SessionFinisher.Ended ended) {
        Session s = ended.session();
        if (enabled && !ended.spawnFailure() && s.status() == SessionStatus.FAILED
                && s.spec().restartPolicy().mode() == RestartPolicy.Mode.ON_CRASH) {
            afterParsing(s.id());
            return;
        }
        if (!enabled || ended.spawnFailure() || s.status() != SessionStatus.FAILED
                || !s.spec().restartPolicy().shouldRestart(s.status(), s.spec().restartCount())) {
            return;
        }
        Duration delay = backoff.delayFor(uptimes(s));
        SessionSpec next = specs.restartOf(s);
        LOG.info("session {} failed; restart {} of {} in {} ms", s.label(), next.restartCount(),
                s.spec().restartPolicy().maxRestarts(), delay.toMillis());
        try {
            threads.timer().schedule(() -> restart(next), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException shuttingDown) {
            // the harness is going away; so is the restart
        }
    }

    /**
     * A session the reconciler found crashed: resumed (or, failing that, restarted) under on-crash,
     * through the durable start queue. Completes when the decision is made (and the request queued).
     */
    public CompletableFuture<Void> sessionCrashed(String sessionId) {
        Session s = sessions.get(sessionId).orElse(null);
        if (!enabled || s == null || s.status() != SessionStatus.CRASHED
                || s.spec().restartPolicy().mode() != RestartPolicy.Mode.ON_CRASH) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> decided = new CompletableFuture<>();
        parsing.settled(sessionId).orTimeout(SETTLE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).whenComplete((v, e) -> {
            try {
                threads.work().execute(() -> {
                    try {
                        resumeCrashed(sessionId).ifPresent(q -> scheduler.drainSoon());
                    } catch (RuntimeException err) {
                        LOG.error("automatic resume of {} failed: {}", sessionId, err.getMessage());
                    } finally {
                        decided.complete(null);
                    }
                });
            } catch (RejectedExecutionException shuttingDown) {
                decided.complete(null); // the harness is going away; so is the resume
            }
        });
        return decided;
    }

    /**
     * Queues the start that brings a crashed on-crash session back, if its policy says so and
     * nothing has yet: resumed where its agent can continue the conversation, else restarted. In
     * one transaction, so two harness processes deciding at once queue it once.
     *
     * @return the queued request, or empty when none was due
     */
    public Optional<dev.agentharness.core.QueuedStart> resumeCrashed(String sessionId) {
        Session s = sessions.get(sessionId).orElse(null);
        if (!enabled || s == null || s.status() != SessionStatus.CRASHED || stoppedByUser(s)) {
            return Optional.empty();
        }
        boolean resumable = launches.canResume(s);
        RestartPolicy policy = s.spec().restartPolicy();
        if (!policy.shouldResume(s.status(), resumable, s.spec().restartCount())) {
            return Optional.empty();
        }
        SessionSpec next = resumable ? specs.resumeOf(s, null) : specs.restartOf(s);
        Optional<dev.agentharness.core.QueuedStart> queued = tx.inTransaction(() -> {
            if (sessions.getRestartOf(s.id()).isPresent()
                    || queue.list().stream().anyMatch(q -> s.id().equals(q.spec().restartOf()))) {
                return Optional.<dev.agentharness.core.QueuedStart>empty();
            }
            return Optional.of(queue.enqueue(next));
        });
        queued.ifPresent(q -> LOG.info("session {} crashed; {} {} of {} queued (start request {})", s.label(),
                resumable ? "resume" : "restart", next.restartCount(), policy.maxRestarts(), q.id()));
        return queued;
    }

    /** Whether the user asked this session to stop: a crash that interrupted the stop does not undo it. */
    private boolean stoppedByUser(Session s) {
        return events.list(s.id()).stream().anyMatch(e -> e.type() == dev.agentharness.core.EventType.STOP_REQUESTED
                && "user".equals(e.data().get("by")));
    }

    /** A failed session's resume, after its last lines are parsed (its id may be there); the backoff applies. */
    private void afterParsing(String sessionId) {
        parsing.settled(sessionId).orTimeout(SETTLE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).whenComplete((v, e) -> {
            try {
                threads.work().execute(() -> resume(sessionId));
            } catch (RejectedExecutionException shuttingDown) {
                // the harness is going away; so is the resume
            }
        });
    }

    private void resume(String sessionId) {
        try {
            Session s = sessions.get(sessionId).orElse(null);
            if (!enabled || s == null) {
                return;
            }
            boolean resumable = launches.canResume(s);
            RestartPolicy policy = s.spec().restartPolicy();
            if (!policy.shouldResume(s.status(), resumable, s.spec().restartCount())) {
                return;
            }
            SessionSpec next = resumable ? specs.resumeOf(s, null) : specs.restartOf(s);
            Duration delay = backoff.delayFor(uptimes(s));
            LOG.info("session {} {}; {} {} of {} in {} ms", s.label(), s.status().wireName(), resumable ? "resume" : "restart",
                    next.restartCount(), policy.maxRestarts(), delay.toMillis());
            threads.timer().schedule(() -> restart(next), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException shuttingDown) {
            // as above
        } catch (RuntimeException e) {
            LOG.error("automatic resume of {} failed: {}", sessionId, e.getMessage());
        }
    }

    private void restart(SessionSpec next) {
        if (!enabled) {
            return;
        }
        try {
            threads.work().execute(() -> {
                try {
                    scheduler.startOrQueue(next);
                } catch (RuntimeException e) {
                    LOG.error("automatic restart of {} failed: {}", next.restartOf(), e.getMessage());
                }
            });
        } catch (RejectedExecutionException shuttingDown) {
            // as above
        }
    }

    /** Uptimes along the restart chain, newest first, as far back as the backoff can care. */
    private List<Duration> uptimes(Session newest) {
        List<Duration> out = new ArrayList<>();
        Optional<Session> s = Optional.of(newest);
        for (int i = 0; i <= newest.spec().restartCount() && s.isPresent(); i++) {
            Duration up = s.get().runtime(clock.instant());
            out.add(up == null ? Duration.ZERO : up);
            String prev = s.get().restartOf();
            s = prev == null ? Optional.empty() : sessions.get(prev);
        }
        return out;
    }
}
