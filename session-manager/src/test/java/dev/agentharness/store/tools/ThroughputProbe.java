package dev.agentharness.store.tools;

import dev.agentharness.core.PendingChunk;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.StreamType;
import dev.agentharness.core.UlidGenerator;
import dev.agentharness.store.SqliteStores;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Not a test: measures appendBatch and writeFull throughput once, by hand.
 *
 * <pre>java -cp ... dev.agentharness.store.tools.ThroughputProbe [MB] [chunkBytes] [chunksPerBatch]</pre>
 */
public final class ThroughputProbe {
    public static void main(String[] args) throws Exception {
        int megabytes = args.length > 0 ? Integer.parseInt(args[0]) : 512;
        int chunkBytes = args.length > 1 ? Integer.parseInt(args[1]) : 4096;
        int perBatch = args.length > 2 ? Integer.parseInt(args[2]) : 256;
        Path dir = Files.createTempDirectory("harness-probe");
        Clock clock = Clock.systemUTC();
        try (SqliteStores stores = SqliteStores.open(dir.resolve("harness.db"), clock, new UlidGenerator(clock), 3)) {
            Session s = stores.sessions().claimSlot(SessionSpec.of(List.of("agent"), "/tmp"));
            Random random = new Random(1);
            String[] texts = new String[64];
            for (int i = 0; i < texts.length; i++) {
                StringBuilder b = new StringBuilder(chunkBytes);
                while (b.length() < chunkBytes) {
                    b.append((char) ('a' + random.nextInt(26)));
                    if (random.nextInt(60) == 0) {
                        b.append('\n');
                    }
                }
                b.setLength(chunkBytes);
                texts[i] = b.toString();
            }
            long total = (long) megabytes << 20;
            long chunks = total / chunkBytes;
            long start = System.nanoTime();
            long done = 0;
            while (done < chunks) {
                List<PendingChunk> batch = new ArrayList<>(perBatch);
                for (int i = 0; i < perBatch && done < chunks; i++, done++) {
                    batch.add(new PendingChunk(s.id(), done % 7 == 0 ? StreamType.STDERR : StreamType.STDOUT, Instant.now(),
                            texts[(int) (done % texts.length)]));
                }
                stores.outputs().appendBatch(batch);
            }
            double writeSeconds = (System.nanoTime() - start) / 1e9;
            start = System.nanoTime();
            long[] count = new long[1];
            stores.outputs().writeFull(s.id(), null, new Writer() {
                @Override
                public void write(char[] cbuf, int off, int len) {
                    count[0] += len;
                }

                @Override
                public void write(String str) {
                    count[0] += str.length();
                }

                @Override
                public void flush() {
                }

                @Override
                public void close() {
                }
            });
            double readSeconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("appendBatch: %d MB in %d-byte chunks, %d per batch: %.2f s = %.0f MB/s (%.0f chunks/s)%n",
                    megabytes, chunkBytes, perBatch, writeSeconds, megabytes / writeSeconds, chunks / writeSeconds);
            System.out.printf("writeFull:   %d chars in %.2f s = %.0f MB/s%n", count[0], readSeconds, count[0] / 1048576.0 / readSeconds);
            System.out.printf("db size: %d MB%n", Files.size(dir.resolve("harness.db")) >> 20);
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
