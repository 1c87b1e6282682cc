package dev.agentharness.cli.torture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the torture tests rely on about their agent. */
class GeneratorTest {
    @TempDir
    Path tmp;

    /**
     * BadInputTortureIT's full file system: the flood was held back while the disk was full, but only
     * for about 2 s of its 5, and at full rate it then wrote up to 437 MB into the grown 512 MiB file
     * system, filled that too, and nothing ended (or the keeper after it waited for room). Now the
     * flood has a rate; this checks that an agent held back catches up with its rate and no further,
     * so that what it writes in all is bounded. A real process whose pipe nobody reads for a while,
     * as nobody does while the writer waits out a full disk.
     */
    @Test
    void floodHeldBackByAFullDiskCannotFillTheGrownFileSystem() throws Exception {
        long seed = 42;
        long rate = 1 << 20;
        long seconds = 2;
        Path count = tmp.resolve("flood.count");
        Process p = new ProcessBuilder(Torture.generator(seed, rate, seconds, count.toString(), ""))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            // Held back: its pipe fills after 64 KiB and its writes block, for most of its seconds.
            Thread.sleep(1500);
            byte[] out = p.getInputStream().readAllBytes();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the agent ends by itself");
            assertEquals(0, p.exitValue());
            long written = Long.parseLong(Files.readString(count).strip().split(" ")[0]);
            assertEquals(written, out.length, "it counted what it wrote");
            assertArrayEquals(Generator.expected(seed, out.length), out, "its stream, from the seed");
            assertTrue(out.length <= Generator.maxBytes(rate, seconds),
                    out.length + " bytes written, at most " + Generator.maxBytes(rate, seconds) + " allowed");
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void atFullRateOrForeverNothingBoundsIt() {
        assertEquals(Long.MAX_VALUE, Generator.maxBytes(0, 5));
        assertEquals(Long.MAX_VALUE, Generator.maxBytes(1 << 20, 0));
    }
}
