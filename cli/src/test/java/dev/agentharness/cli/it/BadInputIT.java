package dev.agentharness.cli.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Every kind of bad input gets its documented exit code and exactly one line on stderr. */
class BadInputIT extends HarnessIT {
    @Test
    void unknownSessionIsExit4() throws Exception {
        java.nio.file.Files.createDirectories(harness.home); // an existing home: a missing one is exit 1
        harness.run("show", "nosuch").expectOneLineError(4, "no such session: nosuch");
        harness.run("tail", "nosuch").expectOneLineError(4, "no such session: nosuch");
        harness.run("stop", "nosuch").expectOneLineError(4, "no such session: nosuch");
    }

    @Test
    void usageErrorsAreExit2() {
        harness.run("start", "--max-runtime", "5x", "--", "true").expectOneLineError(2, "invalid duration '5x'");
        harness.run("start", "--slot", "7", "--", "true").expectOneLineError(2, "invalid slot '7'");
        harness.run("start", "--").expectOneLineError(2, "CMD");
        harness.run("frobnicate").expectOneLineError(2, "unknown command 'frobnicate'");
        harness.run("ps", "--colour").expectOneLineError(2, "--colour");
        harness.run("tail", "x", "--since", "yesterday").expectOneLineError(2, "invalid --since");
        harness.run("purge").expectOneLineError(2, "purge needs");
        harness.run("runs", "complete", "NOPE").expectOneLineError(2, "no such run");
        // Usage errors never start a daemon.
        assertEquals(false, harness.daemonAlive());
    }

    @Test
    void corruptDatabaseIsExit1AndLeftUntouched() throws Exception {
        Files.createDirectories(harness.home);
        Path db = harness.home.resolve("harness.db");
        byte[] garbage = "this is not a database, it is a grocery list\n".repeat(200).getBytes(StandardCharsets.UTF_8);
        Files.write(db, garbage);

        for (String[] args : new String[][] {{"ps"}, {"ps", "--all", "--json"}, {"show", "x"}, {"tail", "x"}, {"stats"},
                {"start", "--", "true"}, {"recover"}}) {
            Result r = harness.run(args);
            r.expect(1);
            assertEquals(1, r.errLines().size(), r::toString);
            r.expectOneLineError(1, "not an SQLite database");
            assertEquals("", r.out());
        }
        assertArrayEquals(garbage, Files.readAllBytes(db), "the file is byte for byte what it was");
    }

    @Test
    void missingLegacyFileIsAUsageError() {
        harness.run("import-legacy", "no-such-sessions.json").expectOneLineError(2, "no such file");
    }
}
