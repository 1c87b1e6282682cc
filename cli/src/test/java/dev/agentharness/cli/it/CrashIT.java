package dev.agentharness.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The daemon, a keeper, or both killed with SIGKILL, and what happens to the agents. Agents belong
 * to their keepers (docs/design/keeper.md): a daemon's death costs them nothing, the next daemon
 * reattaches; only an agent whose keeper died is terminated and its session ends crashed.
 */
class CrashIT extends HarnessIT {
    private static final String WRITER = "i=0; while [ $i -lt 40 ]; do echo line-$i; i=$((i+1)); sleep 0.1; done; "
            + "read answer; echo got-$answer; exit 7";

    @Test
    void agentsOutliveAKilledDaemonAndTheNextOneReattaches() throws Exception {
        harness.run("start", "-i", "--name", "writer", "--", "sh", "-c", WRITER).ok();
        HarnessProcesses.awaitTrue("output", FUNCTIONAL, () -> harness.tailAll("writer").startsWith("line-0\n"));
        long agent = harness.session("writer").path("pid").asLong();
        long daemon = harness.daemonPid().orElseThrow();

        HarnessProcesses.kill(daemon, "KILL");
        HarnessProcesses.awaitTrue("the daemon to die", FUNCTIONAL, () -> !HarnessProcesses.alive(daemon));
        // The agent goes on writing, and its output goes on being stored, with no daemon at all.
        HarnessProcesses.awaitTrue("output stored while no daemon runs", FUNCTIONAL,
                () -> harness.tailAll("writer").contains("line-39\n"));
        assertTrue(HarnessProcesses.alive(agent), "the agent outlived the daemon");
        assertEquals("running", harness.status("writer"));
        harness.run("send", "writer", "x").expectOneLineError(1, "no daemon is running");

        HarnessProcesses.Background next = harness.start("daemon");
        HarnessProcesses.awaitTrue("the next daemon to reattach", FUNCTIONAL,
                () -> harness.json("show", "writer", "--json").toString().contains("reattached"));
        assertEquals("running", harness.status("writer"), "ps shows a reattached session as running");
        harness.run("send", "writer", "yes").ok();
        HarnessProcesses.awaitTrue("the session to end", FUNCTIONAL, () -> harness.status("writer").equals("failed"));
        JsonNode s = harness.session("writer");
        assertEquals(7, s.path("exitCode").asInt(), s.toString());
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            expected.append("line-").append(i).append('\n');
        }
        expected.append("got-yes\n");
        assertEquals(expected.toString(), harness.tailAll("writer"), "every byte, once, across the gap");
        String events = harness.json("show", "writer", "--json").toString();
        assertTrue(events.contains("detached") && events.contains("gapMs"), events);

        harness.run("shutdown").ok();
        Result stopped = next.await(FUNCTIONAL);
        assertEquals(0, stopped.code(), stopped::toString);
        assertFalse(Files.exists(harness.home.resolve("harness.sock")));
    }

    @Test
    void anAgentThatEndsWhileNoDaemonRunsGetsItsTrueStatus() throws Exception {
        // The agent ends only once the daemon is dead. It used to sleep 1 s instead: on a loaded machine it
        // ended before the kill, its daemon took the exit (and its keeper removed the record), and the
        // test waited 60 s for a record that had come and gone (seen beside a 1,000-crash torture run).
        Path go = harness.scratch.resolve("daemon-killed");
        harness.run("start", "--name", "quick", "--", "sh", "-c",
                "while [ ! -e \"$0\" ]; do sleep 0.05; done; echo done; exit 3", go.toString()).ok();
        JsonNode started = harness.session("quick");
        long agent = started.path("pid").asLong();
        Path record = harness.home.resolve("keepers").resolve(started.path("id").asText() + ".exit");
        long daemon = harness.daemonPid().orElseThrow();
        HarnessProcesses.kill(daemon, "KILL");
        HarnessProcesses.awaitTrue("the daemon to die", FUNCTIONAL, () -> !HarnessProcesses.alive(daemon));
        Files.createFile(go);
        HarnessProcesses.awaitTrue("the agent to end", FUNCTIONAL, () -> !HarnessProcesses.alive(agent));
        HarnessProcesses.awaitTrue("its keeper to record the exit", FUNCTIONAL, () -> Files.exists(record));

        Result recover = harness.run("recover").ok();
        HarnessProcesses.awaitTrue("the session to end", FUNCTIONAL, () -> harness.status("quick").equals("failed"));
        JsonNode s = harness.session("quick");
        assertEquals(3, s.path("exitCode").asInt(), s + "\n" + recover);
        assertEquals("done\n", harness.tailAll("quick"));
    }

    @Test
    void aKilledKeeperTerminatesItsAgentAndFreesTheSlot() {
        harness.run("start", "--name", "kept", "--slot", "1", "--", "sh", "-c", "trap '' TERM; echo alive; while :; do sleep 0.2; done").ok();
        HarnessProcesses.awaitTrue("output", FUNCTIONAL, () -> harness.tailAll("kept").equals("alive\n"));
        long agent = harness.session("kept").path("pid").asLong();
        long keeper = HarnessProcesses.keeperOf(agent);

        HarnessProcesses.kill(keeper, "KILL");
        HarnessProcesses.awaitTrue("the session to end crashed", FUNCTIONAL, () -> harness.status("kept").equals("crashed"));
        HarnessProcesses.awaitTrue("the agent to be terminated (no orphan)", FUNCTIONAL, () -> !HarnessProcesses.alive(agent));
        assertTrue(harness.session("kept").path("reason").asText().contains("keeper"), harness.session("kept")::toString);
        harness.run("start", "--name", "next", "--slot", "1", "--", "true").ok();
    }

    @Test
    void daemonAndKeeperKilledTogetherIsTheOldCrash() {
        harness.run("start", "--name", "gone", "--", "sh", "-c", "sleep 300").ok();
        long agent = harness.session("gone").path("pid").asLong();
        long keeper = HarnessProcesses.keeperOf(agent);
        long daemon = harness.daemonPid().orElseThrow();
        HarnessProcesses.kill(daemon, "KILL");
        HarnessProcesses.kill(keeper, "KILL");
        HarnessProcesses.awaitTrue("the daemon and the keeper to die", FUNCTIONAL,
                () -> !HarnessProcesses.alive(daemon) && !HarnessProcesses.alive(keeper));
        assertTrue(HarnessProcesses.alive(agent), "a quiet agent outlives its keeper");

        Result recover = harness.run("recover").ok();
        assertTrue(recover.out().contains("gone") && recover.out().contains("crashed"), recover::toString);
        assertEquals("crashed", harness.status("gone"));
        assertTrue(harness.session("gone").path("reason").asText().contains("orphaned by a harness crash"));
        HarnessProcesses.awaitTrue("the orphan's group to be terminated", FUNCTIONAL, () -> !HarnessProcesses.alive(agent));
        assertFalse(harness.daemonAlive(), "recover without a daemon or keepers leaves none running");
        assertEquals("nothing to recover: every active session is accounted for\n", harness.run("recover").ok().out());
    }

    /** The upgrade path: keep the agents, rebuild (the jar and the keeper replaced), start the new build. */
    @Test
    void shutdownKeepingAgentsThenAnotherDaemonReattaches() throws Exception {
        harness.run("start", "-i", "--name", "upgrade", "--", "sh", "-c", "echo before; read x; echo after-$x").ok();
        HarnessProcesses.awaitTrue("output", FUNCTIONAL, () -> harness.tailAll("upgrade").equals("before\n"));
        long agent = harness.session("upgrade").path("pid").asLong();
        harness.run("shutdown", "--keep-agents").ok();
        assertFalse(harness.daemonAlive());
        assertTrue(HarnessProcesses.alive(agent), "the agent kept running");
        assertEquals("running", harness.status("upgrade"));

        harness.run("send", "upgrade", "ok").expectOneLineError(1, "no daemon is running");
        harness.replaceBuildOutputs();
        assertTrue(HarnessProcesses.alive(agent), "the agent survived the rebuild");
        Result recover = harness.run("recover").ok(); // the new build's daemon, which reattaches
        assertTrue(recover.out().contains("upgrade"), recover::toString);
        harness.run("send", "upgrade", "ok").ok();
        HarnessProcesses.awaitTrue("the session to end", FUNCTIONAL, () -> harness.status("upgrade").equals("completed"));
        assertEquals("before\nafter-ok\n", harness.tailAll("upgrade"));
    }
}
