package dev.agentharness.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** Stopping, pausing, resuming and restarting agents. */
class StopIT extends HarnessIT {
    @Test
    void stopKillsAnAgentThatIgnoresSigterm() {
        harness.run("start", "--name", "stubborn", "--", "sh", "-c",
                "trap '' TERM; echo ready; while true; do sleep 1; done").ok();
        HarnessProcesses.awaitTrue("the agent to ignore TERM", FUNCTIONAL, () -> harness.tailAll("stubborn").equals("ready\n"));
        long pid = harness.session("stubborn").path("pid").asLong();

        Result stop = harness.run("stop", "stubborn", "--grace", "1s").ok();
        assertTrue(stop.out().startsWith("session stubborn stopped"), stop::toString);

        JsonNode s = harness.session("stubborn");
        assertEquals("stopped", s.path("status").asText());
        assertTrue(s.path("slot").isNull() || s.path("slot").isInt());
        assertFalse(HarnessProcesses.alive(pid), "the agent's process is gone");
        assertTrue(harness.json("ps", "--json").isEmpty(), "its slot is free");
        harness.run("stop", "stubborn").expectOneLineError(1, "stubborn");
    }

    @Test
    void pauseResumeAndRestart() {
        String id = harness.run("start", "--name", "sleeper", "--", "sh", "-c", "echo up; sleep 120").ok().out().strip();
        assertEquals("session sleeper paused\n", harness.run("pause", "sleeper").ok().out());
        assertEquals("paused", harness.status("sleeper"));
        assertEquals("session sleeper running\n", harness.run("resume", id).ok().out());
        harness.run("stop", "sleeper", "--force").ok();

        String again = harness.run("restart", "sleeper").ok().out().strip();
        assertEquals(26, again.length());
        JsonNode restarted = harness.session(again);
        assertEquals(id, restarted.path("restartOf").asText());
        assertEquals("running", restarted.path("status").asText());
    }
}
