package dev.agentharness.store;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.core.error.HarnessException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 16, item 2: a home whose path someone else could change is refused before it is touched. */
class HomePathTest {
    @TempDir
    Path dir;

    @Test
    void aSymlinkedHomeIsRefused() throws Exception {
        Path target = Files.createDirectory(dir.resolve("root-owned"));
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path link = Files.createSymbolicLink(dir.resolve("home"), target);
        HarnessException e = assertThrows(HarnessException.class, () -> HarnessHome.at(link).ensureExists());
        assertTrue(e.getMessage().contains("is a symbolic link"), e.getMessage());
        // Not chmodded, nothing created in it.
        assertTrue(Files.getPosixFilePermissions(target).equals(PosixFilePermissions.fromString("rwxr-xr-x")));
        try (var listing = Files.list(target)) {
            assertFalse(listing.findAny().isPresent());
        }
    }

    @Test
    void aHomeUnderADirectoryOthersMayWriteIsRefused() throws Exception {
        Path open = Files.createDirectory(dir.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        HarnessException e = assertThrows(HarnessException.class, () -> HarnessHome.at(open.resolve("home")).ensureExists());
        assertTrue(e.getMessage().contains("others may write to"), e.getMessage());
        assertFalse(Files.exists(open.resolve("home")), "nothing was created");
    }

    @Test
    void aHomeUnderAStickyDirectoryIsAccepted() throws Exception {
        Path sticky = Files.createDirectory(dir.resolve("sticky"));
        Files.setAttribute(sticky, "unix:mode", 01777);
        HarnessHome home = HarnessHome.at(sticky.resolve("home")).ensureExists();
        assertTrue(Files.isDirectory(home.dir()));
        home.recheck();
    }

    @Test
    void aHomeBelowAnotherUsersDirectoryIsRefused() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "only root can give a directory away");
        Path theirs = Files.createDirectory(dir.resolve("theirs"));
        UserPrincipal nobody = theirs.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.setOwner(theirs, nobody);
        HarnessException e = assertThrows(HarnessException.class, () -> HarnessHome.at(theirs.resolve("home")).ensureExists());
        assertTrue(e.getMessage().contains("belongs to another user"), e.getMessage());
    }

    @Test
    void aHomeSwappedAfterItWasCheckedIsRefused() throws Exception {
        HarnessHome home = HarnessHome.at(dir.resolve("home")).ensureExists();
        Files.move(home.dir(), dir.resolve("elsewhere"));
        Files.createSymbolicLink(home.dir(), dir.resolve("elsewhere"));
        HarnessException e = assertThrows(HarnessException.class, home::recheck);
        assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
        Files.delete(home.dir());
        Files.createDirectory(home.dir(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        e = assertThrows(HarnessException.class, home::recheck);
        assertTrue(e.getMessage().contains("was replaced"), e.getMessage());
    }
}
