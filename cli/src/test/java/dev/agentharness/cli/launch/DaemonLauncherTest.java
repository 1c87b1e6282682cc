package dev.agentharness.cli.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaemonLauncherTest {
    @TempDir
    Path dir;

    /**
     * Regression (torture: a database that is not SQLite): two commands that both started a daemon
     * share daemon.log; the one whose daemon failed quoted the log's last line, which was the other
     * daemon's "starting" line, instead of the error ("the daemon did not start: ... [INFO] Daemon -
     * harness daemon starting ...").
     */
    @Test
    void daemonDidNotStartQuotesAnotherDaemonsLogLine() throws Exception {
        Path log = dir.resolve("daemon.log");
        Files.writeString(log, "2026-01-01T00:00:00.000Z [INFO] Daemon - stopped\n", StandardCharsets.UTF_8);
        long launchedAt = Files.size(log);
        Files.writeString(log, """
                2026-01-01T00:00:01.000Z [INFO] Daemon - harness daemon 0.1.0 starting: pid 11, home /h
                2026-01-01T00:00:01.001Z [INFO] Daemon - harness daemon 0.1.0 starting: pid 12, home /h
                harness: the database /h/harness.db is not an SQLite database; left it as it is
                2026-01-01T00:00:01.300Z [INFO] Daemon - harness daemon 0.1.0 starting: pid 13, home /h
                """, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);

        assertEquals(Optional.of("the database /h/harness.db is not an SQLite database; left it as it is"),
                DaemonLauncher.failureLine(log, launchedAt));
        Path quiet = Files.writeString(dir.resolve("quiet.log"), "line one\nthe last thing said\n\n", StandardCharsets.UTF_8);
        assertEquals(Optional.of("the last thing said"), DaemonLauncher.failureLine(quiet, 0),
                "without an error line, the last line the daemon wrote");
        assertEquals(Optional.empty(), DaemonLauncher.failureLine(dir.resolve("missing.log"), 0));
    }
}
