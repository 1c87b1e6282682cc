package dev.agentharness.terminal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.core.TerminalSize;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScreenEmulatorTest {
    private static ScreenEmulator emulator(int cols, int rows) {
        return ScreenEmulators.create(new TerminalSize(cols, rows));
    }

    /** Recorded with script(1) from curses_app.py (next to the recording) on a 40x12 terminal. */
    private static String recordedCurses() throws IOException {
        try (InputStream in = ScreenEmulatorTest.class.getResourceAsStream("/recorded/curses_app_40x12.raw")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void rendersRowsAndCursor() {
        ScreenEmulator e = emulator(20, 4);
        e.feed("hello\r\nworld");
        Screen s = e.screen();
        assertEquals(List.of("hello", "world", "", ""), s.lines());
        assertEquals(1, s.cursorRow());
        assertEquals(5, s.cursorCol());
        assertEquals("hello\nworld", s.text());
    }

    @Test
    void aCursesAppKilledInTheAlternateScreenShowsItsScreen() throws IOException {
        String bytes = recordedCurses();
        String beforeExit = bytes.substring(0, bytes.indexOf("\u001B[?1049l"));
        ScreenEmulator e = emulator(40, 12);
        e.feed(beforeExit);
        Screen s = e.screen();
        assertTrue(s.alternateScreen());
        assertEquals("curses demo", s.lines().get(0));
        assertEquals("  中文 and 😀 here", s.lines().get(2));
        assertEquals("> 1. Apple", s.lines().get(5));
        assertEquals("  2. Banana", s.lines().get(6));
    }

    @Test
    void aCursesAppThatExitedLeavesTheMainScreen() throws IOException {
        ScreenEmulator e = emulator(40, 12);
        e.feed("$ before\r\n");
        e.feed(recordedCurses());
        Screen s = e.screen();
        assertFalse(s.alternateScreen());
        assertEquals("$ before", s.lines().get(0));
        assertFalse(s.text().contains("Banana"));
    }

    @Test
    void wideCharactersTakeTwoCellsButOneCharacter() {
        ScreenEmulator e = emulator(20, 2);
        e.feed("中文x😀y");
        Screen s = e.screen();
        assertEquals("中文x😀y", s.lines().get(0));
        assertEquals(8, s.cursorCol(), "2+2+1+2+1 cells");
    }

    @Test
    void coloursDoNotReachTheText() {
        ScreenEmulator e = emulator(30, 2);
        e.feed("\u001B[1;31mred\u001B[0m \u001B[38;5;200mpink\u001B[48;2;1;2;3m rgb\u001B[m");
        assertEquals("red pink rgb", e.screen().lines().get(0));
    }

    @Test
    void keepsTheTitleAndTheInputModes() {
        ScreenEmulator e = emulator(30, 2);
        e.feed("\u001B]0;first\u0007\u001B]2;my title\u001B\\\u001B[?2004h\u001B[?1h\u001B[?25l\u001B[?1000;1006h");
        Screen s = e.screen();
        assertEquals("my title", s.title());
        assertTrue(s.modes().bracketedPaste());
        assertTrue(s.modes().applicationCursorKeys());
        assertFalse(s.cursorVisible());
        assertEquals(List.of(1000, 1006), s.modes().mouseTracking());
        e.feed("\u001B[?2004l\u001B[?1l\u001B[?25h\u001B[?1000l");
        s = e.screen();
        assertFalse(s.modes().bracketedPaste());
        assertFalse(s.modes().applicationCursorKeys());
        assertTrue(s.cursorVisible());
        assertEquals(List.of(1006), s.modes().mouseTracking());
    }

    @Test
    void sequencesSplitAcrossFeedsAreUnderstood() {
        ScreenEmulator e = emulator(30, 2);
        String all = "\u001B]2;split title\u0007\u001B[?2004hab\u001B[31mcd\u001B[0m中";
        for (int i = 0; i < all.length(); i++) {
            e.feed(all.substring(i, i + 1));
        }
        Screen s = e.screen();
        assertEquals("abcd中", s.lines().get(0));
        assertEquals("split title", s.title());
        assertTrue(s.modes().bracketedPaste());
    }

    @Test
    void sequencesItDoesNotKnowDoNotPrintGarbage() {
        ScreenEmulator e = emulator(40, 2);
        // kitty keyboard, modifyOtherKeys, a hyperlink, a DCS string, synchronized output ended
        e.feed("\u001B[>1u\u001B[>4;2ma\u001B]8;;https://x.example\u001B\\link\u001B]8;;\u001B\\\u001BP+q544e\u001B\\b"
                + "\u001B[?2026hc\u001B[?2026l");
        assertEquals("alinkbc", e.screen().lines().get(0));
    }

    @Test
    void scrolledOffLinesAreNotKept() {
        ScreenEmulator e = emulator(20, 3);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            sb.append("line ").append(i).append("\r\n");
        }
        e.feed(sb);
        assertEquals(List.of("line 4998", "line 4999", ""), e.screen().lines());
        // The emulator's scrollback is erased as output arrives; screen() sees only the screen either way.
        assertTrue(((dev.agentharness.terminal.internal.JLineScreenEmulator) e).historySize() == 0);
    }

    @Test
    void resizeChangesTheGrid() {
        ScreenEmulator e = emulator(20, 3);
        e.feed("abc");
        e.resize(new TerminalSize(10, 5));
        Screen s = e.screen();
        assertEquals(10, s.cols());
        assertEquals(5, s.rows());
        assertEquals(5, s.lines().size());
    }

    @Test
    void repaintRedrawsTheSameScreen() throws IOException {
        ScreenEmulator e = emulator(40, 12);
        String bytes = recordedCurses();
        e.feed(bytes.substring(0, bytes.indexOf("\u001B[?1049l")));
        e.feed("\u001B]2;t\u0007\u001B[?2004h");
        Screen before = e.screen();
        ScreenEmulator copy = emulator(40, 12);
        copy.feed(e.repaint());
        Screen after = copy.screen();
        assertEquals(before.lines(), after.lines());
        assertEquals(before.cursorRow(), after.cursorRow());
        assertEquals(before.cursorCol(), after.cursorCol());
        assertEquals(before.title(), after.title());
        assertEquals(before.modes(), after.modes());
    }
}
