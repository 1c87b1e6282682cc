package dev.agentharness.cli.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Reading output back: exact bytes, last lines, live follow from another process. */
class TailIT extends HarnessIT {
    /** 2000 numbered lines with two-byte characters (written as octal escapes), then a line without a newline. */
    private static final String AGENT = "sleep 1; i=0; while [ $i -lt 2000 ]; do printf 'line %d \\303\\244\\303\\266 \\342\\202\\254\\n' $i; "
            + "i=$((i+1)); done; printf 'the end, no newline'";

    private static byte[] expected() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            b.append("line ").append(i).append(" äö €\n");
        }
        return b.append("the end, no newline").toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void followInAnotherProcessReceivesEveryByteAndEndsWithTheSession() {
        String id = harness.run("start", "--name", "writer", "--", "sh", "-c", AGENT).ok().out().strip();
        HarnessProcesses.Background follower = harness.start("tail", "-f", "-n", "all", id.substring(0, 14).toLowerCase());
        Result followed = follower.await(FUNCTIONAL).ok();

        assertArrayEquals(expected(), followed.stdoutBytes(), "tail -f printed exactly what the agent wrote");
        assertEquals(1, followed.errLines().size(), followed::toString);
        assertEquals("harness: session writer completed (exit 0)", followed.errLines().get(0));

        assertArrayEquals(expected(), harness.run("tail", "writer", "-n", "all").ok().stdoutBytes());
        assertEquals("line 1999 äö €\nthe end, no newline", harness.run("tail", "writer", "-n", "2").ok().out());
    }

    @Test
    void lastLinesOfOutputWithoutATrailingNewline() {
        harness.run("run", "-q", "--name", "five", "--", "sh", "-c", "printf 'one\\ntwo\\nthree\\nfour\\nfive'").ok();
        assertEquals("three\nfour\nfive", harness.run("tail", "five", "-n", "3").ok().out());
        assertEquals("one\ntwo\nthree\nfour\nfive", harness.run("tail", "five").ok().out());
        assertEquals("", harness.run("tail", "five", "-n", "0").ok().out());

        Result ended = harness.run("tail", "-f", "-n", "1", "five").ok();
        assertEquals("five", ended.out());
        assertTrue(ended.stderr().contains("completed (exit 0)"), ended.stderr());
    }

    @Test
    void streamsCanBeReadSeparately() {
        harness.run("run", "-q", "--name", "both", "--", "sh", "-c", "echo out; echo err >&2; echo out2").ok();
        assertEquals("err\n", harness.run("tail", "both", "--stream", "stderr", "-n", "all").ok().out());
        assertEquals("out\nout2\n", harness.run("tail", "both", "--stream", "stdout").ok().out());
        assertEquals("out\nerr\nout2\n".length(), harness.run("tail", "both", "-n", "all").ok().out().length());
        assertTrue(harness.run("tail", "both", "--since", "1h").ok().out().contains("err\n"));
    }
}
