package dev.agentharness.cli.tail;

import dev.agentharness.core.Session;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.store.SessionStore;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Follows a session through its automatic restarts ({@code --restart on-failure}), as {@code pm2
 * logs} follows a process: when a session ends in a way its policy restarts, the daemon starts its
 * successor ({@code restartOf} pointing back, named {@code NAME-r1}, {@code NAME-r2}...) after a
 * backoff of up to 15 s. {@code run} and {@code tail -f} wait for it and go on with it.
 */
public final class RestartChain {
    /** Longer than the restart backoff's cap (15 s), with room for a slow start. */
    public static final Duration SUCCESSOR_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(50);

    private final SessionStore sessions;

    public RestartChain(SessionStore sessions) {
        this.sessions = sessions;
    }

    /** Whether the daemon restarts {@code ended}: it failed after it started, and restarts are left. */
    public static boolean willRestart(Session ended) {
        return ended.status() == SessionStatus.FAILED && ended.startedAt() != null
                && ended.spec().restartPolicy().shouldRestart(ended.status(), ended.spec().restartCount());
    }

    /**
     * The restart of {@code ended}, once the daemon has made it; empty when {@code ended} is not
     * restarted, or none appeared while the daemon ran and the timeout lasted.
     */
    public Optional<Session> successor(Session ended, Duration timeout, BooleanSupplier daemonAlive) throws InterruptedException {
        if (!willRestart(ended)) {
            return Optional.empty();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<Session> next = sessions.getRestartOf(ended.id());
            if (next.isPresent()) {
                return next;
            }
            if (System.nanoTime() > deadline || !daemonAlive.getAsBoolean()) {
                return sessions.getRestartOf(ended.id());
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    /** "restart 1 of 2 follows": what {@code run} and {@code tail -f} say when a session they follow fails. */
    public static String announcement(Session ended) {
        return "restart " + (ended.spec().restartCount() + 1) + " of " + ended.spec().restartPolicy().maxRestarts() + " follows";
    }
}
