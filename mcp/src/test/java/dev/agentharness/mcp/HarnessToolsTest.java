package dev.agentharness.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.terminal.Prompt;
import dev.agentharness.terminal.Screen;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HarnessToolsTest {
    private static final Instant NOW = Instant.parse("2026-01-01T01:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final FakeHarnessService service = new FakeHarnessService();

    private HarnessTools tools() {
        return new HarnessTools(service, Clock.fixed(NOW, ZoneOffset.UTC),
                Map.of("PATH", "/usr/bin", "TERM", "xterm", "HOME", "/home/me"), dir);
    }

    private JsonNode ok(String tool, Map<String, Object> args) throws Exception {
        CallToolResult r = tools().call(tool, args);
        assertFalse(Boolean.TRUE.equals(r.isError()), () -> "error: " + text(r));
        return JSON.readTree(text(r));
    }

    private String toolError(String tool, Map<String, Object> args) {
        CallToolResult r = tools().call(tool, args);
        assertTrue(Boolean.TRUE.equals(r.isError()), () -> "expected isError, got " + text(r));
        return text(r);
    }

    private McpError protocolError(String tool, Map<String, Object> args, int code) {
        McpError e = assertThrows(McpError.class, () -> tools().call(tool, args));
        assertEquals(code, e.getJsonRpcError().code(), e.getMessage());
        return e;
    }

    private static String text(CallToolResult r) {
        return ((TextContent) r.content().get(0)).text();
    }

    private String sent() {
        return service.sent.toString(StandardCharsets.UTF_8);
    }

    @Test
    void listsElevenToolsEachWithAClosedObjectSchemaAndADescription() {
        List<SyncToolSpecification> specs = tools().specifications();
        assertEquals(List.of("start_session", "list_sessions", "get_session", "get_output", "get_screen", "send_input",
                        "respond_checkpoint", "wait_for_state_change", "stop_session", "resume_session", "get_stats"),
                specs.stream().map(s -> s.tool().name()).toList());
        for (SyncToolSpecification s : specs) {
            assertEquals("object", s.tool().inputSchema().get("type"), s.tool().name());
            assertEquals(Boolean.FALSE, s.tool().inputSchema().get("additionalProperties"), s.tool().name());
            assertTrue(s.tool().description().length() > 40, s.tool().name());
        }
        var start = specs.get(0).tool().inputSchema();
        assertEquals(List.of("command"), start.get("required"));
        assertEquals("array", ((Map<?, ?>) ((Map<?, ?>) start.get("properties")).get("command")).get("type"));
        assertEquals(List.of("sessionIds"), specs.get(7).tool().inputSchema().get("required"));
    }

    @Test
    void startSessionRunsTheArgvWithTheCallersEnvironmentUnderTheGivenOne() throws Exception {
        Path sub = java.nio.file.Files.createDirectory(dir.resolve("proj"));
        JsonNode r = ok("start_session", Map.of("command", List.of("sh", "-c", "echo hi"), "name", "job",
                "cwd", "proj", "env", Map.of("HOME", "/elsewhere", "API_KEY", "s3cret"), "agent", "generic"));
        var spec = service.starts.get(0).spec();
        assertEquals(List.of("sh", "-c", "echo hi"), spec.command());
        assertEquals(sub.toString(), spec.cwd());
        assertEquals("/elsewhere", spec.env().get("HOME"));
        assertEquals("/usr/bin", spec.env().get("PATH"));
        assertEquals("xterm", spec.env().get("TERM"));
        assertEquals("generic", spec.agent());
        assertFalse(spec.tty());
        assertFalse(spec.interactive());
        assertEquals("job", r.path("session").path("name").asText());
        assertTrue(r.path("session").path("envKeys").toString().contains("API_KEY"));
        assertFalse(r.toString().contains("s3cret"), "an environment value reached the answer");
    }

    @Test
    void aTtySessionTakesInputAndNotTheCallersTerm() throws Exception {
        ok("start_session", Map.of("command", List.of("claude"), "tty", true));
        var spec = service.starts.get(0).spec();
        assertTrue(spec.tty());
        assertTrue(spec.interactive());
        assertNull(spec.env().get("TERM"));
        assertEquals(dir.toAbsolutePath().normalize().toString(), spec.cwd());
    }

    @Test
    void badStartArgumentsAreInvalidParams() {
        protocolError("start_session", Map.of(), -32602);
        protocolError("start_session", Map.of("command", "sh -c x"), -32602);
        protocolError("start_session", Map.of("command", List.of()), -32602);
        protocolError("start_session", Map.of("command", List.of("x"), "tty", "yes"), -32602);
        protocolError("start_session", Map.of("command", List.of("x"), "agent", "robot"), -32602);
        protocolError("start_session", Map.of("command", List.of("x"), "cwd", "no/such/dir"), -32602);
        protocolError("start_session", Map.of("command", List.of("x"), "env", Map.of("A B", "1")), -32602);
        McpError e = protocolError("start_session", Map.of("command", List.of("x"), "nmae", "typo"), -32602);
        assertTrue(e.getMessage().contains("unknown argument 'nmae'"), e.getMessage());
        assertTrue(service.starts.isEmpty());
    }

    @Test
    void noFreeSlotIsAToolErrorWithTheHarnessMessage() {
        service.slotsFree = 0;
        String message = toolError("start_session", Map.of("command", List.of("x")));
        assertTrue(message.contains("slot"), message);
    }

    @Test
    void anUnknownSessionIsAToolErrorNamingIt() {
        String message = toolError("get_session", Map.of("sessionId", "nope"));
        assertTrue(message.contains("nope"), message);
        toolError("get_output", Map.of("sessionId", "nope"));
        toolError("stop_session", Map.of("sessionId", "nope"));
    }

    @Test
    void sessionsAreFoundByPrefixAndByName() throws Exception {
        service.add("01ABCDEF", "api", SessionStatus.RUNNING, false);
        assertEquals("01ABCDEF", ok("get_session", Map.of("sessionId", "01ab".toUpperCase())).path("session").path("id").asText());
        assertEquals("01ABCDEF", ok("get_session", Map.of("sessionId", "api")).path("session").path("id").asText());
    }

    @Test
    void listSessionsShowsActiveOnesUnlessAll() throws Exception {
        service.add("01A", "a", SessionStatus.RUNNING, false);
        service.add("01B", "b", SessionStatus.COMPLETED, false);
        assertEquals(1, ok("list_sessions", Map.of()).path("count").asInt());
        assertEquals(2, ok("list_sessions", Map.of("all", true)).path("count").asInt());
        assertEquals(1, ok("list_sessions", Map.of("all", true, "limit", 1)).path("count").asInt());
        protocolError("list_sessions", Map.of("limit", 0), -32602);
        protocolError("list_sessions", Map.of("limit", 2.5), -32602);
    }

    @Test
    void getOutputReadsTheLastLinesByDefaultWithoutEscapesAndGivesTheCursor() throws Exception {
        service.add("01A", "a", SessionStatus.RUNNING, false);
        service.chunk("01A", 1, "\u001B[32mgreen\u001B[0m line\r\n");
        service.chunk("01A", 2, "\u001B]0;title\u0007second\n");
        JsonNode r = ok("get_output", Map.of("sessionId", "a"));
        assertEquals("green line\nsecond\n", r.path("text").asText());
        assertEquals(2, r.path("nextAfterSeq").asLong());
        assertEquals(HarnessTools.DEFAULT_LINES, service.lastQuery.lastLines());
        JsonNode raw = ok("get_output", Map.of("sessionId", "a", "raw", true, "afterSeq", 0, "maxBytes", 10));
        assertTrue(raw.path("text").asText().startsWith("\u001B[32m"));
        assertEquals(0L, service.lastQuery.afterSeq());
        assertEquals(10, service.lastQuery.maxBytes());
    }

    @Test
    void getOutputSinceTakesADurationAgoOrAnInstant() throws Exception {
        service.add("01A", "a", SessionStatus.RUNNING, false);
        ok("get_output", Map.of("sessionId", "a", "since", "5m"));
        assertEquals(NOW.minusSeconds(300), service.lastQuery.since());
        ok("get_output", Map.of("sessionId", "a", "since", "2026-01-01T00:30:00Z"));
        assertEquals(Instant.parse("2026-01-01T00:30:00Z"), service.lastQuery.since());
        protocolError("get_output", Map.of("sessionId", "a", "since", "yesterday"), -32602);
        McpError both = protocolError("get_output", Map.of("sessionId", "a", "lines", 5, "afterSeq", 3), -32602);
        assertTrue(both.getMessage().contains("only one of"), both.getMessage());
    }

    @Test
    void sendInputTypesKeysByTheirNamesAndTextAsItIs() throws Exception {
        service.add("01A", "a", SessionStatus.RUNNING, true);
        ok("send_input", Map.of("sessionId", "a", "keys", List.of("C-c", "Up", "yes", "Enter")));
        assertEquals("\u0003\u001B[Ayes\r", sent());
        service.sent.reset();
        ok("send_input", Map.of("sessionId", "a", "text", "hello", "enter", true));
        assertEquals("hello\r", sent());
        protocolError("send_input", Map.of("sessionId", "a"), -32602);
        protocolError("send_input", Map.of("sessionId", "a", "text", "x", "keys", List.of("Enter")), -32602);
    }

    @Test
    void sendInputOnPipesEndsTextWithANewlineAndCanClose() throws Exception {
        service.add("01A", "a", SessionStatus.RUNNING, false);
        JsonNode r = ok("send_input", Map.of("sessionId", "a", "text", "hi", "enter", true, "close", true));
        assertEquals("hi\n", sent());
        assertTrue(service.closed);
        assertEquals(3, r.path("sentBytes").asInt());
    }

    @Test
    void respondCheckpointTypesAMenuNumber() throws Exception {
        Session s = service.add("01A", "a", SessionStatus.WAITING_CHECKPOINT, true);
        service.screen = FakeHarnessService.screen(s, List.of("Do you trust this folder?", "❯ 1. Yes", "  2. No"),
                new Prompt("menu", "Do you trust this folder?", List.of("1. Yes", "2. No"), 0),
                new Screen.InputModes(false, true, List.of()));
        JsonNode r = ok("respond_checkpoint", Map.of("sessionId", "a", "choice", 2));
        assertEquals("\u001BOB\r", sent(), "Down in application cursor mode, then Enter");
        assertEquals("2. No", r.path("answered").asText());
        assertEquals("menu", r.path("prompt").path("kind").asText());
        String message = toolError("respond_checkpoint", Map.of("sessionId", "a", "choice", 3));
        assertTrue(message.contains("not offered"), message);
    }

    @Test
    void respondCheckpointTypesAYesNoOptionOrTextAndEnter() throws Exception {
        Session s = service.add("01A", "a", SessionStatus.WAITING_CHECKPOINT, false);
        service.screen = FakeHarnessService.screen(s, List.of("Overwrite? (y/n)"),
                new Prompt("yes-no", "Overwrite? (y/n)", List.of("y", "n"), -1), Screen.InputModes.NONE);
        ok("respond_checkpoint", Map.of("sessionId", "a", "choice", 1));
        assertEquals("y\n", sent());
        service.sent.reset();
        ok("respond_checkpoint", Map.of("sessionId", "a", "text", "maybe later"));
        assertEquals("maybe later\n", sent());
        protocolError("respond_checkpoint", Map.of("sessionId", "a"), -32602);
        protocolError("respond_checkpoint", Map.of("sessionId", "a", "choice", 1, "text", "y"), -32602);
    }

    @Test
    void getScreenShowsTheRowsTheCursorAndThePromptAsScreenJsonDoes() throws Exception {
        Session s = service.add("01A", "a", SessionStatus.WAITING_CHECKPOINT, true);
        service.screen = FakeHarnessService.screen(s, List.of("Proceed?", "❯ 1. Yes", "  2. No"),
                new Prompt("menu", "Proceed?", List.of("1. Yes", "2. No"), 0), new Screen.InputModes(true, false, List.of()));
        JsonNode r = ok("get_screen", Map.of("sessionId", "a"));
        assertEquals(3, r.path("lines").size(), "blank rows at the bottom are left out");
        assertEquals("❯ 1. Yes", r.path("lines").get(1).asText());
        assertEquals(3, r.path("cursor").path("row").asInt());
        assertTrue(r.path("bracketedPaste").asBoolean());
        assertEquals("menu", r.path("prompt").path("kind").asText());
        assertEquals(0, r.path("prompt").path("selected").asInt());
        assertEquals(7, r.path("lastSeq").asInt());
    }

    @Test
    void keysFollowTheTerminalsModes() throws Exception {
        Session s = service.add("01A", "a", SessionStatus.RUNNING, true);
        service.screen = FakeHarnessService.screen(s, List.of(">"), null, new Screen.InputModes(true, true, List.of()));
        ok("send_input", Map.of("sessionId", "a", "keys", List.of("Up", "two words")));
        assertEquals("\u001BOA\u001B[200~two words\u001B[201~", sent());
    }

    @Test
    void respondCheckpointRefusesASessionThatAsksNothing() {
        service.add("01A", "a", SessionStatus.RUNNING, true);
        String message = toolError("respond_checkpoint", Map.of("sessionId", "a", "choice", 1));
        assertTrue(message.contains("not waiting"), message);
        service.add("01B", "b", SessionStatus.COMPLETED, true);
        assertTrue(toolError("respond_checkpoint", Map.of("sessionId", "b", "text", "x")).contains("has ended"));
        assertEquals("", sent());
    }

    @Test
    void waitReturnsTheSessionThatChanged() throws Exception {
        Session s = service.add("01A", "a", SessionStatus.RUNNING, false);
        service.changes.add(s.toBuilder().status(SessionStatus.COMPLETED).build());
        JsonNode r = ok("wait_for_state_change", Map.of("sessionIds", List.of("a"), "timeout", 60_000));
        assertTrue(r.path("changed").asBoolean());
        assertEquals("completed", r.path("session").path("status").asText());
        assertTrue(service.calls.contains("awaitChange [01A]"), service.calls.toString());
    }

    @Test
    void waitOnAnEndedSessionReturnsAtOnce() throws Exception {
        service.add("01A", "a", SessionStatus.RUNNING, false);
        service.add("01B", "b", SessionStatus.FAILED, false);
        JsonNode r = ok("wait_for_state_change", Map.of("sessionIds", List.of("a", "b"), "timeout", 60_000));
        assertTrue(r.path("already").asBoolean());
        assertEquals("01B", r.path("session").path("id").asText());
        assertTrue(service.calls.stream().noneMatch(c -> c.startsWith("awaitChange")));
    }

    @Test
    void waitOnASessionWaitingForAnAnswerReturnsAtOnce() throws Exception {
        service.add("01A", "a", SessionStatus.WAITING_CHECKPOINT, true);
        JsonNode r = ok("wait_for_state_change", Map.of("sessionIds", List.of("a"), "timeout", 60_000));
        assertTrue(r.path("already").asBoolean());
        assertEquals("waiting_checkpoint", r.path("session").path("status").asText());
    }

    @Test
    void waitWithNothingChangingSaysSoWhenTheTimeoutPasses() throws Exception {
        service.add("01A", "a", SessionStatus.RUNNING, false);
        JsonNode r = ok("wait_for_state_change", Map.of("sessionIds", List.of(), "timeout", 0));
        assertFalse(r.path("changed").asBoolean());
        assertEquals("running", r.path("sessions").get(0).path("status").asText());
        protocolError("wait_for_state_change", Map.of(), -32602);
        protocolError("wait_for_state_change", Map.of("sessionIds", List.of("a"), "timeout", -1), -32602);
        protocolError("wait_for_state_change", Map.of("sessionIds", List.of("a"), "timeout", 600_001), -32602);
    }

    @Test
    void stopPassesGraceAndForce() throws Exception {
        service.add("01A", "a", SessionStatus.RUNNING, false);
        JsonNode r = ok("stop_session", Map.of("sessionId", "a", "graceMs", 1500));
        assertEquals("stopped", r.path("session").path("status").asText());
        assertEquals("stop 01A PT1.5S false", service.calls.get(0));
        protocolError("stop_session", Map.of("sessionId", "a", "force", true, "graceMs", 1), -32602);
        String message = toolError("stop_session", Map.of("sessionId", "a"));
        assertTrue(message.contains("stop"), message);
    }

    @Test
    void resumeContinuesAFinishedConversationOrAPausedProcess() throws Exception {
        service.add("01A", "a", SessionStatus.COMPLETED, false);
        JsonNode r = ok("resume_session", Map.of("sessionId", "a", "prompt", "go on"));
        assertEquals("conversation", r.path("resumed").asText());
        assertEquals("01RESUMED", r.path("session").path("id").asText());
        assertTrue(service.calls.contains("resumeConversation 01A go on"));
        service.add("01P", "p", SessionStatus.PAUSED, false);
        assertEquals("paused", ok("resume_session", Map.of("sessionId", "p")).path("resumed").asText());
        protocolError("resume_session", Map.of("sessionId", "p", "prompt", "x"), -32602);
    }

    @Test
    void statsAreTheShapeOfStatsJson() throws Exception {
        JsonNode r = ok("get_stats", Map.of("project", "."));
        assertEquals(dir.toAbsolutePath().normalize().toString(), r.path("project").asText());
        JsonNode stats = r.path("stats");
        assertEquals(3, stats.path("total").asInt());
        assertEquals(2, stats.path("byStatus").path("completed").asInt());
        assertEquals(1500, stats.path("averageDurationMs").asInt());
        assertEquals("1.5s", stats.path("averageDuration").asText());
        assertTrue(stats.path("cost").path("costUsd").isNull());
    }

    @Test
    void aBugInTheServiceIsAnInternalError() {
        HarnessTools broken = new HarnessTools(new FakeHarnessService() {
            @Override
            public dev.agentharness.core.SessionStats stats(String project) {
                throw new NullPointerException("oops");
            }
        }, Clock.systemUTC(), new HashMap<>(), dir);
        McpError e = assertThrows(McpError.class, () -> broken.call("get_stats", Map.of()));
        assertEquals(-32603, e.getJsonRpcError().code());
    }
}
