package dev.agentharness.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code harness run}: the README's one-command quick start, through the CLI's main class. */
class QuickStartIT extends HarnessIT {
    @Test
    void runStartsTheDaemonPrintsTheAgentsOutputAndExitsWithItsCode() {
        Result r = harness.run("run", "--", "sh", "-c", "echo hello from an agent; sleep 1; echo done").ok();
        assertEquals("hello from an agent\ndone\n", r.out());
        assertTrue(r.stderr().contains("completed (exit 0)"), r.stderr());
        assertTrue(harness.daemonAlive(), "run started a daemon in the background, which keeps running");
        assertTrue(harness.run("ps", "--all", "--json").ok().out().endsWith("]\n"), "JSON ends with a newline");

        assertEquals(7, harness.run("run", "--quiet", "--", "sh", "-c", "printf 'partial'; exit 7").code());
        Result failed = harness.run("run", "--quiet", "--", "sh", "-c", "exit 7");
        assertEquals(7, failed.code(), failed::toString);
        assertEquals("", failed.stderr());
    }

    @Test
    void runOfAProgramThatDoesNotExistExits127WithOneLine() {
        harness.run("run", "--", "/nonexistent/agent-binary").expectOneLineError(127, "failed to start");
    }

    @Test
    void runWithoutDashDashTakesEverythingAfterTheProgramAsItsArguments() {
        Result r = harness.run("run", "-q", "sh", "-c", "echo \"$0 $1\"", "--name", "x").ok();
        assertEquals("--name x\n", r.out());
    }
}
