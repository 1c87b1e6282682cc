package dev.agentharness.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TerminalTextTest {
    @Test
    void removesColoursCursorMovesTitlesAndControlsKeepingLinesAndTabs() {
        assertEquals("a\tb\nc\n", TerminalText.plain("\u001B[1;31ma\u001B[0m\tb\r\n\u001B[2K\u001B[?25lc\u0007\n"));
        assertEquals("x", TerminalText.plain("\u001B]0;window title\u001B\\x"));
        assertEquals("héllo ✓", TerminalText.plain("héllo ✓"));
    }
}
