package dev.agentharness.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TerminalSizeTest {
    @Test
    void parsesColsByRowsAndPrintsItBack() {
        assertEquals(new TerminalSize(120, 40), TerminalSize.parse("120x40"));
        assertEquals(new TerminalSize(80, 24), TerminalSize.parse(" 80X24 "));
        assertEquals("132x50", new TerminalSize(132, 50).toString());
    }

    @Test
    void refusesWhatIsNoTerminalWithOneLine() {
        for (String bad : new String[] {"", "120", "x40", "120x", "0x40", "120x0", "10001x5", "-3x4", "12x4x2", "axb"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TerminalSize.parse(bad), bad);
            assertEquals(-1, e.getMessage().indexOf('\n'), e.getMessage());
        }
    }
}
