package dev.agentharness.supervisor;

import dev.agentharness.core.Session;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.TerminalSize;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Turns session rows into running agents and agents' output into stored chunks; the one thing the
 * daemon drives. At most one supervisor runs per harness home (a file lock says which pid holds it).
 *
 * <p>Session arguments are full session ids; resolving prefixes and names is the caller's job.
 */
public interface Supervisor extends AutoCloseable {

    /**
     * Takes the home's lock, reconciles every active session row with reality (see
     * {@link ReconcileReport}), then starts the watchdog and the start queue. Nothing else may be
     * called before this.
     *
     * @throws dev.agentharness.core.error.HarnessException when another supervisor holds the lock,
     *         naming its pid
     */
    ReconcileReport start();

    /**
     * Instead of {@link #start()}, for a harness with no daemon ({@code harness recover}): takes the
     * lock, reconciles as {@code start} does, and decides the {@code on-crash} resumes of what it
     * found crashed, queueing them in the durable start queue (after waiting, at most about
     * {@code settle}, for their last output to be parsed: the agent's id may be there). Then it lets
     * go of everything. It never starts an agent or the queue: whatever it queued is the next
     * daemon's to run. Nothing else may be called afterwards.
     *
     * @return what reconciling found
     */
    default ReconcileReport reconcileOnce(java.time.Duration settle) {
        throw new UnsupportedOperationException("this supervisor cannot reconcile without running");
    }

    /**
     * Claims a slot and spawns the agent.
     *
     * @return the session, running; or failed with a one-line reason ("no such executable: fooagent")
     *         and its slot already freed
     * @throws dev.agentharness.core.error.NoFreeSlotException naming the busy slots
     */
    Session startSession(SessionSpec spec);

    /** Starts at once when a slot is free; otherwise queues the spec (durably, first-in first-out). */
    StartOutcome startOrQueue(SessionSpec spec);

    /** Completes with the session a queued request became, once a slot freed and it was spawned. */
    CompletableFuture<Session> whenDequeued(long queueId);

    /** Writes bytes to the agent's stdin. */
    void send(String sessionId, byte[] bytes);

    /** Closes the agent's stdin (EOF). */
    void closeStdin(String sessionId);

    /**
     * Resizes a terminal session's pseudo-terminal; the agent gets SIGWINCH and sees the new size.
     *
     * @throws dev.agentharness.core.error.HarnessException for a session on pipes
     */
    void resize(String sessionId, TerminalSize size);

    /**
     * SIGTERM to the agent's process group, SIGKILL after {@code grace} ({@code force}: SIGKILL at
     * once). The session ends {@code stopped}.
     *
     * @return completes with the ended session
     */
    CompletableFuture<Session> stop(String sessionId, Duration grace, boolean force);

    /** SIGSTOP to the group; the session becomes {@code paused}. */
    Session pause(String sessionId);

    /** SIGCONT to the group; the session becomes {@code running}. */
    Session resume(String sessionId);

    /** Starts a finished session again as a new session with the same spec, linked by restartOf. */
    Session restart(String sessionId);

    /**
     * Starts a new session that continues a finished session's agent conversation
     * ({@code claude --resume ID}, {@code codex exec resume ID}...) with {@code prompt} (null: none,
     * or the agent's convention when it runs headless), in the same cwd; linked by resumeOf.
     *
     * @throws dev.agentharness.core.error.HarnessException when the session is active or its agent
     *         cannot be resumed (no known session id, not a known agent)
     */
    Session resumeConversation(String sessionId, String prompt);

    /**
     * As {@link #restart(String)}, with {@code env} applied over the stored environment: the
     * environment of whoever asks for the restart, as {@code harness restart} sends it.
     */
    Session restart(String sessionId, java.util.Map<String, String> env);

    /** Completes with the session once it reaches a terminal status. */
    CompletableFuture<Session> whenEnded(String sessionId);

    /**
     * Reconciles active rows this supervisor does not own with reality, as {@link #start()} does;
     * for {@code harness recover} while the daemon runs.
     */
    ReconcileReport reconcile();

    /**
     * Stops every agent gracefully (recorded {@code stopped}, reason "harness shut down"), flushes
     * all captured output, and releases the lock. Queued requests stay queued.
     */
    void shutdown(Duration grace);

    /**
     * Shuts down leaving every agent running under its keeper (an upgrade: a newer daemon reattaches
     * them). Without keepers this is {@link #shutdown(Duration)}: nothing could keep the agents.
     */
    default void shutdownKeepingAgents(Duration grace) {
        shutdown(grace);
    }

    /** Same as {@code shutdown(config.stopGrace())}. */
    @Override
    void close();
}
