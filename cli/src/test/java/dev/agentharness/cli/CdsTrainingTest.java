package dev.agentharness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's archive run goes through both paths it is meant to cover, and succeeds. */
class CdsTrainingTest {
    @TempDir
    Path tmp;

    @Test
    void listsTheStoreAndStartsASessionThroughTheStandInDaemon() throws Exception {
        Path home = tmp.resolve("home");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = CdsTraining.train(home, out, new PrintStream(err, true, StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, "stdout: " + printed + "\nstderr: " + err.toString(StandardCharsets.UTF_8));
        assertTrue(printed.startsWith("ID "), "ps --all printed its table first: " + printed);
        assertTrue(printed.endsWith("\n01CDSTRAINING0000000000000\n"), "then start printed the stand-in's session id: " + printed);
        assertTrue(Files.exists(home.resolve("harness.db")), "ps made the store");
        assertFalse(Files.exists(home.resolve("harness.sock")), "the stand-in's socket is gone");
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }
}
