package dev.agentharness.agents.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentharness.agents.Fixtures;
import dev.agentharness.agents.HookReport;
import dev.agentharness.agents.LaunchContext;
import dev.agentharness.agents.LaunchPlan;
import dev.agentharness.agents.MalformedLineException;
import dev.agentharness.agents.ParseState;
import dev.agentharness.core.AgentActivity.State;
import dev.agentharness.core.EventType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Claude Code's hook input (fixtures/hooks, recorded where offline allows) and the settings that register the hooks. */
class ClaudeHooksTest {
    private final ClaudeHooks hooks = new ClaudeHooks();
    private final ClaudeProfile profile = new ClaudeProfile();
    private static final Path SETTINGS = Path.of("/home/u/.harness/claude-hooks.json");

    private HookReport read(String fixture) throws MalformedLineException {
        return hooks.read(Fixtures.text("hooks/" + fixture + ".json"));
    }

    @Test
    void theRecordedSessionStartGivesTheAgentsSessionIdAndModelAndMeansIdle() throws Exception {
        HookReport r = read("claude-session-start");
        assertEquals("SessionStart", r.hook());
        assertEquals("36a7d8a4-bf45-46a1-a4aa-4b40574b36d7", r.agentSessionId());
        assertEquals("claude-opus-5-5", r.model());
        assertEquals(State.IDLE, r.state());
        assertEquals(0, r.toolCalls());
        assertEquals(1, r.events().size());
        ParseState.Event e = r.events().get(0);
        assertEquals(EventType.AGENT_SESSION, e.type());
        assertEquals(Map.of("agentSessionId", "36a7d8a4-bf45-46a1-a4aa-4b40574b36d7", "model", "claude-opus-5-5",
                "source", "startup", "via", "hook"), e.data());
        // Headless, it says no model: nothing is made up.
        assertNull(read("claude-session-start-print").model());
    }

    @Test
    void aSubmittedPromptMeansWorkingAndSaysNothingOfThePrompt() throws Exception {
        HookReport r = read("claude-user-prompt-submit");
        assertEquals(State.WORKING, r.state());
        assertNull(r.detail());
        assertTrue(r.events().isEmpty());
        assertNull(r.agentSessionId(), "only a session start names the session");
    }

    @Test
    void aToolAboutToRunIsAToolCallLikeAStreamJsonToolUse() throws Exception {
        HookReport r = read("claude-pre-tool-use");
        assertEquals(State.WORKING, r.state());
        assertEquals("Bash", r.detail());
        assertEquals(1, r.toolCalls());
        ParseState.Event e = r.events().get(0);
        assertEquals(EventType.TOOL_CALL, e.type());
        assertEquals("Bash", e.data().get("tool"));
        assertEquals("npm test -- --watch=false", e.data().get("input"));
        assertEquals("toolu_01DUq7sVg5mM2bC3", e.data().get("toolUseId"));
        HookReport after = read("claude-post-tool-use");
        assertEquals(State.WORKING, after.state());
        assertEquals(0, after.toolCalls(), "the call was counted before it ran");
    }

    @Test
    void aNotificationIsWaitingWithTheAgentsOwnWords() throws Exception {
        HookReport permission = read("claude-notification-permission");
        assertEquals(State.WAITING, permission.state());
        assertEquals("Claude needs your permission to use Bash", permission.detail());
        assertEquals(State.WAITING, read("claude-notification-idle").state());
        HookReport login = hooks.read("{\"session_id\":\"s\",\"hook_event_name\":\"Notification\",\"message\":\"Logged in\","
                + "\"notification_type\":\"auth_success\"}");
        assertNull(login.state(), "a login that succeeded waits for nothing");
    }

    @Test
    void stopIsIdleAndATurnResultAndSoIsTheRecordedStopFailure() throws Exception {
        HookReport stop = read("claude-stop");
        assertEquals(State.IDLE, stop.state());
        assertEquals(EventType.TURN_RESULT, stop.events().get(0).type());
        assertEquals("success", stop.events().get(0).data().get("status"));
        HookReport failure = read("claude-stop-failure");
        assertEquals(State.IDLE, failure.state());
        assertEquals("error: authentication_failed", failure.detail());
        Map<String, Object> result = failure.events().get(0).data();
        assertEquals("error", result.get("status"));
        assertEquals("authentication_failed", result.get("subtype"));
        assertEquals("Not logged in · Please run /login", result.get("error"));
    }

    @Test
    void inputThatIsNotHookJsonIsRefusedAndUnknownEventsChangeNothing() throws Exception {
        assertThrows(MalformedLineException.class, () -> hooks.read("not json"));
        assertThrows(MalformedLineException.class, () -> hooks.read(""));
        assertThrows(MalformedLineException.class, () -> hooks.read("{\"session_id\":\"s\"}"));
        assertThrows(MalformedLineException.class, () -> hooks.read("{\"hook_event_name\":\"Stop\""));
        HookReport r = hooks.read("{\"hook_event_name\":\"SubagentStop\",\"session_id\":\"s\"}");
        assertNull(r.state());
        assertTrue(r.events().isEmpty());
        HookReport compact = hooks.read("{\"hook_event_name\":\"SessionStart\",\"session_id\":\"s2\",\"source\":\"compact\"}");
        assertNull(compact.state(), "a compaction in the middle of a turn is not idle");
        assertEquals("s2", compact.agentSessionId());
    }

    @Test
    void theSettingsRegisterTheCommandForEveryEventWithATimeout() throws Exception {
        String command = "'/opt/my jdk/bin/java' -cp /h.jar dev.agentharness.cli.Main --home /h hook";
        JsonNode settings = new ObjectMapper().readTree(hooks.settings(command));
        List<String> events = new ArrayList<>();
        settings.path("hooks").fieldNames().forEachRemaining(events::add);
        assertEquals(List.of("SessionStart", "UserPromptSubmit", "PreToolUse", "PostToolUse", "Notification", "Stop",
                "StopFailure"), events);
        for (String event : events) {
            JsonNode groups = settings.path("hooks").path(event);
            assertEquals(1, groups.size());
            JsonNode hook = groups.get(0).path("hooks").get(0);
            assertEquals("command", hook.path("type").asText());
            assertEquals(command, hook.path("command").asText());
            assertEquals(ClaudeHooks.TIMEOUT_SECONDS, hook.path("timeout").asInt());
            assertEquals(event.endsWith("ToolUse") ? "*" : "", groups.get(0).path("matcher").asText(""));
        }
    }

    @Test
    void anInteractiveCommandOnATerminalGetsTheSettingsFile() {
        LaunchPlan plan = profile.prepare(List.of("claude", "--model", "opus"), false, () -> "id-1",
                new LaunchContext(true, SETTINGS));
        assertEquals(List.of("claude", "--settings", SETTINGS.toString(), "--session-id", "id-1", "--model", "opus"),
                plan.command());
        assertEquals("id-1", plan.agentSessionId());
        // Restarted, the file is there already: not a second time.
        LaunchPlan again = profile.prepare(plan.command(), true, () -> "id-2", new LaunchContext(true, SETTINGS));
        assertEquals(List.of("claude", "--settings", SETTINGS.toString(), "--session-id", "id-2", "--model", "opus"),
                again.command());
    }

    @Test
    void headlessPipesTheUsersOwnSettingsAndSubcommandsGetNoHooks() {
        LaunchContext tty = new LaunchContext(true, SETTINGS);
        assertEquals(List.of("claude", "--session-id", "i", "-p", "hi"),
                profile.prepare(List.of("claude", "-p", "hi"), false, () -> "i", tty).command());
        assertEquals(List.of("claude", "--session-id", "i"),
                profile.prepare(List.of("claude"), false, () -> "i", new LaunchContext(false, SETTINGS)).command());
        assertEquals(List.of("claude", "--session-id", "i", "--settings", "mine.json"),
                profile.prepare(List.of("claude", "--settings", "mine.json"), false, () -> "i", tty).command());
        assertEquals(List.of("claude", "mcp", "list"), profile.prepare(List.of("claude", "mcp", "list"), false, () -> "i", tty).command());
        assertEquals(List.of("claude", "--session-id", "i"),
                profile.prepare(List.of("claude"), false, () -> "i", new LaunchContext(true, null)).command(),
                "no file (it could not be written): no hooks");
    }

    @Test
    void aResumeKeepsTheSettingsOfTheCommandItContinues() {
        List<String> resumed = profile.resumeCommand(List.of("claude", "--settings", SETTINGS.toString(), "--session-id", "a"),
                "a", null).orElseThrow();
        assertEquals(List.of("claude", "--resume", "a", "--settings", SETTINGS.toString()), resumed);
        assertEquals(resumed, profile.prepare(resumed, false, () -> "x", new LaunchContext(true, SETTINGS)).command());
    }
}
