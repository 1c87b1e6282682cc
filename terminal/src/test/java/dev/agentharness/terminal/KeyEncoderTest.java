package dev.agentharness.terminal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyEncoderTest {
    private final KeyEncoder normal = new KeyEncoder(Screen.InputModes.NONE);
    private final KeyEncoder paste = new KeyEncoder(new Screen.InputModes(true, false, List.of()));
    private final KeyEncoder app = new KeyEncoder(new Screen.InputModes(false, true, List.of()));

    @Test
    void theKeysOfTheIssue() {
        assertEquals("\r", normal.encode("Enter"));
        assertEquals("\u001B[A", normal.encode("Up"));
        assertEquals("\u001B[B", normal.encode("Down"));
        assertEquals("\u001B[D", normal.encode("Left"));
        assertEquals("\u001B[C", normal.encode("Right"));
        assertEquals("\t", normal.encode("Tab"));
        assertEquals("\u001B", normal.encode("Escape"));
        assertEquals("\u0003", normal.encode("C-c"));
        assertEquals("\u0004", normal.encode("C-d"));
        assertEquals("\u007F", normal.encode("BSpace"));
    }

    @Test
    void namesAreCaseInsensitiveAsInTmux() {
        assertEquals("\r", normal.encode("enter"));
        assertEquals("\u0003", normal.encode("c-C"));
        assertEquals("\u001B[5~", normal.encode("PPage"));
        assertEquals("\u001B[6~", normal.encode("npage"));
    }

    @Test
    void controlMetaAndShift() {
        assertEquals("\u0000", normal.encode("C-Space"));
        assertEquals("\u0000", normal.encode("C-@"));
        assertEquals("\u001D", normal.encode("C-]"));
        assertEquals("\u001Bx", normal.encode("M-x"));
        assertEquals("\u001B\u0018", normal.encode("C-M-x"));
        assertEquals("\u001B[Z", normal.encode("BTab"));
        assertEquals("\u001B[Z", normal.encode("S-Tab"));
        assertEquals("\u001B[1;5A", normal.encode("C-Up"));
        assertEquals("\u001B[1;3D", normal.encode("M-Left"));
        assertEquals("\u001B[1;2C", normal.encode("S-Right"));
        assertEquals("\u001B[3;5~", normal.encode("C-DC"));
        assertEquals("\u001B[15~", normal.encode("F5"));
        assertEquals("\u001BOP", normal.encode("F1"));
    }

    @Test
    void cursorKeysFollowApplicationMode() {
        assertEquals("\u001BOA", app.encode("Up"));
        assertEquals("\u001BOH", app.encode("Home"));
        assertEquals("\u001B[H", normal.encode("Home"));
    }

    @Test
    void otherWordsAreText() {
        assertEquals("hello world", normal.encode("hello world"));
        assertEquals("C-", normal.encode("C-"));
        assertEquals("Enterprise", normal.encode("Enterprise"));
        assertEquals("C-cat", normal.encode("C-cat"));
    }

    @Test
    void longerTextIsABracketedPasteWhenTheProgramAskedForIt() {
        assertEquals("\u001B[200~two\nlines\u001B[201~", paste.encode("two\nlines"));
        assertEquals("y", paste.encode("y"), "one character is typed, so a menu or a y/n prompt takes it");
        assertEquals("\u001B[200~ab\u001B[201~", paste.encode("a\u001B[201~b"), "a paste cannot end itself early");
        assertEquals("two\nlines", normal.encode("two\nlines"));
    }

    @Test
    void encodesASequenceOfWords() {
        assertArrayEquals("ls -l\r\u0003".getBytes(StandardCharsets.UTF_8), normal.encode(List.of("ls -l", "Enter", "C-c")));
    }
}
