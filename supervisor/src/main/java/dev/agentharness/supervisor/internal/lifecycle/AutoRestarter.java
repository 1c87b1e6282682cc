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
 * restarts or resumes anything.
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
    private volatile boolean enabled = true;

    /** How long a resume decision waits for the parser before deciding on what it has. */
    static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(30);

    @Inject
    public AutoRestarter(SessionStore sessions, RestartSpecs specs, RestartBackoff backoff, SlotScheduler scheduler,
                         SupervisorThreads threads, Clock clock, AgentParsing parsing, AgentLaunches launches) {
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
            afterParsing(s.id(), false);
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

    /** A session the reconciler found crashed: resumed (or, failing that, restarted) under on-crash. */
    public void sessionCrashed(String sessionId) {
        Session s = sessions.get(sessionId).orElse(null);
        if (enabled && s != null && s.status() == SessionStatus.CRASHED
                && s.spec().restartPolicy().mode() == RestartPolicy.Mode.ON_CRASH) {
            afterParsing(sessionId, true);
        }
    }

    private void afterParsing(String sessionId, boolean crashed) {
        parsing.settled(sessionId).orTimeout(SETTLE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).whenComplete((v, e) -> {
            try {
                threads.work().execute(() -> resume(sessionId, crashed));
            } catch (RejectedExecutionException shuttingDown) {
                // the harness is going away; so is the resume
            }
        });
    }

    private void resume(String sessionId, boolean crashed) {
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
