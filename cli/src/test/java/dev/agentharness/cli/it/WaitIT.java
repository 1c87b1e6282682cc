package dev.agentharness.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** {@code harness wait}: a script's way to collect an agent's result later. */
class WaitIT extends HarnessIT {
    @Test
    void waitReturnsTheAgentsExitCodeOnceItsLastOutputIsStored() {
        String id = harness.run("start", "--", "sh", "-c", "sleep 1; printf 'last words'; exit 7").ok().out().strip();

        Result waited = harness.run("wait", id.substring(0, 12).toLowerCase()).expect(7);

        assertEquals("harness: session " + id + " failed (exit 7)", waited.stderr().strip());
        assertEquals("last words", harness.tailAll(id), "every byte is readable when wait returns");
    }

    @Test
    void waitOnAFinishedSessionReturnsAtOnceAndWorksWithTheDaemonDown() {
        harness.run("run", "-q", "--name", "quick", "--", "true").ok();
        harness.run("shutdown").ok();

        assertEquals("", harness.run("wait", "-q", "quick").ok().stderr());
    }

    @Test
    void waitGivesUpAfterItsTimeoutAndLeavesTheSessionRunning() {
        harness.run("start", "--name", "long", "--", "sleep", "60").ok();

        harness.run("wait", "long", "--timeout", "300ms").expectOneLineError(124, "still running after 300ms");
        assertEquals("running", harness.status("long"));
        harness.run("stop", "long", "--force").ok();
    }

    @Test
    void waitOnAnUnknownSessionExits4() throws Exception {
        java.nio.file.Files.createDirectories(harness.home); // an existing home: a missing one is exit 1
        harness.run("wait", "nosuch").expectOneLineError(4, "no such session: nosuch");
    }
}
