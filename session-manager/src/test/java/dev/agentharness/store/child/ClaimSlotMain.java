package dev.agentharness.store.child;

import dev.agentharness.core.Session;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.UlidGenerator;
import dev.agentharness.core.error.NoFreeSlotException;
import dev.agentharness.store.SqliteStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/** Child JVM: opens the database, says READY, waits for the go file, claims a slot, prints WON n or BUSY. */
public final class ClaimSlotMain {
    public static void main(String[] args) {
        Path db = Paths.get(args[0]);
        Path go = Paths.get(args[1]);
        Clock clock = Clock.systemUTC();
        try (SqliteStores stores = SqliteStores.open(db, clock, new UlidGenerator(clock), 3)) {
            System.out.println("READY");
            System.out.flush();
            while (!Files.exists(go)) {
                LockSupport.parkNanos(100_000);
            }
            try {
                Session s = stores.sessions().claimSlot(SessionSpec.of(List.of("agent"), "/w").withName(args[2]));
                System.out.println("WON " + s.slot());
            } catch (NoFreeSlotException e) {
                System.out.println("BUSY " + e.getMessage());
            }
        } catch (RuntimeException e) {
            System.out.println("ERROR " + e);
        }
        System.out.flush();
    }
}
