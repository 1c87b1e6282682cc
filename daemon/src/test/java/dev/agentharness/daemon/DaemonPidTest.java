package dev.agentharness.daemon;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class DaemonPidTest {
    @Test
    void aZombieIsNotRunningThoughTheJdkCallsItAlive() throws Exception {
        // Regression: `harness shutdown` waited on ProcessHandle.isAlive(), which is true for a daemon
        // that has exited but that init has not reaped yet (about 2 s late in the test VM).
        // The `sleep 1` below becomes a zombie: its parent execs `sleep 30`, which never reaps it. (A
        // second, not less, so that it surely still runs when first asked.)
        Process parent = new ProcessBuilder(List.of("sh", "-c", "sleep 1 & echo $!; exec sleep 30")).start();
        try {
            long zombie = Long.parseLong(new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine().trim());
            assertTrue(DaemonPid.running(zombie), "running before it exits");
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!Files.readString(Path.of("/proc", Long.toString(zombie), "stat")).contains(") Z ")) {
                assertTrue(System.nanoTime() < deadline, "the child never became a zombie");
                Thread.sleep(20);
            }
            assertTrue(ProcessHandle.of(zombie).map(ProcessHandle::isAlive).orElse(false), "the JDK still calls it alive");
            assertFalse(DaemonPid.running(zombie));
            assertTrue(DaemonPid.running(ProcessHandle.current().pid()));
        } finally {
            parent.destroyForcibly();
        }
    }
}
