package dev.agentharness.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** A daemon killed with SIGKILL, and what the next one does about the agents it left. */
class CrashIT extends HarnessIT {
    @Test
    void nextDaemonReconcilesTheOrphansOfAKilledOne() throws Exception {
        harness.run("start", "--name", "orphan", "--", "sh", "-c", "echo alive; sleep 300").ok();
        HarnessProcesses.awaitTrue("output", FUNCTIONAL, () -> harness.tailAll("orphan").equals("alive\n"));
        long agent = harness.session("orphan").path("pid").asLong();
        long daemon = harness.daemonPid().orElseThrow();

        HarnessProcesses.kill(daemon, "KILL");
        HarnessProcesses.awaitTrue("the daemon to die", FUNCTIONAL, () -> !HarnessProcesses.alive(daemon));
        assertTrue(HarnessProcesses.alive(agent), "the agent outlived the daemon");

        // With the daemon gone the database still answers, and still says running.
        assertEquals("running", harness.status("orphan"));
        assertEquals("alive\n", harness.tailAll("orphan"));
        harness.run("stop", "orphan").expectOneLineError(1, "no daemon is running");

        HarnessProcesses.Background next = harness.start("daemon");
        HarnessProcesses.awaitTrue("the next daemon to reconcile", FUNCTIONAL,
                () -> harness.status("orphan").equals("crashed"));
        JsonNode all = harness.json("ps", "--all", "--json");
        assertEquals(1, all.size());
        JsonNode s = all.get(0);
        assertEquals("crashed", s.path("status").asText());
        assertTrue(s.path("reason").asText().contains("orphaned by a harness crash"), s.toString());
        HarnessProcesses.awaitTrue("the orphan's group to be terminated", FUNCTIONAL, () -> !HarnessProcesses.alive(agent));
        assertEquals("alive\n", harness.tailAll("orphan"), "output survives the crash");

        HarnessProcesses.awaitTrue("the daemon to log its report", FUNCTIONAL,
                () -> next.stderrSoFar().contains("orphan"));
        harness.run("shutdown").ok();
        Result stopped = next.await(FUNCTIONAL);
        assertEquals(0, stopped.code(), stopped::toString);
        assertFalse(Files.exists(harness.home.resolve("harness.sock")));
    }

    @Test
    void recoverWithoutADaemonReconcilesInProcess() {
        harness.run("start", "--name", "gone", "--", "sh", "-c", "sleep 300").ok();
        long agent = harness.session("gone").path("pid").asLong();
        long daemon = harness.daemonPid().orElseThrow();
        HarnessProcesses.kill(daemon, "KILL");
        HarnessProcesses.awaitTrue("the daemon to die", FUNCTIONAL, () -> !HarnessProcesses.alive(daemon));
        HarnessProcesses.kill(agent, "KILL");
        HarnessProcesses.awaitTrue("the agent to die", FUNCTIONAL, () -> !HarnessProcesses.alive(agent));

        Result recover = harness.run("recover").ok();
        assertTrue(recover.out().contains("gone") && recover.out().contains("crashed"), recover::toString);
        assertEquals("crashed", harness.status("gone"));
        assertFalse(harness.daemonAlive(), "recover without a daemon leaves none running");
        assertEquals("nothing to recover: every active session is accounted for\n", harness.run("recover").ok().out());
    }
}
