package dev.agentharness.agents;

import java.util.concurrent.CompletableFuture;

/** Lets the supervisor wait until what an ended session's agent printed has been read. */
public interface AgentParsing {
    /**
     * Completes once the session's agent output has been parsed to its end (at once for a session
     * with nothing to parse). Completes only after the session has ended.
     */
    CompletableFuture<Void> settled(String sessionId);
}
