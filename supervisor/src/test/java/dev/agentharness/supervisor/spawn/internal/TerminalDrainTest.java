package dev.agentharness.supervisor.spawn.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.pty4j.unix.Pty;
import dev.agentharness.supervisor.internal.process.LibC;
import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Regression: pty4j's stream ended at the agent's exit while output was still on its way to the
 * master side, and a short-lived terminal agent lost all of it (2 in 1,000 under I/O load). The
 * drain reads the master directly, on a real pseudo-terminal.
 */
class TerminalDrainTest {
    private final LibC libc = LibC.load();

    private static String drained(TerminalDrain drain, Pty pty) throws Exception {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        CompletableFuture.runAsync(() -> drain.drain(pty.getMasterFD(), new byte[16], b -> {
            byte[] copy = new byte[b.remaining()];
            b.get(copy);
            got.writeBytes(copy);
        })).get(30, TimeUnit.SECONDS);
        return got.toString(StandardCharsets.UTF_8);
    }

    @Test
    void whatIsLeftAfterTheLastHolderClosedIsReadToTheEnd() throws Exception {
        Pty pty = new Pty();
        try {
            try (FileOutputStream slave = new FileOutputStream(pty.getSlaveName())) {
                slave.write("all of it, in reads of sixteen bytes".getBytes(StandardCharsets.UTF_8));
            }
            // A quiet time far beyond the test's timeout: only the terminal's end (EIO) can end this drain.
            assertEquals("all of it, in reads of sixteen bytes", drained(new TerminalDrain(libc, Duration.ofMinutes(5)), pty));
        } finally {
            pty.close();
        }
    }

    @Test
    void aHolderThatStaysButSaysNothingEndsTheDrainAfterTheQuietTime() throws Exception {
        Pty pty = new Pty();
        try (FileOutputStream slave = new FileOutputStream(pty.getSlaveName())) {
            slave.write("still open".getBytes(StandardCharsets.UTF_8));
            assertEquals("still open", drained(new TerminalDrain(libc, Duration.ofMillis(200)), pty));
        } finally {
            pty.close();
        }
    }

    @Test
    void aClosedMasterIsNothingToRead() throws Exception {
        ByteBuffer[] seen = new ByteBuffer[1];
        new TerminalDrain(libc).drain(-1, new byte[16], b -> seen[0] = b);
        assertEquals(null, seen[0]);
    }
}
