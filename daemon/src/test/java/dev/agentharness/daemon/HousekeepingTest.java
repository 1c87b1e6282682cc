package dev.agentharness.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.core.PurgeResult;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.store.HarnessHome;
import dev.agentharness.store.SqliteStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the daemon does besides answering requests: retention, log rotation, watching its home. */
class HousekeepingTest {
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    @TempDir
    Path dir;

    private static Session finished(SqliteStores stores, String name, Instant endedAt) {
        Session s = stores.sessions().claimSlot(SessionSpec.builder(List.of("true"), "/").name(name).build());
        stores.sessions().update(s.id(), x -> x.toBuilder().status(SessionStatus.RUNNING).startedAt(endedAt).build());
        return stores.sessions().update(s.id(), x -> x.toBuilder().status(SessionStatus.COMPLETED).exitCode(0)
                .endedAt(endedAt).build());
    }

    @Test
    void retentionPurgesFinishedSessionsOlderThanTheLimit() {
        HarnessHome home = HarnessHome.at(dir);
        try (SqliteStores stores = SqliteStores.open(home, Clock.systemUTC())) {
            Instant now = T0.plus(Duration.ofDays(40));
            Session old = finished(stores, "old", T0);
            Session recent = finished(stores, "recent", now.minus(Duration.ofDays(29)));
            Session active = stores.sessions().claimSlot(SessionSpec.of(List.of("sleep", "9"), "/"));

            PurgeResult r = new Retention(stores.sessions(), Duration.ofDays(30), Clock.fixed(now, ZoneOffset.UTC)).run();

            assertEquals(List.of(old.id()), r.sessionIds());
            assertTrue(stores.sessions().get(old.id()).isEmpty());
            assertTrue(stores.sessions().get(recent.id()).isPresent());
            assertTrue(stores.sessions().get(active.id()).isPresent(), "an active session is never purged");
        }
    }

    @Test
    void daemonLogIsRotatedBySize() throws Exception {
        Path log = dir.resolve("daemon.log");
        Files.createFile(log, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        LogRotation rotation = new LogRotation(log, 1000);
        Files.writeString(log, "x".repeat(900));
        assertFalse(rotation.rotateIfNeeded(), "under the limit");
        try (var appender = Files.newOutputStream(log, java.nio.file.StandardOpenOption.APPEND)) {
            appender.write("y".repeat(200).getBytes());
            assertTrue(rotation.rotateIfNeeded());
            appender.write("after\n".getBytes()); // a daemon's stdout, still open in append mode
        }
        assertEquals("x".repeat(900) + "y".repeat(200), Files.readString(dir.resolve("daemon.log.1")));
        assertEquals("after\n", Files.readString(log), "the log starts again; appends land at its new end");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("daemon.log.1"))));
    }

    @Test
    void homeDeletedUnderARunningDaemonIsDetectedByInode() throws Exception {
        HarnessHome home = HarnessHome.at(dir.resolve("home"));
        SqliteStores.open(home, Clock.systemUTC()).close();
        HomeWatch watch = HomeWatch.of(home);
        assertTrue(watch.check().isEmpty());

        Path moved = dir.resolve("moved.db");
        Files.move(home.database(), moved);
        assertTrue(watch.check().orElseThrow().contains("was deleted"), "gone");

        Files.copy(moved, home.database());
        assertTrue(watch.check().orElseThrow().contains("replaced"), "a file of the same name is not the same file");
    }

    @Test
    void retentionIsReadFromTheConfigFile() throws Exception {
        HarnessHome home = HarnessHome.at(dir);
        assertEquals(java.util.Optional.empty(), Retention.configured(home), "no config file: keep everything");
        Files.writeString(home.config(), "# kept a month\nretention = 30d\n");
        Files.setPosixFilePermissions(home.config(), PosixFilePermissions.fromString("rw-r--r--"));

        assertEquals(java.util.Optional.of(Duration.ofDays(30)), Retention.configured(home));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.config())),
                "every file in the home is 0600");
    }

    @Test
    void badRetentionInTheConfigFileIsAnError() throws Exception {
        HarnessHome home = HarnessHome.at(dir);
        Files.writeString(home.config(), "retention = a month\n");
        var bad = org.junit.jupiter.api.Assertions.assertThrows(dev.agentharness.core.error.HarnessException.class,
                () -> Retention.configured(home));
        assertTrue(bad.getMessage().contains("invalid retention 'a month'"), bad.getMessage());
        Files.writeString(home.config(), "retention = 0d\n");
        org.junit.jupiter.api.Assertions.assertThrows(dev.agentharness.core.error.HarnessException.class,
                () -> Retention.configured(home));
    }
}
