package dev.agentharness.core;

/**
 * Cost and tokens summed over a set of sessions (all of them, one run, one project...).
 *
 * @param sessions        sessions counted
 * @param pricedSessions  of those, the sessions whose cost is known
 * @param costUsd         the sum of the known costs; null when no session's cost is known
 * @param unpricedSessions agent sessions that used tokens but whose cost is unknown: when above 0,
 *                        {@code costUsd} is a lower bound
 */
public record AgentCostTotals(long sessions, long pricedSessions, Double costUsd, long unpricedSessions, long inputTokens,
                              long outputTokens, long cacheReadTokens, long cacheWriteTokens) {
    public static final AgentCostTotals EMPTY = new AgentCostTotals(0, 0, null, 0, 0, 0, 0, 0);

    public long totalTokens() {
        return inputTokens + outputTokens + cacheReadTokens + cacheWriteTokens;
    }
}
