package dev.agentharness.service;

import dev.agentharness.core.Session;
import dev.agentharness.core.TerminalSize;
import java.time.Duration;
import java.util.Map;

/** What changes sessions. Every method names a session by reference (id, id prefix or name). */
public interface SessionOperations {
    /** Starts a session now; with {@link StartRequest#queueWhenFull()}, waits in the queue for a slot. */
    Session start(StartRequest request);

    /** Ends a session: SIGTERM to its group, SIGKILL after {@code grace} (null: the default); waits until it ended. */
    Session stop(String session, Duration grace, boolean force);

    Session pause(String session);

    /** SIGCONT to a paused session. */
    Session resume(String session);

    /** A finished session starts again as a new session; {@code env} adds to or replaces its environment. */
    Session restart(String session, Map<String, String> env);

    /** A finished agent session's conversation continues in a new session ({@code claude --resume ID}, ...). */
    Session resumeConversation(String session, String prompt);

    /** Writes to a running agent's stdin or terminal; {@code close} then closes its stdin (pipes only). */
    void send(String session, byte[] bytes, boolean close);

    /** A terminal session's new size. */
    void resize(String session, TerminalSize size);
}
