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
}
