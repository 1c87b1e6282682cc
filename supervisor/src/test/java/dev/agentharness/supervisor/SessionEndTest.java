package dev.agentharness.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.supervisor.testing.JavaCommand;
import dev.agentharness.supervisor.testing.QuickSessionMain;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When a session counts as ended, as seen from a harness in a JVM of its own. */
class SessionEndTest {
    @TempDir
    Path dir;

    /**
     * Regression: a session ended only once NuProcess had reaped its process, and NuProcess looks
     * for exited processes only every {@code deadPoolPollMs} (100 ms in the daemon), so sessions
     * ended up to that late. An agent that closes its output before it exits made it worse: with
     * the reap far off, the end waited for the check for pipes held open by strangers, 700 ms, and
     * then said so, wrongly. Now a session ends when its exit is seen and both pipes are at end of
     * file. A one-minute poll makes the reap late for sure.
     */
    @Test
    void aSessionEndsOnceItsOutputIsCompleteWithoutWaitingForNuProcessToReap() throws Exception {
        Process child = new ProcessBuilder(JavaCommand.of(QuickSessionMain.class,
                List.of("-Xmx128m", "-Dcom.zaxxer.nuprocess.deadPoolPollMs=60000",
                        "-Dorg.slf4j.simpleLogger.log.dev.agentharness.supervisor.internal.lifecycle.SessionFinisher=info"), dir.toString(),
                "sh", "-c", "echo hi; exec >/dev/null 2>&1; sleep 0.3"))
                .redirectError(dir.resolve("child.log").toFile())
                .start();
        try {
            boolean exited = child.waitFor(30, TimeUnit.SECONDS);
            assertTrue(exited, () -> "the session did not end within 30 s; child.log: " + log());
            String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertEquals("ENDED completed 3", out, this::log);
            assertFalse(log().contains("held open"), this::log);
        } finally {
            child.destroyForcibly();
        }
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("child.log"));
        } catch (Exception e) {
            return "(no log: " + e + ")";
        }
    }
}
