package dev.agentharness.core;

/**
 * How far the harness has read a session's structured output, stored with the session so that a
 * daemon restart resumes where the last one stopped and counts nothing twice.
 *
 * @param seq        the chunk in which the first line not yet parsed starts (1 before any output)
 * @param offset     where in that chunk's text it starts (chars)
 * @param skipped    lines that were not the agent's JSON (malformed, truncated or too long): skipped and counted
 * @param done       the session has ended and every line of it was parsed; nothing more to read
 */
public record AgentParseCursor(long seq, int offset, long skipped, boolean done) {
    public static final AgentParseCursor START = new AgentParseCursor(1, 0, 0, false);

    public AgentParseCursor {
        if (seq < 1 || offset < 0 || skipped < 0) {
            throw new IllegalArgumentException("bad parse cursor " + seq + "/" + offset + "/" + skipped);
        }
    }
}
