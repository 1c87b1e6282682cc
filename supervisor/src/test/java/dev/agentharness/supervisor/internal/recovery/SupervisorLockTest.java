package dev.agentharness.supervisor.internal.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.store.HarnessHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SupervisorLockTest {
    @TempDir
    Path dir;

    @Test
    void daemonLockIsOwnerOnly() throws Exception {
        HarnessHome home = HarnessHome.at(dir).ensureExists();
        try (SupervisorLock lock = new SupervisorLock(home)) {
            lock.acquire();
            assertTrue(lock.isHeld());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.daemonLock())));
        }
    }

    @Test
    void daemonLockLeftWiderByAnOlderHarnessIsTightened() throws Exception {
        HarnessHome home = HarnessHome.at(dir).ensureExists();
        Files.createFile(home.daemonLock(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
        Files.setPosixFilePermissions(home.daemonLock(), PosixFilePermissions.fromString("rw-r--r--"));
        try (SupervisorLock lock = new SupervisorLock(home)) {
            lock.acquire();
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.daemonLock())));
        }
    }
}
