package dev.agentharness.service;

/**
 * What a subscriber wants.
 *
 * @param sessionId one session's id, or null for every session
 * @param afterSeq  with a session: deliver its output after this seq (-1: no output, only changes;
 *                  with every session output is delivered from the subscription on)
 * @param output    whether to deliver output at all (false: changes only)
 */
public record Interest(String sessionId, long afterSeq, boolean output) {
    public static Interest changesOnly() {
        return new Interest(null, -1, false);
    }

    public static Interest allOutput() {
        return new Interest(null, -1, true);
    }

    public static Interest output(String sessionId, long afterSeq) {
        return new Interest(sessionId, afterSeq, true);
    }
}
