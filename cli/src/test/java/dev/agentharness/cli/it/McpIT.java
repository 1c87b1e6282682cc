package dev.agentharness.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code harness mcp} as an MCP client sees it: the official SDK's own client spawns the real
 * command as a separate process over its stdio transport, lists the tools and drives real sessions
 * with them (a daemon started in the background on the first start_session, as harness start does).
 */
class McpIT extends HarnessIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> TOOLS = List.of("start_session", "list_sessions", "get_session", "get_output",
            "get_screen", "send_input", "respond_checkpoint", "wait_for_state_change", "stop_session", "resume_session",
            "get_stats");

    private final List<McpSyncClient> clients = new ArrayList<>();

    @AfterEach
    void closeClients() {
        for (McpSyncClient c : clients) {
            c.closeGracefully();
        }
    }

    private McpSyncClient connect() {
        List<String> cmd = harness.command("mcp");
        ServerParameters params = ServerParameters.builder(cmd.get(0)).args(cmd.subList(1, cmd.size()))
                .env(Map.of("HARNESS_DAEMON_JAVA_OPTS", "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx256m"))
                .build();
        File dir = harness.scratch.toFile();
        StdioClientTransport transport = new StdioClientTransport(params, McpJsonDefaults.getMapper()) {
            @Override
            protected ProcessBuilder getProcessBuilder() {
                return new ProcessBuilder().directory(dir);
            }
        };
        McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(90))
                .initializationTimeout(Duration.ofSeconds(60)).build();
        clients.add(client);
        client.initialize();
        return client;
    }

    private static JsonNode ok(McpSyncClient client, String tool, Map<String, Object> args) {
        CallToolResult r = client.callTool(new CallToolRequest(tool, args));
        assertFalse(Boolean.TRUE.equals(r.isError()), () -> tool + " failed: " + text(r));
        try {
            return JSON.readTree(text(r));
        } catch (IOException e) {
            throw new AssertionError(tool + " did not answer JSON: " + text(r), e);
        }
    }

    private static String text(CallToolResult r) {
        return ((TextContent) r.content().get(0)).text();
    }

    @Test
    void theToolsDriveRealSessionsThroughTheSdkClient() throws Exception {
        McpSyncClient client = connect();

        List<Tool> tools = client.listTools().tools();
        assertEquals(TOOLS, tools.stream().map(Tool::name).toList());
        for (Tool t : tools) {
            assertEquals("object", t.inputSchema().get("type"), t.name());
            assertTrue(t.inputSchema().get("properties") instanceof Map<?, ?> p && !p.isEmpty()
                    || t.name().equals("list_sessions") || t.name().equals("get_stats"), t.name());
            assertTrue(t.description() != null && t.description().length() > 40, t.name());
        }

        // A session that prints, then waits to be stopped.
        JsonNode started = ok(client, "start_session", Map.of("command", List.of("sh", "-c", "echo hello from mcp; exec sleep 60"),
                "name", "loop", "cwd", harness.scratch.toString()));
        String loopId = started.path("session").path("id").asText();
        assertEquals("loop", started.path("session").path("name").asText());
        HarnessProcesses.awaitTrue("get_output to show the first line", FUNCTIONAL,
                () -> ok(client, "get_output", Map.of("sessionId", "loop")).path("text").asText().equals("hello from mcp\n"));
        JsonNode out = ok(client, "get_output", Map.of("sessionId", loopId.substring(0, 10), "afterSeq", 0));
        assertEquals("hello from mcp\n", out.path("text").asText());
        long cursor = out.path("nextAfterSeq").asLong();
        assertTrue(cursor > 0, out.toString());
        assertEquals("", ok(client, "get_output", Map.of("sessionId", "loop", "afterSeq", cursor)).path("text").asText());

        // send_input reaches a cat, which echoes it.
        ok(client, "start_session", Map.of("command", List.of("cat"), "name", "echo", "interactive", true,
                "cwd", harness.scratch.toString()));
        ok(client, "send_input", Map.of("sessionId", "echo", "text", "ping ü", "enter", true));
        HarnessProcesses.awaitTrue("cat to echo the input", FUNCTIONAL,
                () -> ok(client, "get_output", Map.of("sessionId", "echo", "afterSeq", 0)).path("text").asText().equals("ping ü\n"));
        assertEquals(2, ok(client, "list_sessions", Map.of()).path("count").asInt());

        // A long poll on the loop ends when stop_session ends it.
        CompletableFuture<JsonNode> waited = CompletableFuture.supplyAsync(() -> ok(client, "wait_for_state_change",
                Map.of("sessionIds", List.of("loop"), "timeout", 60_000)));
        Thread.sleep(500);
        assertFalse(waited.isDone(), "the wait returned before anything changed: " + (waited.isDone() ? waited.get() : ""));
        JsonNode stopped = ok(client, "stop_session", Map.of("sessionId", "loop", "graceMs", 5000));
        assertEquals("stopped", stopped.path("session").path("status").asText());
        JsonNode change = waited.get(60, TimeUnit.SECONDS);
        assertTrue(change.path("changed").asBoolean(), change.toString());
        assertEquals(loopId, change.path("session").path("id").asText());
        assertEquals("stopped", change.path("session").path("status").asText());

        // Closing cat's stdin ends it; a wait on an ended session returns at once.
        ok(client, "send_input", Map.of("sessionId", "echo", "close", true));
        HarnessProcesses.awaitTrue("cat to complete", FUNCTIONAL,
                () -> ok(client, "get_session", Map.of("sessionId", "echo")).path("session").path("status").asText().equals("completed"));
        JsonNode ended = ok(client, "wait_for_state_change", Map.of("sessionIds", List.of("echo"), "timeout", 60_000));
        assertTrue(ended.path("already").asBoolean(), ended.toString());

        JsonNode session = ok(client, "get_session", Map.of("sessionId", "loop")).path("session");
        assertEquals(List.of("sh", "-c", "echo hello from mcp; exec sleep 60"),
                JSON.convertValue(session.path("command"), List.class));
        assertTrue(session.path("events").size() > 0, session.toString());
        assertEquals(2, ok(client, "list_sessions", Map.of("all", true)).path("count").asInt());

        JsonNode stats = ok(client, "get_stats", Map.of()).path("stats");
        assertEquals(2, stats.path("total").asInt(), stats.toString());
        assertEquals(1, stats.path("byStatus").path("stopped").asInt(), stats.toString());
        assertEquals(1, stats.path("byStatus").path("completed").asInt(), stats.toString());
        // The CLI reads the same sessions.
        assertEquals("stopped", harness.status("loop"));
    }

    /** A terminal agent asks; the orchestrator waits for the question, reads it and answers it. */
    @Test
    void aWaitingTerminalSessionIsAnsweredWithRespondCheckpoint() throws Exception {
        McpSyncClient client = connect();
        ok(client, "start_session", Map.of("command", List.of("sh", "-c",
                        "printf 'Overwrite notes.txt? (y/n) '; read answer; echo \"answered $answer\"; sleep 30"),
                "name", "ask", "tty", true, "cwd", harness.scratch.toString()));
        // starting -> running first; the question is seen once the output has been quiet for a moment. A
        // wait on a session that already waits for an answer returns at once, so this loop cannot miss it.
        JsonNode change = null;
        for (int i = 0; i < 4; i++) {
            change = ok(client, "wait_for_state_change", Map.of("sessionIds", List.of("ask"), "timeout", 30_000));
            if (change.path("session").path("status").asText().equals("waiting_checkpoint")) {
                break;
            }
        }
        assertEquals("waiting_checkpoint", change.path("session").path("status").asText(), change.toString());
        JsonNode screen = ok(client, "get_screen", Map.of("sessionId", "ask"));
        assertEquals("yes-no", screen.path("prompt").path("kind").asText(), screen.toString());
        assertEquals(List.of("y", "n"), JSON.convertValue(screen.path("prompt").path("options"), List.class));

        JsonNode answered = ok(client, "respond_checkpoint", Map.of("sessionId", "ask", "choice", 1));
        assertEquals("y", answered.path("answered").asText());
        HarnessProcesses.awaitTrue("the agent to read the answer", FUNCTIONAL,
                () -> ok(client, "get_output", Map.of("sessionId", "ask")).path("text").asText().contains("answered y"));
        CallToolResult again = client.callTool(new CallToolRequest("respond_checkpoint", Map.of("sessionId", "ask", "choice", 1)));
        assertEquals(Boolean.TRUE, again.isError(), "nothing waits any more: " + text(again));
        ok(client, "stop_session", Map.of("sessionId", "ask", "force", true));
    }

    @Test
    void refusalsAreToolErrorsAndBadArgumentsAreInvalidParams() {
        McpSyncClient client = connect();

        CallToolResult unknown = client.callTool(new CallToolRequest("get_session", Map.of("sessionId", "nosuch")));
        assertEquals(Boolean.TRUE, unknown.isError());
        assertEquals("no such session: nosuch", text(unknown));
        CallToolResult output = client.callTool(new CallToolRequest("get_output", Map.of("sessionId", "nosuch")));
        assertEquals(Boolean.TRUE, output.isError());

        McpError notArgv = assertThrows(McpError.class,
                () -> client.callTool(new CallToolRequest("start_session", Map.of("command", "sh -c 'echo hi'"))));
        assertEquals(-32602, notArgv.getJsonRpcError().code());
        assertTrue(notArgv.getMessage().contains("command"), notArgv.getMessage());
        McpError missing = assertThrows(McpError.class,
                () -> client.callTool(new CallToolRequest("get_output", Map.of())));
        assertEquals(-32602, missing.getJsonRpcError().code());
        McpError both = assertThrows(McpError.class, () -> client.callTool(new CallToolRequest("get_output",
                Map.of("sessionId", "x", "lines", 5, "afterSeq", 0))));
        assertEquals(-32602, both.getJsonRpcError().code());
        McpError typo = assertThrows(McpError.class,
                () -> client.callTool(new CallToolRequest("list_sessions", Map.of("al", true))));
        assertEquals(-32602, typo.getJsonRpcError().code());
        assertTrue(typo.getMessage().contains("unknown argument 'al'"), typo.getMessage());

        // None of these needed a daemon, and none started one.
        assertFalse(harness.daemonAlive());
    }

    /**
     * Standard output is the protocol: every line a client reads from it must be a JSON-RPC message.
     * A script that writes its requests and closes its end at once still gets every answer.
     */
    @Test
    void standardOutputCarriesOnlyTheProtocol() throws Exception {
        Script run = script(List.of("mcp"), Map.of("command", List.of("sh", "-c", "echo to the agent's stdout")));
        assertEquals(List.of(1, 2, 3), run.replies().stream().map(r -> r.path("id").asInt()).toList());
        assertEquals(11, run.replies().get(1).path("result").path("tools").size());
        assertFalse(run.replies().get(2).path("result").path("isError").asBoolean(), run.replies().get(2).toString());
    }

    /**
     * Bug: with --debug, the SDK logged every message it read, start_session's environment values
     * included, to stderr (the MCP client's log of the server).
     */
    @Test
    void debugLogShowsNoEnvironmentValueOfStartSession() throws Exception {
        Script run = script(List.of("--debug", "mcp"), Map.of("command", List.of("sh", "-c", "exit 0"),
                "env", Map.of("MCP_IT_TOKEN", "s3cret-mcp-value")));
        assertFalse(run.replies().get(2).path("result").path("isError").asBoolean(), run.replies().get(2).toString());
        assertTrue(run.stderr().contains("[DEBUG]"), "--debug logs to stderr: " + run.stderr());
        assertFalse(run.stderr().contains("s3cret-mcp-value"), "an environment value reached the log: " + run.stderr());
        assertFalse(Files.readString(harness.home.resolve("daemon.log")).contains("s3cret-mcp-value"));
    }

    private record Script(List<JsonNode> replies, String stderr) {
    }

    /** Writes initialize, tools/list and one start_session to harness mcp, closes its input, reads every answer. */
    private Script script(List<String> args, Map<String, Object> startArguments) throws Exception {
        Path stderr = Files.createTempFile(harness.scratch, "mcp", ".err");
        ProcessBuilder pb = new ProcessBuilder(harness.command(args.toArray(String[]::new)))
                .directory(harness.scratch.toFile()).redirectError(stderr.toFile());
        pb.environment().put("HARNESS_DAEMON_JAVA_OPTS", "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx256m");
        Process p = pb.start();
        try {
            try (OutputStream in = p.getOutputStream()) {
                for (Object message : List.of(
                        Map.of("jsonrpc", "2.0", "id", 1, "method", "initialize", "params", Map.of("protocolVersion", "2025-06-18",
                                "capabilities", Map.of(), "clientInfo", Map.of("name", "script", "version", "1"))),
                        Map.of("jsonrpc", "2.0", "method", "notifications/initialized"),
                        Map.of("jsonrpc", "2.0", "id", 2, "method", "tools/list"),
                        Map.of("jsonrpc", "2.0", "id", 3, "method", "tools/call", "params", Map.of("name", "start_session",
                                "arguments", startArguments)))) {
                    in.write((JSON.writeValueAsString(message) + "\n").getBytes(StandardCharsets.UTF_8));
                }
            }
            List<JsonNode> replies = new ArrayList<>();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    JsonNode msg = JSON.readTree(line);
                    assertEquals("2.0", msg.path("jsonrpc").asText(), "not a JSON-RPC message on stdout: " + line);
                    replies.add(msg);
                }
            }
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "harness mcp did not end with its input");
            assertEquals(0, p.exitValue(), Files.readString(stderr));
            assertEquals(3, replies.size(), replies.toString());
            return new Script(replies, Files.readString(stderr));
        } finally {
            p.destroyForcibly();
        }
    }

    /**
     * Registration as the README says ({@code claude mcp add harness -- <repo>/harness mcp}), with a
     * temporary HOME for Claude Code's config: {@code claude mcp list} then starts the server and
     * reports it connected. This works offline: the health check only speaks MCP to the server.
     */
    @Test
    void claudeCodeRegistersTheServerAndConnects() throws Exception {
        Path claude = which("claude");
        assumeTrue(claude != null, "claude (Claude Code) is not installed: skipping the registration check");
        Path claudeHome = Files.createDirectories(tmp.resolve("claude-home"));
        Path project = Files.createDirectories(tmp.resolve("claude-project"));
        String launcher = HarnessProcesses.repoRoot().resolve("harness").toString();

        // -e takes several values: the server's name goes before it, and -- ends it.
        ClaudeRun added = runClaude(claude, claudeHome, project, "mcp", "add", "harness", "-e", "HARNESS_NO_BUILD=1",
                "--", launcher, "--home", harness.home.toString(), "mcp");
        assertEquals(0, added.code(), added.toString());
        ClaudeRun list = runClaude(claude, claudeHome, project, "mcp", "list");
        String line = list.stdout().lines().filter(l -> l.startsWith("harness:")).findFirst()
                .orElseThrow(() -> new AssertionError("claude mcp list does not show harness: " + list));
        assertTrue(line.contains(launcher + " --home " + harness.home + " mcp"), line);
        // "✔ Connected" (or "✓" in other versions); "✘ Failed to connect" when the server does not answer.
        assertTrue(line.contains("Connected") && !line.contains("Failed"), "Claude Code could not connect to harness mcp: " + list);
    }

    private record ClaudeRun(int code, String stdout, String stderr) {
    }

    private ClaudeRun runClaude(Path claude, Path home, Path cwd, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(claude.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("HOME", home.toString());
        pb.environment().remove("CLAUDE_CONFIG_DIR");
        pb.environment().put("DISABLE_AUTOUPDATER", "1");
        pb.environment().put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
        pb.environment().put("HARNESS_DAEMON_JAVA_OPTS", "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx256m");
        Path out = Files.createTempFile(tmp, "claude", ".out");
        Path err = Files.createTempFile(tmp, "claude", ".err");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("claude " + String.join(" ", args) + " did not finish: " + Files.readString(out));
        }
        return new ClaudeRun(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static Path which(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }
}
