package dev.agentharness.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.core.Session;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.StreamType;
import dev.agentharness.core.TerminalSize;
import dev.agentharness.core.error.HarnessException;
import dev.agentharness.supervisor.testing.TestHarness;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sessions run by the supervisor through real keeper processes: pipes and terminals, input, resize. */
class KeeperSessionTest {
    @TempDir
    Path dir;

    private TestHarness h;

    @AfterEach
    void close() {
        if (h != null) {
            h.close();
        }
    }

    private SessionSpec.Builder spec(String script) {
        return SessionSpec.builder(List.of("sh", "-c", script), dir.toString());
    }

    @Test
    void aPipeSessionKeepsItsStreamsApartAndEndsWithItsExactCode() {
        h = TestHarness.startedWithKeepers(dir);
        Session s = h.supervisor.startSession(spec("echo out; echo err >&2; exit 5").build());
        Session ended = h.awaitEnded(s.id());
        assertEquals(SessionStatus.FAILED, ended.status());
        assertEquals(5, ended.exitCode());
        assertEquals("out\n", h.output(s.id(), EnumSet.of(StreamType.STDOUT)));
        assertEquals("err\n", h.output(s.id(), EnumSet.of(StreamType.STDERR)));
    }

    @Test
    void stdinIsAtEndOfFileUnlessInteractive() {
        h = TestHarness.startedWithKeepers(dir);
        Session s = h.supervisor.startSession(spec("cat; echo done").interactive(false).build());
        assertEquals(SessionStatus.COMPLETED, h.awaitEnded(s.id()).status());
        assertEquals("done\n", h.output(s.id()));

        Session i = h.supervisor.startSession(spec("read x; echo got-$x").interactive(true).build());
        h.supervisor.send(i.id(), "hi\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(SessionStatus.COMPLETED, h.awaitEnded(i.id()).status());
        assertEquals("got-hi\n", h.output(i.id()));
    }

    @Test
    void aTerminalSessionIsStoredAsPtyAndResizeDeliversSigwinch() {
        h = TestHarness.startedWithKeepers(dir);
        Session s = h.supervisor.startSession(spec(
                "[ -t 0 ] && [ -t 1 ] && echo tty; stty size; trap 'stty size; [ \"$(stty size)\" = \"24 80\" ] && exit 4' WINCH;"
                        + " echo ready; while :; do sleep 0.05; done")
                .terminal(new TerminalSize(100, 30)).build());
        // Only the resize to 80x24 ends it: the terminal may get its first size (and a SIGWINCH) just
        // after the agent started, which is no resize of ours.
        TestHarness.await(() -> h.output(s.id()).contains("ready"), "the agent to be ready");
        h.supervisor.resize(s.id(), new TerminalSize(80, 24));
        Session ended = h.awaitEnded(s.id());
        assertEquals(4, ended.exitCode());
        String out = h.output(s.id());
        assertTrue(out.startsWith("tty\r\n30 100\r\n"), "the agent sees its size from its first instruction on: " + out);
        assertTrue(out.contains("24 80\r\n"), out);
        assertEquals(out, h.output(s.id(), EnumSet.of(StreamType.PTY)), "everything is stream pty");
    }

    @Test
    void aTerminalTakesInputAsTyped() {
        h = TestHarness.startedWithKeepers(dir);
        Session s = h.supervisor.startSession(spec("read x; echo got-$x").terminal(TerminalSize.DEFAULT).build());
        h.supervisor.send(s.id(), "typed\r".getBytes(StandardCharsets.UTF_8));
        assertEquals(SessionStatus.COMPLETED, h.awaitEnded(s.id()).status());
        assertTrue(h.output(s.id()).contains("got-typed"), h.output(s.id()));
    }

    @Test
    void aPipeSessionCannotBeResized() {
        h = TestHarness.startedWithKeepers(dir);
        Session s = h.supervisor.startSession(spec("sleep 5").build());
        HarnessException e = assertThrows(HarnessException.class, () -> h.supervisor.resize(s.id(), new TerminalSize(80, 24)));
        assertTrue(e.getMessage().contains("pipes"), e.getMessage());
    }

    @Test
    void aSpawnFailureIsOneLine() {
        h = TestHarness.startedWithKeepers(dir);
        Session s = h.supervisor.startSession(SessionSpec.builder(List.of("/no/such/agent"), dir.toString()).build());
        Session ended = h.awaitEnded(s.id());
        assertEquals(SessionStatus.FAILED, ended.status());
        assertTrue(ended.reason() != null && !ended.reason().contains("\n"), String.valueOf(ended.reason()));
    }
}
