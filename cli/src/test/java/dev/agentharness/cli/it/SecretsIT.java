package dev.agentharness.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Environment values reach the agent and the 0600 database, and nothing a person or a log sees. */
class SecretsIT extends HarnessIT {
    private static final String SECRET = "sk-do-not-print-4f1e9c";

    @Test
    void envValuesReachTheAgentButNeverTheLogsTheListingsOrTheEvents() throws Exception {
        String id = harness.run("start", "--debug", "--name", "keyed", "--env", "API_KEY=" + SECRET, "--",
                "sh", "-c", "printf '%s\\n' \"$API_KEY\" | tr a-z A-Z").ok().out().strip();
        harness.run("wait", id).ok();
        assertEquals(SECRET.toUpperCase() + "\n", harness.tailAll(id), "the agent saw the value");
        harness.run("restart", "keyed").ok();

        for (String[] view : new String[][] {{"show", "keyed"}, {"show", "keyed", "--json"}, {"ps", "--all"},
                {"ps", "--all", "--json"}, {"stats", "--json"}}) {
            Result r = harness.run(view).ok();
            assertFalse(r.out().contains(SECRET) || r.stderr().contains(SECRET), () -> "value shown by " + r);
        }
        assertTrue(harness.run("show", "keyed", "--json").out().contains("API_KEY"), "the key itself is shown");

        harness.run("shutdown").ok();
        try (Stream<Path> files = Files.list(harness.home)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".log")).toList()) {
                assertFalse(Files.readString(f).contains(SECRET), "value logged in " + f);
            }
        }
    }
}
