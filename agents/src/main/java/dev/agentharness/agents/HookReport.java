package dev.agentharness.agents;

import dev.agentharness.core.AgentActivity;
import java.util.List;

/**
 * What one hook callback reported, ready to record.
 *
 * @param hook           the agent's name for the event ({@code PreToolUse}, {@code Stop}...)
 * @param agentSessionId the agent's own session id when the event says it and it should be kept
 *                       (a session start), else null
 * @param model          the model when the event says it, else null
 * @param toolCalls      tool calls this event adds (1 for a tool about to run)
 * @param state          what the agent is doing now, or null when the event says nothing about it
 * @param detail         one line about the state (the tool, the question), or null
 * @param events         events to record, in the same kinds and data as the stream parsers' (tool_call,
 *                       agent_session), so that views list them alike
 */
public record HookReport(String hook, String agentSessionId, String model, int toolCalls, AgentActivity.State state,
                         String detail, List<ParseState.Event> events) {
    public HookReport {
        events = List.copyOf(events);
    }
}
