package dev.agentharness.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Agent-aware sessions through the real CLI and daemon: the real Claude Code where it is installed
 * (offline it still prints a real init line and an error result), and a stand-in script called
 * {@code claude} for what needs a failure on demand.
 */
class AgentsIT extends HarnessIT {

    private static String which(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    private JsonNode awaitParsed(String ref) {
        HarnessProcesses.awaitTrue("the agent's result parsed", FUNCTIONAL,
                () -> !harness.session(ref).path("resultStatus").isNull());
        return harness.json("show", ref, "--json");
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static List<String> eventTypes(JsonNode session) {
        List<String> out = new ArrayList<>();
        session.path("events").forEach(e -> out.add(e.path("type").asText()));
        return out;
    }

    @Test
    void theRealClaudeCodeRunShowsItsSessionIdModelZeroCostAndErrorResult() {
        String claude = which("claude");
        assumeTrue(claude != null, "Claude Code (npm @anthropic-ai/claude-code) is not installed: skipping the real-agent test");
        harness.run("runs", "new", "agents").ok();
        Result run = harness.run("run", "-q", "--name", "real", "--", "claude", "-p", "hi", "--output-format", "stream-json",
                "--verbose");
        String stdout = harness.run("tail", "real", "-n", "all", "--stream", "stdout").ok().out();
        assertTrue(stdout.startsWith("{\"type\":\"system\",\"subtype\":\"init\""), run::toString); // stored as printed

        JsonNode s = awaitParsed("real");
        assertEquals("claude", s.path("agent").asText());
        String id = s.path("agentSessionId").asText();
        assertEquals(36, id.length(), s::toString);
        List<String> command = strings(s.path("command"));
        assertEquals(List.of("claude", "--session-id", id, "-p", "hi", "--output-format", "stream-json", "--verbose"), command,
                "the id was chosen up front and the agent used it");
        assertTrue(run.out().contains("\"session_id\":\"" + id + "\""), run::toString);
        assertFalse(s.path("model").isNull(), s::toString);
        assertEquals(0.0, s.path("costUsd").asDouble(-1));
        assertTrue(s.path("costUsd").isNumber(), "known (Claude Code says 0), not null");
        assertEquals("error", s.path("resultStatus").asText());
        assertEquals(1, s.path("turns").asInt());
        assertTrue(eventTypes(s).containsAll(List.of("agent_session", "turn_result")), s::toString);
        // Parsing never changes what is stored: the stdout stream is Claude Code's JSON lines, as printed.
        assertTrue(stdout.lines().allMatch(l -> l.startsWith("{") && l.endsWith("}")), stdout);
        assertTrue(stdout.contains("\"type\":\"result\"") && stdout.endsWith("}\n"), stdout);

        String ps = harness.run("ps", "--all").ok().out();
        assertTrue(ps.contains("AGENT") && ps.contains("COST") && ps.contains("claude") && ps.contains("$0.0000"), ps);
        JsonNode stats = harness.json("stats", "--json");
        assertEquals(0.0, stats.path("cost").path("costUsd").asDouble(-1), stats::toString);
        JsonNode runs = harness.json("runs", "--json");
        assertEquals(0.0, runs.get(0).path("cost").path("costUsd").asDouble(-1), runs::toString);
        assertEquals(1, runs.get(0).path("cost").path("pricedSessions").asInt(), runs::toString);

        // The real agent resumes its own conversation, by the id it was given.
        String resumed = harness.run("resume", "real", "go on").ok().out().strip();
        JsonNode r = awaitParsed(resumed);
        assertEquals(List.of("claude", "--resume", id, "-p", "--output-format", "stream-json", "--verbose", "go on"),
                strings(r.path("command")));
        assertEquals(s.path("id").asText(), r.path("resumeOf").asText());
        assertEquals("real-r1", r.path("name").asText());
        assertEquals(id, r.path("agentSessionId").asText(), "Claude Code continues the same session");
    }

    /** A stand-in that prints Claude Code's init line with the id it was given, then dies by SIGKILL (unless resumed). */
    private Path fakeClaude() throws Exception {
        return fakeClaude("bin", "kill -9 $$");
    }

    /** The stand-in, doing {@code otherwise} when it was not resumed. */
    private Path fakeClaude(String dirName, String otherwise) throws Exception {
        Path bin = Files.createDirectories(harness.scratch.resolve(dirName));
        Path script = bin.resolve("claude");
        Files.writeString(script, """
                #!/bin/sh
                sid=none; resumed=no
                while [ $# -gt 0 ]; do
                  case "$1" in
                    --session-id) sid="$2"; shift ;;
                    --resume) sid="$2"; resumed=yes; shift ;;
                  esac
                  shift
                done
                echo "{\\"type\\":\\"system\\",\\"subtype\\":\\"init\\",\\"session_id\\":\\"$sid\\",\\"model\\":\\"fake\\"}"
                if [ "$resumed" = yes ]; then
                  echo "{\\"type\\":\\"result\\",\\"subtype\\":\\"success\\",\\"is_error\\":false,\\"num_turns\\":1,\\"total_cost_usd\\":0.01,\\"usage\\":{\\"input_tokens\\":10,\\"output_tokens\\":5}}"
                  exit 0
                fi
                """ + otherwise + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    @Test
    void onCrashResumesAnAgentThatDiedWithAResumableIdAndAUsersStopNever() throws Exception {
        Path script = fakeClaude();
        String first = harness.run("start", "--name", "flaky", "--restart", "on-crash", "--max-restarts", "1", "--",
                script.toString(), "-p", "fix it", "--output-format", "stream-json", "--verbose").ok().out().strip();
        HarnessProcesses.awaitTrue("the automatic resume", FUNCTIONAL,
                () -> harness.json("ps", "--all", "--json").size() == 2);
        JsonNode killed = harness.json("show", first, "--json");
        assertEquals("failed", killed.path("status").asText());
        assertEquals(137, killed.path("exitCode").asInt());
        String id = killed.path("agentSessionId").asText();
        JsonNode resumed = awaitParsed("flaky-r1");
        assertEquals(first, resumed.path("resumeOf").asText());
        assertEquals(List.of(script.toString(), "--resume", id, "-p", "--output-format", "stream-json", "--verbose",
                "Continue where you left off."), strings(resumed.path("command")));
        assertEquals("success", resumed.path("resultStatus").asText());
        assertEquals(0.01, resumed.path("costUsd").asDouble());
        assertEquals("on-crash", resumed.path("restartPolicy").asText());

        // A session the user stops is not resumed.
        Path sleeper = Files.writeString(harness.scratch.resolve("bin").resolve("agent-sleep"), "#!/bin/sh\nexec sleep 60\n");
        Files.setPosixFilePermissions(sleeper, PosixFilePermissions.fromString("rwx------"));
        String stopped = harness.run("start", "--agent", "claude", "--restart", "on-crash", "--", sleeper.toString()).ok().out().strip();
        harness.run("stop", stopped, "--force").ok();
        HarnessProcesses.awaitTrue("the stopped session settled", FUNCTIONAL,
                () -> eventTypes(harness.json("show", stopped, "--json")).contains("status_changed"));
        harness.run("run", "-q", "--", "true").ok(); // anything queued behind it would have started by now
        assertEquals(4, harness.json("ps", "--all", "--json").size(), "no resume of a stopped session");
    }

    @Test
    void aSessionCrashedByAHarnessCrashComesBackResumedUnderOnCrash() throws Exception {
        Path script = fakeClaude("bin-crash", "sleep 300");
        String first = harness.run("start", "--name", "orphan", "--restart", "on-crash", "--", script.toString(), "-p", "fix it",
                "--output-format", "stream-json", "--verbose").ok().out().strip();
        HarnessProcesses.awaitTrue("its init line parsed", FUNCTIONAL,
                () -> eventTypes(harness.json("show", first, "--json")).contains("agent_session"));
        String id = harness.session(first).path("agentSessionId").asText();
        // A daemon's death alone no longer crashes a session (its keeper keeps the agent): the
        // harness loses one only with its keeper, so both die here.
        long agent = harness.session(first).path("pid").asLong();
        long keeper = HarnessProcesses.keeperOf(agent);
        long daemon = harness.daemonPid().orElseThrow();
        HarnessProcesses.kill(daemon, "KILL");
        HarnessProcesses.kill(keeper, "KILL");
        HarnessProcesses.awaitTrue("the daemon and the keeper to die", FUNCTIONAL,
                () -> !HarnessProcesses.alive(daemon) && !HarnessProcesses.alive(keeper));

        harness.start("daemon"); // the next daemon reconciles: crashed, then resumed by itself
        HarnessProcesses.awaitTrue("the automatic resume", FUNCTIONAL, () -> harness.json("ps", "--all", "--json").size() == 2);
        assertEquals("crashed", harness.status(first));
        JsonNode resumed = awaitParsed("orphan-r1");
        assertEquals(first, resumed.path("resumeOf").asText());
        assertEquals(List.of(script.toString(), "--resume", id, "-p", "--output-format", "stream-json", "--verbose",
                "Continue where you left off."), strings(resumed.path("command")));
        assertEquals("success", resumed.path("resultStatus").asText());
        harness.run("shutdown").ok();
    }

    /** Kills the daemon and the session's keeper, as a machine crash would (the agent is left to the next harness). */
    private void crashHarness(String session) {
        long agent = harness.session(session).path("pid").asLong();
        long keeper = HarnessProcesses.keeperOf(agent);
        long daemon = harness.daemonPid().orElseThrow();
        HarnessProcesses.kill(daemon, "KILL");
        HarnessProcesses.kill(keeper, "KILL");
        HarnessProcesses.awaitTrue("the daemon and the keeper to die", FUNCTIONAL,
                () -> !HarnessProcesses.alive(daemon) && !HarnessProcesses.alive(keeper));
    }

    /**
     * Regression (issue 13): {@code harness recover} with no daemon marked an on-crash session
     * crashed and never resumed it, and no later daemon did either (it was no longer active).
     */
    @Test
    void recoverWithoutADaemonResumesACrashedOnCrashSessionOnce() throws Exception {
        Path script = fakeClaude("bin-recover", "sleep 300");
        String first = harness.run("start", "--name", "lost", "--restart", "on-crash", "--max-restarts", "3", "--",
                script.toString(), "-p", "fix it", "--output-format", "stream-json", "--verbose").ok().out().strip();
        HarnessProcesses.awaitTrue("its init line parsed", FUNCTIONAL,
                () -> eventTypes(harness.json("show", first, "--json")).contains("agent_session"));
        String id = harness.session(first).path("agentSessionId").asText();
        crashHarness(first);

        Result recovered = harness.run("recover").ok();
        assertTrue(recovered.out().contains(first + " (lost): was running"), recovered::toString);
        assertTrue(recovered.out().contains("resumed by a daemon started now"), recovered::toString);
        assertEquals("crashed", harness.status(first));
        HarnessProcesses.awaitTrue("the resume, run by the daemon recover started", FUNCTIONAL,
                () -> harness.json("ps", "--all", "--json").size() == 2);
        JsonNode resumed = awaitParsed("lost-r1");
        assertEquals(first, resumed.path("resumeOf").asText());
        assertEquals(List.of(script.toString(), "--resume", id, "-p", "--output-format", "stream-json", "--verbose",
                "Continue where you left off."), strings(resumed.path("command")));
        assertEquals("success", resumed.path("resultStatus").asText());

        // Once: neither another recover nor the next daemon's reconcile brings it back again.
        harness.run("shutdown").ok();
        assertTrue(harness.run("recover").ok().out().contains("nothing to recover"));
        harness.start("daemon");
        HarnessProcesses.awaitTrue("the next daemon", FUNCTIONAL, harness::daemonAlive);
        harness.run("run", "-q", "--", "true").ok(); // anything queued would have started by now
        assertEquals(3, harness.json("ps", "--all", "--json").size(), "the crashed session was resumed once");
        assertTrue(harness.json("queue", "--json").isEmpty());
        harness.run("shutdown").ok();
    }

    /** Regression (issue 13): a crash in the middle of a user's stop must not bring the session back. */
    @Test
    void aUserStopCutShortByAHarnessCrashIsNeverResumed() throws Exception {
        Path stubborn = Files.createDirectories(harness.scratch.resolve("bin-stop")).resolve("claude");
        Files.writeString(stubborn, "#!/bin/sh\ntrap '' TERM\nwhile :; do sleep 1; done\n");
        Files.setPosixFilePermissions(stubborn, PosixFilePermissions.fromString("rwx------"));
        String s = harness.run("start", "--name", "stubborn", "--restart", "on-crash", "--", stubborn.toString()).ok().out().strip();
        HarnessProcesses.Background stop = harness.start("stop", s, "--grace", "5m");
        HarnessProcesses.awaitTrue("the stop request on record", FUNCTIONAL,
                () -> eventTypes(harness.json("show", s, "--json")).contains("stop_requested"));
        crashHarness(s);
        stop.await(FUNCTIONAL);

        Result recovered = harness.run("recover").ok();
        assertFalse(recovered.out().contains("resumed by a daemon"), recovered::toString);
        assertEquals("crashed", harness.status(s));
        assertEquals(1, harness.json("ps", "--all", "--json").size(), "a user's stop is never resumed");
        assertTrue(harness.json("queue", "--json").isEmpty());
    }

    @Test
    void resumeOfAPausedSessionIsStillSigcontAndPromptsAreForFinishedOnes() {
        harness.run("start", "--name", "napper", "--", "sleep", "60").ok();
        harness.run("pause", "napper").ok();
        harness.run("resume", "napper", "more").expectOneLineError(2, "a PROMPT resumes a finished session's conversation");
        assertEquals("session napper running\n", harness.run("resume", "napper").ok().out());
        harness.run("stop", "napper", "--force").ok();
        harness.run("resume", "napper").expectOneLineError(1, "cannot resume session napper: its command is not a known agent");
        harness.run("start", "--agent", "cursor", "--", "true").expectOneLineError(2, "unknown agent 'cursor'");
        JsonNode s = harness.session("napper");
        assertEquals("generic", s.path("agent").asText());
        assertTrue(s.path("costUsd").isNull(), "no cost is known, and none is made up");
        assertNotEquals("", harness.run("ps", "--all").ok().out());
    }
}
