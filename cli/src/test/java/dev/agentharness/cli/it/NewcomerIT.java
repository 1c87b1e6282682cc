package dev.agentharness.cli.it;

import static dev.agentharness.cli.it.HarnessProcesses.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Issue 12: what a new user tripped over, end to end with the real CLI and daemon. */
class NewcomerIT extends HarnessIT {
    private static final Duration SHORT = Duration.ofSeconds(20);

    private static String perms(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void callerEnvironmentReachesTheAgentEvenWhenTheDaemonWasAlreadyUp() throws Exception {
        harness.run("run", "-q", "--", "true").ok(); // the daemon is up before the key is exported
        Result r = harness.runWithEnv(Map.of("ANTHROPIC_API_KEY", "sk-secret-1234", "OVERRIDE_ME", "shell"),
                "run", "-q", "--name", "keyed", "--env", "OVERRIDE_ME=flag", "--", "sh", "-c",
                "printf '%s/%s' \"$ANTHROPIC_API_KEY\" \"$OVERRIDE_ME\"").ok();
        assertEquals("sk-secret-1234/flag", r.out());

        JsonNode shown = harness.session("keyed");
        List<String> keys = new ArrayList<>();
        shown.path("envKeys").forEach(k -> keys.add(k.asText()));
        assertTrue(keys.contains("ANTHROPIC_API_KEY"), keys::toString);
        assertFalse(shown.toString().contains("sk-secret-1234"), "values are never shown");
        assertFalse(Files.readString(harness.home.resolve("daemon.log")).contains("sk-secret-1234"), "nor logged");
    }

    @Test
    void restartPassesTheCallersEnvironment() {
        harness.run("run", "-q", "--name", "late", "--", "sh", "-c", "printf '[%s]' \"$LATE_KEY\"").ok();
        assertEquals("[]", harness.tailAll("late"));
        harness.runWithEnv(Map.of("LATE_KEY", "exported-later"), "restart", "late").ok();
        harness.run("wait", "-q", "late-r1").ok();
        assertEquals("[exported-later]", harness.tailAll("late-r1"));
    }

    @Test
    void envFileInDockersFormatReachesTheAgent() throws Exception {
        Path envFile = harness.scratch.resolve("agent.env");
        Files.writeString(envFile, "# docker's format\nGREETING=hello world\n");
        harness.run("run", "-q", "--name", "greeter", "--env-file", envFile.toString(), "--", "sh", "-c",
                "printf '%s' \"$GREETING\"").ok();
        assertEquals("hello world", harness.tailAll("greeter"));
    }

    @Test
    void timedOutExitsWith124() {
        Result r = harness.run("run", "-q", "--name", "slow", "--max-runtime", "1s", "--", "sleep", "30").expect(124);
        assertEquals("", r.out(), r.toString());
        assertEquals("timed_out", harness.status("slow"));
        harness.run("wait", "-q", "slow").expect(124);
    }

    @Test
    void maxRuntimeZeroIsAUsageErrorEndToEnd() {
        harness.run("start", "--max-runtime", "0s", "--", "sleep", "3").expectOneLineError(2, "--max-runtime must be longer than 0");
    }

    @Test
    void runFollowsAutomaticRestartsAndExitsWithTheLastOnesCode() {
        Result r = harness.run("run", "--name", "flaky", "--max-restarts", "2", "--", "sh", "-c", "echo try; exit 3").expect(3);
        assertEquals("try\ntry\ntry\n", r.out());
        assertTrue(r.stderr().contains("session flaky failed (exit 3); restart 1 of 2 follows"), r.stderr());
        assertTrue(r.stderr().contains("flaky-r2"), r.stderr());
        assertTrue(r.stderr().strip().endsWith("session flaky-r2 failed (exit 3)"), r.stderr());
    }

    @Test
    void tailFollowFollowsIntoRestarts() {
        harness.run("start", "--name", "wobbly", "--max-restarts", "2", "--", "sh", "-c", "sleep 0.5; echo out; exit 3").ok();
        Result r = harness.run("tail", "-f", "wobbly").ok();
        assertEquals("out\nout\nout\n", r.out());
        assertTrue(r.stderr().contains("following wobbly-r1"), r.stderr());
        assertTrue(r.stderr().contains("following wobbly-r2"), r.stderr());
        assertTrue(r.stderr().strip().endsWith("session wobbly-r2 failed (exit 3)"), r.stderr());
    }

    @Test
    void logsAliasFollowsSeveralSessionsWithPm2Prefixes() {
        harness.run("start", "--name", "api", "--", "sh", "-c", "sleep 0.5; echo one; sleep 0.5; printf 'two'").ok();
        harness.run("start", "--name", "web", "--", "sh", "-c", "sleep 0.7; echo three").ok();
        Result r = harness.run("logs", "-f", "api", "web").ok();
        List<String> lines = List.of(r.out().split("\n"));
        assertTrue(lines.contains("api | one"), r.out());
        assertTrue(lines.contains("api | two"), "an open line is closed when its session ends: " + r.out());
        assertTrue(lines.contains("web | three"), r.out());
        assertEquals(3, lines.size(), r.out());
    }

    @Test
    void tailFollowAllPicksUpSessionsThatStartLater() {
        harness.run("start", "--name", "first", "--", "sh", "-c", "echo early; sleep 30").ok();
        HarnessProcesses.Background all = harness.start("tail", "-f", "--all");
        awaitTrue("the first session's line", SHORT, () -> all.stdoutSoFar().contains("first | early"));
        harness.run("start", "--name", "later", "--", "sh", "-c", "echo late").ok();
        awaitTrue("the later session's line", SHORT, () -> all.stdoutSoFar().contains("later | late"));
        all.process.destroy();
        harness.run("stop", "first", "--force").ok();
    }

    @Test
    void psWatchRefreshesInPlace() {
        harness.run("start", "--name", "watched", "--", "sleep", "30").ok();
        HarnessProcesses.Background watch = harness.start("ps", "--watch", "200ms");
        awaitTrue("two refreshes", SHORT, () -> watch.stdoutSoFar().split("\u001b\\[H\u001b\\[2J", -1).length >= 3);
        assertTrue(watch.stdoutSoFar().contains("watched"), watch.stdoutSoFar());
        watch.process.destroy();
        harness.run("stop", "watched", "--force").ok();
    }

    @Test
    void queueListsAndCancelsAWaitingStart() throws Exception {
        for (int i = 1; i <= 3; i++) {
            harness.run("start", "--name", "busy" + i, "--", "sleep", "60").ok();
        }
        HarnessProcesses.Background waiting = harness.start("start", "--wait", "--name", "patient", "--env", "SECRET=v4lue",
                "--", "true");
        awaitTrue("the request is queued", SHORT, () -> harness.json("queue", "--json").size() == 1);
        JsonNode q = harness.json("queue", "--json").get(0);
        assertEquals("patient", q.path("name").asText());
        assertTrue(q.path("envKeys").toString().contains("\"SECRET\""), q.toString());
        assertFalse(q.toString().contains("v4lue"));
        long id = q.path("id").asLong();
        awaitTrue("the waiting command says its id", SHORT,
                () -> waiting.stderrSoFar().contains("start request " + id + " is queued"));
        assertTrue(harness.run("queue").ok().out().contains("patient"));

        harness.run("queue", "cancel", Long.toString(id)).ok();
        Result told = waiting.await(SHORT);
        assertEquals(1, told.code(), told.toString());
        assertTrue(told.errLines().get(told.errLines().size() - 1).contains("start request " + id + " was cancelled"),
                told.toString());
        assertEquals(0, harness.json("queue", "--json").size());
        harness.run("queue", "cancel", Long.toString(id)).expectOneLineError(1, "no queued start request " + id);
        for (int i = 1; i <= 3; i++) {
            harness.run("stop", "busy" + i, "--force").ok();
        }
    }

    @Test
    void startWaitCutOffByADaemonCrashSaysItsRequestStaysQueued() {
        for (int i = 1; i <= 3; i++) {
            harness.run("start", "--", "sleep", "60").ok();
        }
        HarnessProcesses.Background waiting = harness.start("start", "--wait", "--name", "survivor", "--", "true");
        awaitTrue("the request is queued", SHORT, () -> waiting.stderrSoFar().contains("is queued"));
        long id = harness.json("queue", "--json").get(0).path("id").asLong();
        HarnessProcesses.kill(harness.daemonPid().getAsLong(), "KILL");

        Result cut = waiting.await(SHORT);
        assertEquals(1, cut.code(), cut.toString());
        String last = cut.errLines().get(cut.errLines().size() - 1);
        assertTrue(last.contains("start request " + id + " stays queued") && last.contains("do not run it again"), last);
        assertEquals(id, harness.json("queue", "--json").get(0).path("id").asLong(), "still queued for the next daemon");
    }

    @Test
    void readOnlyCommandNeverCreatesAHomeEndToEnd() {
        harness.run("ps").expectOneLineError(1, "no harness home at " + harness.home);
        assertFalse(Files.exists(harness.home));
    }

    @Test
    void everyFileInTheHomeIsOwnerOnly() throws Exception {
        harness.run("start", "--name", "kept", "--", "sleep", "30").ok(); // a keeper's socket and log
        harness.run("run", "-q", "--", "true").ok();
        try (Stream<Path> files = Files.walk(harness.home)) {
            for (Path p : files.toList()) {
                // Directories (the home, keepers/) are 0700, everything in them 0600, sockets included.
                assertEquals(Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) ? "rwx------" : "rw-------",
                        perms(p), p.toString());
            }
        }
        harness.run("stop", "kept", "--force").ok();
    }

    @Test
    void retentionInTheConfigFilePurgesOldFinishedSessions() throws Exception {
        harness.run("run", "-q", "--name", "old", "--", "true").ok();
        harness.run("shutdown").ok();
        Files.writeString(harness.home.resolve("config"), "# purge what ended over a second ago\nretention = 1s\n");
        Thread.sleep(1200);
        harness.run("run", "-q", "--name", "new", "--", "true").ok(); // its daemon purges at start
        awaitTrue("the old session purged", SHORT,
                () -> harness.run("show", "old").code() == 4);
        assertEquals("completed", harness.status("new"));
        String log = Files.readString(harness.home.resolve("daemon.log"));
        assertTrue(log.contains("retention 1s: purged 1 finished session(s)"), log);
        assertEquals("rw-------", perms(harness.home.resolve("config")));
    }

    @Test
    void homeDeletedUnderARunningDaemonIsNoticed() throws Exception {
        HarnessProcesses.Background daemon = harness.start("daemon");
        awaitTrue("the daemon is ready", SHORT, () -> daemon.stderrSoFar().contains("ready"));
        try (Stream<Path> files = Files.walk(harness.home)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        Result r = daemon.await(SHORT);
        assertEquals(0, r.code(), r.toString());
        long lines = r.errLines().stream().filter(l -> l.contains("is gone")).count();
        assertEquals(1, lines, "one clear line: " + r.stderr());
        // A spare keeper booting at that moment may open (and so make) a new harness.db first.
        assertTrue(r.stderr().contains("harness.db was deleted") || r.stderr().contains("harness.db was replaced"), r.stderr());
    }

    @Test
    void readmeSaysTheHarnessRunsOnLinuxAndDocumentsTheNewBehaviour() throws Exception {
        String readme = Files.readString(HarnessProcesses.repoRoot().resolve("README.md"));
        assertTrue(readme.contains("Runs on Linux (it uses `/proc`, `setsid` and `flock`)"));
        for (String documented : List.of("| 124 |", "harness queue cancel ID", "--env-file FILE", "harness completion bash",
                "alias `harness logs`", "--no-trunc", "--watch", "`n/a`", "`retention`",
                "Importing a legacy sessions.json", "no harness home at PATH", "daemon.log.1")) {
            assertTrue(readme.contains(documented), documented);
        }
    }
}
