package dev.agentharness.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** The foreground daemon: one per home, clean shutdown on SIGTERM and on request. */
class DaemonIT extends HarnessIT {
    @Test
    void secondDaemonIsRefusedNamingTheFirst() {
        HarnessProcesses.Background first = harness.start("daemon");
        HarnessProcesses.awaitTrue("the daemon to listen", FUNCTIONAL, () -> Files.exists(harness.home.resolve("harness.sock")));
        long pid = first.process.pid();
        harness.run("daemon").expectOneLineError(1, "(pid " + pid + ")");
        assertTrue(first.process.isAlive());
    }

    @Test
    void sigtermStopsAgentsGracefullyAndRecordsThemStopped() {
        HarnessProcesses.Background daemon = harness.start("daemon", "--stop-grace", "2s");
        HarnessProcesses.awaitTrue("the daemon to listen", FUNCTIONAL, () -> Files.exists(harness.home.resolve("harness.sock")));
        harness.run("start", "--name", "worker", "--", "sleep", "120").ok();
        long agent = harness.session("worker").path("pid").asLong();

        HarnessProcesses.kill(daemon.process.pid(), "TERM");
        Result exited = daemon.await(FUNCTIONAL);
        assertEquals(0, exited.code(), exited::toString);
        assertTrue(exited.stderr().contains("shutting down (SIGTERM)"), exited.stderr());
        assertEquals("stopped", harness.status("worker"));
        assertFalse(HarnessProcesses.alive(agent));
        assertFalse(Files.exists(harness.home.resolve("harness.sock")));
    }

    @Test
    void shutdownWaitsUntilTheDaemonHasExited() {
        harness.run("start", "--name", "worker", "--", "sleep", "120").ok();
        long daemon = harness.daemonPid().orElseThrow();
        Result r = harness.run("shutdown").ok();
        assertEquals("daemon (pid " + daemon + ") stopped\n", r.out());
        assertFalse(HarnessProcesses.alive(daemon));
        assertEquals("stopped", harness.status("worker"));
        assertEquals(0, harness.run("shutdown").code(), "shutting down nothing is fine");
    }
}
