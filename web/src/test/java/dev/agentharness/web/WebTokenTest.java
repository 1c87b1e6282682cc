package dev.agentharness.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebTokenTest {
    @TempDir
    Path home;

    private final SecureRandom random = new SecureRandom();

    @Test
    void isMadeOnceOwnerOnlyAndKept() throws Exception {
        WebToken first = WebToken.loadOrCreate(home, random);
        Path file = home.resolve(WebToken.FILE_NAME);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(first.value().matches("[0-9a-f]{64}"), "256 bits in hex");
        assertEquals(first.value(), Files.readString(file).strip());
        assertEquals(first.value(), WebToken.loadOrCreate(home, random).value(), "a restart keeps the token");
        assertFalse(Files.exists(home.resolve(WebToken.FILE_NAME + ".tmp")));
        assertFalse(first.toString().contains(first.value()));
    }

    @Test
    void aTokenOthersCouldReadIsReplaced() throws Exception {
        WebToken first = WebToken.loadOrCreate(home, random);
        Path file = home.resolve(WebToken.FILE_NAME);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        WebToken second = WebToken.loadOrCreate(home, random);
        assertNotEquals(first.value(), second.value());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertFalse(first.matches(second.value()));
    }

    @Test
    void aMalformedFileIsReplaced() throws Exception {
        Path file = home.resolve(WebToken.FILE_NAME);
        Files.writeString(file, "short\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        WebToken t = WebToken.loadOrCreate(home, random);
        assertEquals(64, t.value().length());
        assertEquals(t.value(), Files.readString(file).strip());
    }

    @Test
    void matchesOnlyTheWholeToken() {
        WebToken t = WebToken.of("ab".repeat(32));
        assertTrue(t.matches("ab".repeat(32)));
        assertFalse(t.matches("ab".repeat(31)));
        assertFalse(t.matches("ab".repeat(32) + "a"));
        assertFalse(t.matches(null));
        assertFalse(t.matches(""));
        assertThrows(IllegalArgumentException.class, () -> WebToken.of("XYZ"));
    }
}
