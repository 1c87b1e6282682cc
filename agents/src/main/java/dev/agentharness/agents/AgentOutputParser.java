package dev.agentharness.agents;

/**
 * Reads an agent's structured output one line at a time (JSON Lines: every line one object).
 * Lines of types it does not care about are ignored; lines that are not the agent's JSON at all
 * throw, so that the caller can skip and count them.
 */
public interface AgentOutputParser {

    /**
     * Applies one complete line (without its newline) to {@code state}.
     *
     * @throws MalformedLineException when the line is not a JSON object (truncated, plain text...)
     */
    void parse(String line, ParseState state) throws MalformedLineException;
}
