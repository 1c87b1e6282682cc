package dev.agentharness.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Interactive Claude Code reports through its hooks: the harness adds {@code --settings} with its
 * hook file to the command line it builds, and each hook runs the real {@code harness hook}, which
 * records into the database without a daemon. The hook input is Claude Code's own (agents module
 * fixtures: fixtures/hooks/README). Where Claude Code is installed, it runs for real in a terminal
 * session, offline.
 */
class HookIT extends HarnessIT {

    private static byte[] fixture(String name) throws IOException {
        Path file = HarnessProcesses.repoRoot().resolve("agents/src/test/resources/fixtures/hooks").resolve(name + ".json");
        return Files.readAllBytes(file);
    }

    private Result hook(String session, String fixture) throws IOException {
        return harness.runWithStdin(fixture(fixture), "hook", "--session", session);
    }

    /** A stand-in named claude that only waits, so that the profile is Claude Code's and the session stays up. */
    private Path standIn() throws IOException {
        Path bin = Files.createDirectories(harness.scratch.resolve("bin"));
        Path script = bin.resolve("claude");
        Files.writeString(script, "#!/bin/sh\nexec sleep 120\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static List<JsonNode> events(JsonNode session, String type) {
        List<JsonNode> out = new ArrayList<>();
        session.path("events").forEach(e -> {
            if (e.path("type").asText().equals(type)) {
                out.add(e);
            }
        });
        return out;
    }

    @Test
    void hookCallbacksRecordTheSessionIdToolCallsAndStatusWithNoDaemonAndDecideCheckpointsWithOne() throws Exception {
        Path claude = standIn();
        String id = harness.run("start", "-t", "--name", "cc", "--", claude.toString()).ok().out().strip();
        JsonNode s = harness.session(id);
        Path settings = harness.home.resolve("claude-hooks.json").toAbsolutePath();
        List<String> command = strings(s.path("command"));
        assertEquals(List.of(claude.toString(), "--settings", settings.toString(), "--session-id"), command.subList(0, 4), s::toString);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(settings)));
        JsonNode registered = new ObjectMapper().readTree(settings.toFile()).path("hooks");
        String hookCommand = registered.path("PreToolUse").get(0).path("hooks").get(0).path("command").asText();
        assertTrue(hookCommand.endsWith(" --home " + harness.home.toAbsolutePath() + " hook"), hookCommand);
        assertTrue(s.path("agentState").isNull(), "no hook has reported yet");

        // No daemon: the hook writes through SQLite as the other commands do.
        harness.run("shutdown", "--keep-agents").ok();
        assertFalse(harness.daemonAlive());
        for (String f : List.of("claude-session-start", "claude-user-prompt-submit", "claude-pre-tool-use")) {
            Result r = hook(id, f);
            assertEquals(0, r.code(), r::toString);
            assertEquals("", r.out() + r.stderr(), "a hook prints nothing: Claude Code would read it");
        }
        s = harness.json("show", "cc", "--json");
        assertEquals("36a7d8a4-bf45-46a1-a4aa-4b40574b36d7", s.path("agentSessionId").asText(), "the id Claude Code said");
        assertEquals("claude-opus-5-5", s.path("model").asText());
        assertEquals(1, s.path("toolCalls").asInt());
        assertEquals("working", s.path("agentState").asText());
        assertEquals("Bash", s.path("agentStateDetail").asText());
        assertFalse(s.path("agentStateAt").isNull());
        JsonNode call = events(s, "tool_call").get(0).path("data");
        assertEquals(Map.of("tool", "Bash", "input", "npm test -- --watch=false", "toolUseId", "toolu_01DUq7sVg5mM2bC3",
                "via", "hook"), new ObjectMapper().convertValue(call, Map.class));
        assertEquals(List.of("idle", "working"), events(s, "agent_status").stream().map(e -> e.path("data").path("state").asText()).toList());
        String shown = harness.run("show", "cc").ok().out();
        assertTrue(shown.contains("tool_call  tool=Bash input=npm test -- --watch=false"), shown);
        assertTrue(shown.contains("agent status:  working — Bash (its hook"), shown);
        assertTrue(harness.run("ps").ok().out().contains("running, working"));

        // With a daemon, the hooks decide the checkpoints: waiting in the agent's words, then running again.
        harness.start("daemon");
        HarnessProcesses.awaitTrue("the daemon", FUNCTIONAL, harness::daemonAlive);
        hook(id, "claude-notification-permission").ok();
        HarnessProcesses.awaitTrue("waiting_checkpoint from the Notification hook", FUNCTIONAL,
                () -> harness.status(id).equals("waiting_checkpoint"));
        s = harness.json("show", "cc", "--json");
        assertEquals("Claude needs your permission to use Bash", s.path("reason").asText());
        JsonNode checkpoint = events(s, "checkpoint").get(0).path("data");
        assertEquals("hook", checkpoint.path("kind").asText());
        assertTrue(harness.run("ps").ok().out().contains("waiting_checkpoint \"Claude needs your permission to…\""));
        hook(id, "claude-post-tool-use").ok();
        HarnessProcesses.awaitTrue("running after the PostToolUse hook", FUNCTIONAL, () -> harness.status(id).equals("running"));
        hook(id, "claude-stop").ok();
        HarnessProcesses.awaitTrue("idle after the Stop hook", FUNCTIONAL,
                () -> harness.session(id).path("agentState").asText().equals("idle"));
        s = harness.json("show", "cc", "--json");
        assertEquals("running", s.path("status").asText(), "idle at its prompt is not a checkpoint");
        assertEquals("success", events(s, "turn_result").get(0).path("data").path("status").asText());
        harness.run("stop", "cc", "--force").ok();
    }

    @Test
    void aHookNeverFailsTheAgentWhateverItIsGiven() throws Exception {
        String id = harness.run("start", "--agent", "claude", "--", standIn().toString()).ok().out().strip();
        List<Result> results = new ArrayList<>();
        results.add(harness.runWithStdin("not json".getBytes(StandardCharsets.UTF_8), "hook", "--session", id));
        results.add(harness.runWithStdin(fixture("claude-stop"), "hook", "--session", "01NOSUCHSESSION0000000000"));
        results.add(harness.runWithStdin(fixture("claude-stop"), "hook")); // neither --session nor HARNESS_SESSION_ID
        results.add(harness.runWithEnv(Map.of("HARNESS_SESSION_ID", id), "hook")); // stdin empty
        for (Result r : results) {
            assertEquals(0, r.code(), r::toString);
            assertEquals("", r.out() + r.stderr(), r::toString);
        }
        String log = Files.readString(harness.home.resolve("daemon.log"));
        assertTrue(log.contains("hook: session " + id + ": not a JSON object"), log);
        assertTrue(log.contains("hook: session 01NOSUCHSESSION0000000000: no session"), log);
        assertTrue(log.contains("hook: session ?: no session: neither --session nor HARNESS_SESSION_ID"), log);
        assertTrue(harness.session(id).path("agentState").isNull(), "nothing recorded from bad input");

        // The session's own id from its environment, as Claude Code passes it on to its hooks.
        Result viaEnv = harness.runWithEnv(Map.of("HARNESS_SESSION_ID", id), "hook", "--session", id);
        assertEquals(0, viaEnv.code());
        Path nowhere = harness.scratch.resolve("no-home");
        HarnessProcesses other = new HarnessProcesses(nowhere, harness.scratch);
        assertEquals(0, other.runWithStdin(fixture("claude-stop"), "hook", "--session", id).code());
        assertFalse(Files.exists(nowhere), "a hook never makes a home");
        harness.run("stop", id, "--force").ok();
    }

    @Test
    void theRealClaudeCodeTakesTheHarnessHooksAndReportsThroughThemOffline() throws Exception {
        assumeTrue(AgentsITSupport.which("claude") != null,
                "Claude Code (npm @anthropic-ai/claude-code) is not installed: skipping the real interactive hook test");
        // A home of its own for Claude Code, past its first-run screens (theme, login), as a user's would be.
        Path claudeHome = Files.createDirectories(harness.scratch.resolve("claude-home"));
        Files.writeString(claudeHome.resolve(".claude.json"), "{\"hasCompletedOnboarding\":true,\"theme\":\"dark\"}");
        Path project = Files.createDirectories(harness.scratch.resolve("project"));
        String id = harness.run("start", "-t", "--name", "real", "--cwd", project.toString(), "--env", "HOME=" + claudeHome,
                "--", "claude").ok().out().strip();
        String chosen = harness.session(id).path("agentSessionId").asText();
        // Offline, a new folder first gets the trust menu; no hook has fired yet.
        HarnessProcesses.awaitTrue("the trust menu", FUNCTIONAL, () -> screen(id).contains("trust this folder"));
        String first = screen(id);
        assertFalse(first.contains("settings entries were skipped") || first.contains("Invalid"),
                "Claude Code took the generated --settings: " + first);
        harness.run("send", id, "--keys", "Down", "Enter").ok();
        HarnessProcesses.awaitTrue("the SessionStart hook", FUNCTIONAL, () -> !events(show(id), "agent_session").isEmpty());
        JsonNode s = show(id);
        JsonNode started = events(s, "agent_session").get(0).path("data");
        assertEquals("hook", started.path("via").asText());
        assertEquals(chosen, started.path("agentSessionId").asText(), "Claude Code runs with the id the harness chose");
        assertFalse(s.path("model").isNull(), s::toString);
        assertEquals("idle", s.path("agentState").asText());

        harness.run("send", id, "--keys", "hello", "Enter").ok();
        // Not logged in and offline: the prompt is submitted (working), then the turn fails (StopFailure: idle).
        HarnessProcesses.awaitTrue("UserPromptSubmit, then StopFailure", FUNCTIONAL,
                () -> events(show(id), "turn_result").size() == 1);
        s = show(id);
        assertEquals(List.of("idle", "working", "idle"),
                events(s, "agent_status").stream().map(e -> e.path("data").path("state").asText()).toList(), s::toString);
        assertEquals("error", events(s, "turn_result").get(0).path("data").path("status").asText());
        assertTrue(s.path("agentStateDetail").asText().startsWith("error: "), s::toString);
        assertFalse(Files.readString(harness.home.resolve("daemon.log")).contains("hook: session"),
                "every hook call was recorded");

        harness.run("send", id, "--keys", "C-u", "/exit", "Enter").ok();
        HarnessProcesses.awaitTrue("Claude Code to exit", FUNCTIONAL, () -> harness.status(id).equals("completed"));
    }

    private JsonNode show(String id) {
        return harness.json("show", id, "--json");
    }

    private String screen(String id) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode line : harness.json("screen", id, "--json").path("lines")) {
            sb.append(line.asText()).append('\n');
        }
        return sb.toString();
    }

    /** Where a program is on PATH. */
    static final class AgentsITSupport {
        static String which(String program) {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
                Path p = Path.of(dir.isEmpty() ? "." : dir, program);
                if (Files.isExecutable(p)) {
                    return p.toString();
                }
            }
            return null;
        }
    }
}
