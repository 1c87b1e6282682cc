package dev.agentharness.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.store.child.OutputGenerator;
import dev.agentharness.store.child.WriteFullMain;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 100 MB of output written through appendBatch and read back with writeFull by a JVM whose heap
 * is 64 MB: writeFull must stream in constant memory, and what it writes must be exactly what was
 * stored, byte for byte (the parent recomputes the expected bytes itself).
 */
class LargeOutputTest {
    @TempDir
    Path dir;

    @Test
    void writeFullStreams100MegabytesThroughA64MegabyteHeapExactly() throws Exception {
        try (ChildJvm child = ChildJvm.start(List.of("-Xmx64m"), WriteFullMain.class, dir.resolve("harness.db").toString(), "100")) {
            long heap = Long.parseLong(child.awaitLine("HEAP ", 60).substring(5));
            assertTrue(heap <= 64L << 20, "child heap " + heap);
            long chunks = Long.parseLong(child.awaitLine("WROTE ", 120).substring(6));
            long last = Long.parseLong(child.awaitLine("LAST ", 120).substring(5));
            String[] read = child.awaitLine("READ ", 120).split(" ");
            assertEquals(0, child.waitFor(60), child.output().toString());

            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            long bytes = 0;
            for (long i = 0; i < chunks; i++) {
                byte[] b = OutputGenerator.chunk(i).getBytes(StandardCharsets.UTF_8);
                bytes += b.length;
                sha.update(b);
            }
            assertTrue(bytes >= 100L << 20);
            assertEquals(chunks, last, "the last seq written is the number of chunks");
            assertEquals(bytes, Long.parseLong(read[1]), "byte count");
            assertEquals(HexFormat.of().formatHex(sha.digest()), read[2], "sha-256 of everything written");
        }
    }

    /**
     * Regression: a new database got a page cache of 4096 pages of its final size (256 MiB with
     * 64 KiB pages) instead of 16 MiB, because the connection set cache_size (in KiB, turned into a
     * page count with the default 4 KiB pages) before the new file's page_size; PRAGMA cache_size
     * read back the same either way, so only memory shows it. Writing and reading 100 MB in a
     * 64 MiB heap peaked at 214 MiB RSS with the bug and 121 MiB without.
     */
    @Test
    void aNewDatabasesPageCacheStaysAtSixteenMegabytes() throws Exception {
        try (ChildJvm child = ChildJvm.start(List.of("-Xmx64m", "-XX:+UseSerialGC"), WriteFullMain.class,
                dir.resolve("harness.db").toString(), "100")) {
            long peakRss = Long.parseLong(child.awaitLine("PEAK_RSS_KB ", 240).substring(12)) << 10;
            assertEquals(0, child.waitFor(60), child.output().toString());
            assertTrue(peakRss < 170L << 20, "peak RSS " + (peakRss >> 20) + " MiB: heap 64 + cache 16 + the JVM's own");
        }
    }
}
