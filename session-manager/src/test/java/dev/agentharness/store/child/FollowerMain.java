package dev.agentharness.store.child;

import dev.agentharness.core.OutputChunk;
import dev.agentharness.core.UlidGenerator;
import dev.agentharness.store.SqliteStores;
import java.nio.file.Paths;
import java.time.Clock;
import java.util.List;

/**
 * Child JVM: follows a session's output with after() every 10 ms, as {@code harness logs -f}
 * would, checking that seqs arrive gap-free and that each chunk is "c{seq}\n", until "END\n".
 * Prints OK chunks polls, or FAIL/ERROR.
 */
public final class FollowerMain {
    public static void main(String[] args) throws Exception {
        Clock clock = Clock.systemUTC();
        String session = args[1];
        long deadline = System.nanoTime() + 60_000_000_000L;
        try (SqliteStores stores = SqliteStores.open(Paths.get(args[0]), clock, new UlidGenerator(clock), 3)) {
            System.out.println("READY");
            System.out.flush();
            long cursor = 0;
            long polls = 0;
            while (System.nanoTime() < deadline) {
                List<OutputChunk> chunks = stores.outputs().after(session, cursor, 1000);
                polls++;
                for (OutputChunk c : chunks) {
                    if (c.seq() != cursor + 1) {
                        System.out.println("FAIL gap: " + cursor + " then " + c.seq());
                        return;
                    }
                    cursor = c.seq();
                    if (c.text().equals("END\n")) {
                        System.out.println("OK " + cursor + " " + polls);
                        return;
                    }
                    if (!c.text().equals("c" + c.seq() + "\n")) {
                        System.out.println("FAIL text of " + c.seq() + ": " + c.text());
                        return;
                    }
                }
                Thread.sleep(10);
            }
            System.out.println("FAIL timeout at " + cursor);
        } catch (RuntimeException e) {
            System.out.println("ERROR " + e);
        }
    }
}
