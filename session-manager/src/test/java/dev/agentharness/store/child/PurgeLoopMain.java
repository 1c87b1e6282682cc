package dev.agentharness.store.child;

import dev.agentharness.core.PurgeCriteria;
import dev.agentharness.core.UlidGenerator;
import dev.agentharness.store.SqliteStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.util.Set;

/** Child JVM: runs {@code harness purge --all} over and over until the stop file appears. Prints OK sessions chunks. */
public final class PurgeLoopMain {
    public static void main(String[] args) throws Exception {
        Clock clock = Clock.systemUTC();
        Path stop = Paths.get(args[1]);
        long sessions = 0;
        long chunks = 0;
        try (SqliteStores stores = SqliteStores.open(Paths.get(args[0]), clock, new UlidGenerator(clock), 3)) {
            System.out.println("READY");
            System.out.flush();
            do {
                var r = stores.sessions().purge(new PurgeCriteria(Set.of(), null, true, false));
                sessions += r.sessionIds().size();
                chunks += r.chunks();
                Thread.sleep(20);
            } while (!Files.exists(stop));
            var r = stores.sessions().purge(new PurgeCriteria(Set.of(), null, true, false));
            System.out.println("OK " + (sessions + r.sessionIds().size()) + " " + (chunks + r.chunks()));
        } catch (RuntimeException e) {
            System.out.println("ERROR " + e);
        }
    }
}
