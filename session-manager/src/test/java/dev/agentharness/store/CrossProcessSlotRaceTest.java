package dev.agentharness.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.core.Session;
import dev.agentharness.store.child.ClaimSlotMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two JVMs race for the last free slot of one database file: exactly one gets it. */
class CrossProcessSlotRaceTest {
    @TempDir
    Path dir;

    @Test
    void exactlyOneOfTwoProcessesGetsTheLastSlot() throws Exception {
        MutableClock clock = new MutableClock(TestStores.T0);
        Path db = dir.resolve("harness.db");
        Path go = dir.resolve("go");
        try (SqliteStores stores = TestStores.open(dir, clock)) {
            stores.sessions().claimSlot(TestStores.named("one"));
            stores.sessions().claimSlot(TestStores.named("two"));
            List<String> outcomes = new ArrayList<>();
            try (ChildJvm first = ChildJvm.start(List.of("-XX:TieredStopAtLevel=1"), ClaimSlotMain.class, db.toString(), go.toString(), "first");
                 ChildJvm second = ChildJvm.start(List.of("-XX:TieredStopAtLevel=1"), ClaimSlotMain.class, db.toString(), go.toString(), "second")) {
                first.awaitLine("READY", 60);
                second.awaitLine("READY", 60);
                Files.createFile(go);
                outcomes.add(first.awaitLine("", 60));
                outcomes.add(second.awaitLine("", 60));
                assertEquals(0, first.waitFor(60));
                assertEquals(0, second.waitFor(60));
            }
            List<String> won = outcomes.stream().filter(o -> o.startsWith("WON")).toList();
            List<String> busy = outcomes.stream().filter(o -> o.startsWith("BUSY")).toList();
            assertEquals(List.of("WON 3"), won, outcomes.toString());
            assertEquals(1, busy.size(), outcomes.toString());
            assertTrue(busy.get(0).startsWith("BUSY all 3 slots are busy (1: one, 2: two, 3: "), busy.get(0));
            List<Session> active = stores.sessions().listActive();
            assertEquals(3, active.size());
            assertTrue(List.of("first", "second").contains(active.get(2).name()));
        }
    }
}
