package dev.agentharness.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Three slots: three sessions run, a fourth is refused with exit 3, and --wait waits for a free one. */
class SlotsIT extends HarnessIT {
    @Test
    void threeRunAFourthIsRefusedAndAWaitingOneStartsWhenASlotFrees() {
        String a = harness.run("start", "--name", "a", "--", "sleep", "120").ok().out().strip();
        String b = harness.run("start", "--name", "b", "--", "sleep", "120").ok().out().strip();
        String c = harness.run("start", "--name", "c", "--", "sleep", "120").ok().out().strip();
        assertEquals(26, a.length(), "start prints the full id, one line");

        JsonNode ps = harness.json("ps", "--json");
        assertEquals(3, ps.size());
        Set<Integer> slots = new HashSet<>();
        for (JsonNode s : ps) {
            slots.add(s.path("slot").asInt());
            assertEquals("running", s.path("status").asText());
        }
        assertEquals(Set.of(1, 2, 3), slots);
        String table = harness.run("ps").ok().out();
        assertTrue(table.contains("a") && table.contains(b.substring(0, 12)) && table.contains(c.substring(0, 12)), table);

        harness.run("start", "--name", "d", "--", "sleep", "120").expectOneLineError(3, "all 3 slots are busy");
        harness.run("start", "--slot", "2", "--", "sleep", "120").expectOneLineError(3, "slot 2 is busy");

        HarnessProcesses.Background waiting = harness.start("start", "--wait", "--name", "late", "--", "sleep", "120");
        HarnessProcesses.awaitTrue("the waiting start to be queued", FUNCTIONAL,
                () -> harness.run("ps").out().contains("1 start request queued"));

        harness.run("stop", "a", "--grace", "1s").ok();
        Result late = waiting.await(FUNCTIONAL).ok();
        String lateId = late.out().strip();
        assertEquals(26, lateId.length(), late::toString);
        JsonNode started = harness.session(lateId);
        assertEquals("running", started.path("status").asText());
        assertEquals("late", started.path("name").asText());
        assertEquals("stopped", harness.status(a));
    }
}
