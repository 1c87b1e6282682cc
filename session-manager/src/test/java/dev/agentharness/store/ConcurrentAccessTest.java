package dev.agentharness.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.core.OutputChunk;
import dev.agentharness.core.PendingChunk;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.StreamType;
import dev.agentharness.store.child.FollowerMain;
import dev.agentharness.store.child.PurgeLoopMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Readers on other connections and in other processes while a writer stores batches. */
class ConcurrentAccessTest {
    @TempDir
    Path dir;

    private static List<PendingChunk> batch(Session s, long firstSeq, int n) {
        List<PendingChunk> chunks = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            chunks.add(new PendingChunk(s.id(), StreamType.STDOUT, java.time.Instant.now(), "c" + (firstSeq + i) + "\n"));
        }
        return chunks;
    }

    @Test
    void readersOnOtherConnectionsSeeWholeBatchesInOrderWhileTheWriterWrites() throws Exception {
        Clock clock = Clock.systemUTC();
        int batches = 200;
        int perBatch = 50;
        try (SqliteStores writer = TestStores.open(dir, clock); SqliteStores reader = TestStores.open(dir, clock)) {
            Session s = TestStores.claimAs(writer, TestStores.spec(), SessionStatus.RUNNING, clock);
            ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
            AtomicBoolean done = new AtomicBoolean();
            Thread follower = new Thread(() -> {
                long cursor = 0;
                try {
                    while (cursor < (long) batches * perBatch) {
                        long size = reader.outputs().size(s.id()).chunks();
                        if (size % perBatch != 0) {
                            problems.add("saw part of a batch: " + size);
                        }
                        for (OutputChunk c : reader.outputs().after(s.id(), cursor, 500)) {
                            if (c.seq() != cursor + 1 || !c.text().equals("c" + c.seq() + "\n")) {
                                problems.add("out of order at " + cursor + ": " + c);
                            }
                            cursor = c.seq();
                        }
                        if (done.get() && cursor < (long) batches * perBatch
                                && reader.outputs().size(s.id()).chunks() == cursor) {
                            problems.add("stopped at " + cursor);
                            return;
                        }
                    }
                } catch (RuntimeException e) {
                    problems.add(e.toString());
                }
            });
            // A second thread on the writer's own connection reads between the writer's transactions.
            Thread sameConnection = new Thread(() -> {
                try {
                    while (!done.get()) {
                        long size = writer.outputs().size(s.id()).chunks();
                        if (size % perBatch != 0) {
                            problems.add("same connection saw part of a batch: " + size);
                        }
                    }
                } catch (RuntimeException e) {
                    problems.add(e.toString());
                }
            });
            follower.start();
            sameConnection.start();
            for (int b = 0; b < batches; b++) {
                writer.outputs().appendBatch(batch(s, (long) b * perBatch + 1, perBatch));
            }
            done.set(true);
            follower.join(60_000);
            sameConnection.join(60_000);
            assertEquals(List.of(), new ArrayList<>(problems));
            assertEquals(batches * perBatch, reader.outputs().size(s.id()).chunks());
        }
    }

    @Test
    void followersInOtherProcessesAndAPurgingCliNeverSeeOrCauseALockedDatabase() throws Exception {
        Clock clock = Clock.systemUTC();
        Path db = dir.resolve("harness.db");
        Path stop = dir.resolve("stop");
        try (SqliteStores daemon = TestStores.open(dir, clock)) {
            Session s = TestStores.claimAs(daemon, TestStores.spec(), SessionStatus.RUNNING, clock);
            List<String> jvm = List.of("-XX:TieredStopAtLevel=1", "-Xmx128m");
            try (ChildJvm f1 = ChildJvm.start(jvm, FollowerMain.class, db.toString(), s.id());
                 ChildJvm f2 = ChildJvm.start(jvm, FollowerMain.class, db.toString(), s.id());
                 ChildJvm purger = ChildJvm.start(jvm, PurgeLoopMain.class, db.toString(), stop.toString())) {
                f1.awaitLine("READY", 60);
                f2.awaitLine("READY", 60);
                purger.awaitLine("READY", 60);
                long seq = 1;
                int finished = 0;
                long until = System.nanoTime() + 2_000_000_000L;
                while (System.nanoTime() < until) {
                    daemon.outputs().appendBatch(batch(s, seq, 100));
                    seq += 100;
                    // Finished sessions with a few MB of output for the purger to delete meanwhile.
                    if (seq % 1000 == 1) {
                        Session done = TestStores.claimAs(daemon, TestStores.spec().withRequestedSlot(2), SessionStatus.RUNNING, clock);
                        List<PendingChunk> big = new ArrayList<>();
                        for (int i = 0; i < 3000; i++) {
                            big.add(new PendingChunk(done.id(), StreamType.STDOUT, clock.instant(), "x".repeat(1000)));
                        }
                        daemon.outputs().appendBatch(big);
                        daemon.sessions().update(done.id(), x -> x.toBuilder().status(SessionStatus.COMPLETED).build());
                        finished++;
                    }
                    Thread.sleep(5);
                }
                daemon.outputs().append(s.id(), StreamType.STDOUT, clock.instant(), "END\n");
                Files.createFile(stop);
                long total = seq;
                for (ChildJvm f : List.of(f1, f2)) {
                    String line = f.awaitLine("", 60);
                    assertEquals("OK " + total, line.substring(0, line.lastIndexOf(' ')), line);
                    assertTrue(Long.parseLong(line.substring(line.lastIndexOf(' ') + 1)) > 10, "it polled: " + line);
                }
                String purged = purger.awaitLine("", 60);
                assertEquals("OK " + finished, purged.substring(0, purged.lastIndexOf(' ')), purged);
                assertEquals(0, f1.waitFor(30));
                assertEquals(0, f2.waitFor(30));
                assertEquals(0, purger.waitFor(30));
                assertTrue(finished >= 2, "the purger had work: " + finished);
            }
            assertEquals("ok", daemon.integrityCheck());
        }
    }
}
