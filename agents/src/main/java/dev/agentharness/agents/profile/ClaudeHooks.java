package dev.agentharness.agents.profile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentharness.agents.AgentHooks;
import dev.agentharness.agents.HookReport;
import dev.agentharness.agents.MalformedLineException;
import dev.agentharness.agents.ParseState;
import dev.agentharness.agents.internal.InputSummary;
import dev.agentharness.agents.internal.Json;
import dev.agentharness.core.AgentActivity.State;
import dev.agentharness.core.AgentUsage;
import dev.agentharness.core.EventType;
import java.util.List;

/**
 * Claude Code's hooks (settings key {@code hooks}; each event a list of matcher groups, each group
 * a list of {@code {"type":"command","command":...,"timeout":seconds}}). Claude Code runs the
 * command with its shell and writes one JSON object on its stdin: {@code session_id},
 * {@code transcript_path}, {@code cwd}, {@code hook_event_name}, and per event {@code source}
 * (SessionStart), {@code prompt} (UserPromptSubmit), {@code tool_name}/{@code tool_input}/
 * {@code tool_use_id} (PreToolUse, PostToolUse), {@code message}/{@code notification_type}
 * (Notification), {@code error}/{@code last_assistant_message} (StopFailure). A Claude Code that
 * does not know one of the events (StopFailure is recent) skips it with a warning and keeps the rest. Fields it does not know are ignored, so newer versions keep working.
 *
 * <p>What each event means for the session: PreToolUse is a tool call (recorded like a
 * {@code tool_use} block of stream-json) and, with PostToolUse and UserPromptSubmit, means working;
 * Notification means waiting (for a permission, or for input after a long idle), except the one that
 * only says a login succeeded; Stop means idle, and so does StopFailure (a turn that ended in an API
 * error: offline, "authentication_failed"), each with a {@code turn_result} event; SessionStart gives the agent's session id (new after
 * {@code /clear}) and, unless it is a compaction in the middle of a turn, means idle at its prompt.
 */
public final class ClaudeHooks implements AgentHooks {
    /** The events registered, in the order the settings list them. */
    public static final List<String> EVENTS = List.of("SessionStart", "UserPromptSubmit", "PreToolUse", "PostToolUse",
            "Notification", "Stop", "StopFailure");
    /**
     * Seconds Claude Code gives the hook before it gives up on it. A hook that hangs must not hold a
     * tool call for Claude Code's default minute; the harness's hook takes well under one second.
     */
    public static final int TIMEOUT_SECONDS = 10;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Override
    public String settings(String hookCommand) {
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode hooks = root.putObject("hooks");
        for (String event : EVENTS) {
            ArrayNode groups = hooks.putArray(event);
            ObjectNode group = groups.addObject();
            if (event.endsWith("ToolUse")) {
                group.put("matcher", "*"); // every tool, MCP tools included
            }
            ObjectNode hook = group.putArray("hooks").addObject();
            hook.put("type", "command");
            hook.put("command", hookCommand);
            hook.put("timeout", TIMEOUT_SECONDS);
        }
        return root.toString();
    }

    @Override
    public HookReport read(String input) throws MalformedLineException {
        JsonNode n = Json.object(input);
        if (n == null) {
            throw new MalformedLineException("empty hook input");
        }
        String hook = Json.text(n, "hook_event_name");
        if (hook == null) {
            throw new MalformedLineException("hook input without hook_event_name");
        }
        String sessionId = Json.text(n, "session_id");
        ParseState events = new ParseState(AgentUsage.NONE);
        switch (hook) {
            case "SessionStart" -> {
                String source = Json.text(n, "source");
                String model = Json.text(n, "model");
                events.event(EventType.AGENT_SESSION, "agentSessionId", sessionId, "model", model, "source", source,
                        "via", "hook");
                // A compaction happens in the middle of a turn as often as not: it says nothing about working.
                State state = "compact".equals(source) ? null : State.IDLE;
                return new HookReport(hook, sessionId, model, 0, state, null, events.events());
            }
            case "UserPromptSubmit" -> {
                return new HookReport(hook, null, null, 0, State.WORKING, null, List.of());
            }
            case "PreToolUse" -> {
                String tool = Json.text(n, "tool_name");
                String summary = InputSummary.of(n.get("tool_input"));
                events.event(EventType.TOOL_CALL, "tool", tool, "input", summary, "toolUseId", Json.text(n, "tool_use_id"),
                        "via", "hook");
                return new HookReport(hook, null, null, 1, State.WORKING, tool, events.events());
            }
            case "PostToolUse" -> {
                return new HookReport(hook, null, null, 0, State.WORKING, Json.text(n, "tool_name"), List.of());
            }
            case "Notification" -> {
                String type = Json.text(n, "notification_type");
                if ("auth_success".equals(type)) {
                    return new HookReport(hook, null, null, 0, null, null, List.of());
                }
                String message = Json.text(n, "message");
                return new HookReport(hook, null, null, 0, State.WAITING, message == null ? type : InputSummary.cut(message),
                        List.of());
            }
            case "Stop" -> {
                events.event(EventType.TURN_RESULT, "status", "success", "via", "hook");
                return new HookReport(hook, null, null, 0, State.IDLE, null, events.events());
            }
            case "StopFailure" -> {
                String error = Json.text(n, "error");
                String message = Json.text(n, "last_assistant_message");
                events.event(EventType.TURN_RESULT, "status", "error", "isError", true, "subtype", error,
                        "error", message == null ? null : InputSummary.cut(message), "via", "hook");
                return new HookReport(hook, null, null, 0, State.IDLE, error == null ? "error" : "error: " + error,
                        events.events());
            }
            default -> {
                return new HookReport(hook, null, null, 0, null, null, List.of());
            }
        }
    }
}
