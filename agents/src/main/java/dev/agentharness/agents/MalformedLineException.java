package dev.agentharness.agents;

/** A line of an agent's structured output that is not what the agent prints: skipped and counted. */
public final class MalformedLineException extends Exception {
    public MalformedLineException(String message) {
        super(message, null, false, false);
    }
}
