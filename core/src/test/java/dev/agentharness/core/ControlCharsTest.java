package dev.agentharness.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Issue 16, items 6 and 8: text others chose never acts on a log file or a terminal. */
class ControlCharsTest {

    @Test
    void aNewlineInARequestCannotSplitALogLine() {
        assertEquals("ping\\n2026-01-01 INFO forged", ControlChars.forLog("ping\n2026-01-01 INFO forged"));
        assertEquals("a\\x00b\\r\\t\\e[31m\\\\", ControlChars.forLog("a\0b\r\t\u001b[31m\\"));
        assertEquals("c1 \\u0085 del \\x7f", ControlChars.forLog("c1 \u0085 del \u007f"));
    }

    @Test
    void cleanTextIsReturnedAsItIs() {
        String clean = "build-api: 日本語 😀 /tmp/x";
        assertSame(clean, ControlChars.forLog(clean));
        assertEquals(null, ControlChars.forLog((String) null));
    }

    @Test
    void terminalEscapesAreShownNotObeyed() {
        byte[] in = ("title\u001b]0;pwned\u0007 clip\u001b]52;c;ZXZpbA==\u0007 ask\u001b[6n\nnext\tline\n")
                .getBytes(StandardCharsets.UTF_8);
        assertEquals("title\\e]0;pwned\\x07 clip\\e]52;c;ZXZpbA==\\x07 ask\\e[6n\nnext\tline\n",
                new String(ControlChars.forTerminal(in, 0, in.length), StandardCharsets.UTF_8));
    }

    @Test
    void bytesThatAreNotUtf8AreShownAsHex() {
        byte[] in = {'o', 'k', (byte) 0xFF, (byte) 0xC3, '(', (byte) 0xE2, (byte) 0x82, (byte) 0xAC, 0, '\n'};
        assertEquals("ok\\xff\\xc3(€\\x00\n", new String(ControlChars.forTerminal(in, 0, in.length), StandardCharsets.UTF_8));
    }

    @Test
    void nulInEnvValuesTheCommandOrCwdIsRefusedInOneLine() {
        SessionSpec ok = SessionSpec.of(java.util.List.of("sh", "-c", "true"), "/tmp");
        assertEquals(null, ok.nulProblem());
        assertEquals("argument 2 of the command contains a NUL byte",
                SessionSpec.of(java.util.List.of("sh", "-c", "tr\0ue"), "/tmp").nulProblem());
        assertEquals("the command's program contains a NUL byte", SessionSpec.of(java.util.List.of("s\0h"), "/tmp").nulProblem());
        assertEquals("the working directory contains a NUL byte", SessionSpec.of(java.util.List.of("true"), "/tmp\0/etc").nulProblem());
        assertEquals("the value of environment variable SECRET contains a NUL byte",
                ok.withEnv(java.util.Map.of("SECRET", "a\0b")).nulProblem());
    }
}
