package dev.agentharness.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** Runs group sessions; every session born into a run is counted once, however it was born. */
class RunsIT extends HarnessIT {
    @Test
    void sessionsJoinTheActiveRunAndAutomaticRestartsAreCountedToo() {
        String run = harness.run("runs", "new", "sprint", "one").ok().out().strip();

        harness.run("run", "-q", "--", "true").ok();
        String flaky = harness.run("start", "--restart", "on-failure", "--max-restarts", "1", "--",
                "sh", "-c", "exit 3").ok().out().strip();
        HarnessProcesses.awaitTrue("the automatic restart to fail too", FUNCTIONAL, () -> {
            JsonNode all = harness.json("ps", "--all", "--json");
            int failed = 0;
            for (JsonNode s : all) {
                failed += s.path("status").asText().equals("failed") ? 1 : 0;
            }
            return failed == 2;
        });

        JsonNode runs = harness.json("runs", "--json");
        assertEquals(run, runs.get(0).path("id").asText());
        assertEquals("sprint one", runs.get(0).path("description").asText());
        assertEquals(3, runs.get(0).path("sessionCount").asInt(), runs::toString);
        assertEquals(run, harness.session(flaky).path("runId").asText());

        harness.run("runs", "complete").ok();
        assertEquals("completed", harness.json("runs", "--json").get(0).path("status").asText());
    }
}
