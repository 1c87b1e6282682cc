package dev.agentharness.supervisor;

import static dev.agentharness.supervisor.testing.TestHarness.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.core.OutputChunk;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.StreamType;
import dev.agentharness.supervisor.testing.JavaCommand;
import dev.agentharness.supervisor.testing.TestHarness;
import dev.agentharness.supervisor.testing.Utf8WriterMain;
import java.io.BufferedWriter;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every byte, in order, exactly as the agent wrote it, also under load. */
class CaptureTest {
    /** -Dharness.test.captureMb=... to scale the load test (default 100 MB per session). */
    private static final long MB_PER_SESSION = Long.getLong("harness.test.captureMb", 100);

    @TempDir
    Path dir;
    TestHarness h;

    @BeforeEach
    void start() {
        h = TestHarness.started(dir);
    }

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void threeConcurrentSessionsOf100MbEachAreStoredByteExact() throws Exception {
        long bytes = MB_PER_SESSION << 20;
        List<Session> started = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < 3; i++) {
            Path hash = dir.resolve("writer-" + i + ".sha256");
            started.add(h.supervisor.startSession(SessionSpec.of(
                    JavaCommand.of(Utf8WriterMain.class, Long.toString(1000 + i), Long.toString(bytes), hash.toString()), dir.toString())));
        }
        List<Session> ended = new ArrayList<>();
        for (Session s : started) {
            ended.add(h.supervisor.whenEnded(s.id()).get(5, TimeUnit.MINUTES));
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        for (int i = 0; i < 3; i++) {
            Session s = ended.get(i);
            assertEquals(SessionStatus.COMPLETED, s.status(), () -> s + " stderr: " + h.output(s.id(), Set.of(StreamType.STDERR)));
            assertEquals(0, s.exitCode());
            String[] expected = Files.readString(dir.resolve("writer-" + i + ".sha256")).trim().split(" ");
            assertEquals(Long.parseLong(expected[1]), h.stores.outputs().size(s.id()).bytes(), "stored bytes of writer " + i);
            assertEquals(expected[0], sha256OfStoredStdout(s.id()), "SHA-256 of writer " + i);
            assertEquals("", h.output(s.id(), Set.of(StreamType.STDERR)));
        }
        System.out.printf("capture: 3 x %d MB in %.1f s = %.1f MB/s (%s)%n", MB_PER_SESSION, seconds, 3 * MB_PER_SESSION / seconds,
                h.get(dev.agentharness.supervisor.internal.capture.BatchWriter.class).stats());
    }

    @Test
    void stdoutAndStderrKeepTheirArrivalOrderInOneGapFreeSequence() {
        Session s = h.supervisor.startSession(sh(dir,
                "for i in 1 2 3 4 5 6; do echo \"out $i\"; sleep 0.05; echo \"err $i\" >&2; sleep 0.05; done"));
        assertEquals(SessionStatus.COMPLETED, h.awaitEnded(s.id()).status());
        List<OutputChunk> chunks = h.stores.outputs().after(s.id(), 0, 1000);
        StringBuilder seen = new StringBuilder();
        for (int i = 0; i < chunks.size(); i++) {
            assertEquals(i + 1, chunks.get(i).seq(), "gap-free seq");
            seen.append(chunks.get(i).stream() == StreamType.STDOUT ? "O:" : "E:").append(chunks.get(i).text());
        }
        StringBuilder expected = new StringBuilder();
        for (int i = 1; i <= 6; i++) {
            expected.append("O:out ").append(i).append('\n').append("E:err ").append(i).append('\n');
        }
        assertEquals(expected.toString(), seen.toString());
    }

    /** Issue 16, item 5: bytes that are not UTF-8 are stored as written; the text views decode them leniently. */
    @Test
    void invalidUtf8IsStoredExactly() {
        Session s = h.supervisor.startSession(sh(dir, "printf 'ok\\377\\n'; printf 'bad\\303(\\n' >&2"));
        h.awaitEnded(s.id());
        org.junit.jupiter.api.Assertions.assertArrayEquals(new byte[] {'o', 'k', (byte) 0xFF, '\n'},
                h.outputBytes(s.id(), Set.of(StreamType.STDOUT)));
        org.junit.jupiter.api.Assertions.assertArrayEquals(new byte[] {'b', 'a', 'd', (byte) 0xC3, '(', '\n'},
                h.outputBytes(s.id(), Set.of(StreamType.STDERR)));
        assertEquals("ok\uFFFD\n", h.output(s.id(), Set.of(StreamType.STDOUT)));
    }

    @Test
    void aTenMegabyteLineWithoutNewlineIsStoredWhole() {
        int size = 10 << 20;
        Session s = h.supervisor.startSession(sh(dir, "head -c " + size + " /dev/zero | tr '\\0' 'x'"));
        Session ended = h.awaitEnded(s.id());
        assertEquals(SessionStatus.COMPLETED, ended.status());
        String out = h.output(s.id());
        assertEquals(size, out.length());
        assertTrue(out.chars().allMatch(c -> c == 'x'));
    }

    @Test
    void yesIntoHeadEndsQuietlyBecauseSigpipeIsRestored() {
        Session s = h.supervisor.startSession(sh(dir, "yes | head -n 1"));
        Session ended = h.awaitEnded(s.id());
        assertEquals(SessionStatus.COMPLETED, ended.status());
        assertEquals(0, ended.exitCode());
        assertEquals("y\n", h.output(s.id(), Set.of(StreamType.STDOUT)));
        assertEquals("", h.output(s.id(), Set.of(StreamType.STDERR)), "no 'Broken pipe' complaints");
    }

    @Test
    void manySmallWritesAreCoalescedIntoFewChunks() {
        Session s = h.supervisor.startSession(sh(dir, "i=0; while [ $i -lt 3000 ]; do echo \"line $i\"; i=$((i+1)); done"));
        h.awaitEnded(s.id());
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 3000; i++) {
            expected.append("line ").append(i).append('\n');
        }
        assertEquals(expected.toString(), h.output(s.id()));
        long chunks = h.stores.outputs().size(s.id()).chunks();
        assertTrue(chunks < 300, "3000 writes stored as " + chunks + " chunks");
    }

    private String sha256OfStoredStdout(String id) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (Writer w = new BufferedWriter(new OutputStreamWriter(new DigestOutputStream(OutputStream.nullOutputStream(), sha),
                StandardCharsets.UTF_8), 1 << 16)) {
            h.stores.outputs().writeFull(id, Set.of(StreamType.STDOUT), w);
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
