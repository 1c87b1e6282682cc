package dev.agentharness.core;

/**
 * What the harness has learned about a session from its agent's own structured output (Claude
 * Code's stream-json, Codex's {@code exec --json}, Gemini CLI's stream-json): who the agent is, its
 * own session id, the model, and what the session cost.
 *
 * <p>Token counts follow one convention across agents, whatever each one calls them:
 * {@code inputTokens} is input that was neither read from nor written to the prompt cache,
 * {@code cacheReadTokens} is input read from the cache, {@code cacheWriteTokens} is input written
 * to it. So the four counts add up to everything the model was sent and produced, and a price table
 * can price each at its own rate.
 *
 * @param agent            the profile the session runs under ({@code claude}, {@code codex}, ...), or
 *                         null for sessions older than agent profiles
 * @param agentSessionId   the agent's own session id (Claude's session_id, Codex's thread_id...), which
 *                         is what resuming its conversation takes; null until known
 * @param model            the model the agent reported (or was told to use), or null
 * @param costUsd          what the session cost in US dollars, or null when unknown: never 0 for
 *                         "we could not price it" (an agent with no price for its model is unknown)
 * @param turns            turns the agent reported, or null when it reported none
 * @param resultStatus     the agent's own verdict on its last turn ({@code success}, {@code error},
 *                         {@code error_max_turns}...), or null before its first result
 * @param toolCalls        tool calls seen so far
 */
public record AgentUsage(
        String agent,
        String agentSessionId,
        String model,
        Double costUsd,
        long inputTokens,
        long outputTokens,
        long cacheReadTokens,
        long cacheWriteTokens,
        Integer turns,
        String resultStatus,
        long toolCalls) {

    /** Nothing known: a session that predates agent profiles, or one not yet started. */
    public static final AgentUsage NONE = new AgentUsage(null, null, null, null, 0, 0, 0, 0, null, null, 0);

    /** What is known when a session starts: its profile and, where the harness chose it, the agent's session id. */
    public static AgentUsage start(String agent, String agentSessionId) {
        return new AgentUsage(agent, agentSessionId, null, null, 0, 0, 0, 0, null, null, 0);
    }

    public long totalTokens() {
        return inputTokens + outputTokens + cacheReadTokens + cacheWriteTokens;
    }

    public AgentUsage withAgentSessionId(String v) {
        return new AgentUsage(agent, v, model, costUsd, inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, turns,
                resultStatus, toolCalls);
    }

    public AgentUsage withModel(String v) {
        return new AgentUsage(agent, agentSessionId, v, costUsd, inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens,
                turns, resultStatus, toolCalls);
    }

    public AgentUsage withCostUsd(Double v) {
        return new AgentUsage(agent, agentSessionId, model, v, inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens,
                turns, resultStatus, toolCalls);
    }

    public AgentUsage withTokens(long input, long output, long cacheRead, long cacheWrite) {
        return new AgentUsage(agent, agentSessionId, model, costUsd, input, output, cacheRead, cacheWrite, turns, resultStatus,
                toolCalls);
    }

    public AgentUsage withTurns(Integer v) {
        return new AgentUsage(agent, agentSessionId, model, costUsd, inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens,
                v, resultStatus, toolCalls);
    }

    public AgentUsage withResultStatus(String v) {
        return new AgentUsage(agent, agentSessionId, model, costUsd, inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens,
                turns, v, toolCalls);
    }

    public AgentUsage withToolCalls(long v) {
        return new AgentUsage(agent, agentSessionId, model, costUsd, inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens,
                turns, resultStatus, v);
    }
}
