package dev.agentharness.terminal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.core.TerminalSize;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PromptDetectorTest {
    private final PromptDetector detector = new PromptDetector(PromptRules.defaults());

    private static Screen screen(int cols, int rows, String bytes) {
        ScreenEmulator e = ScreenEmulators.create(new TerminalSize(cols, rows));
        e.feed(bytes);
        return e.screen();
    }

    @Test
    void aYesNoQuestionAtTheCursor() {
        Prompt p = detector.detect(screen(60, 10, "building...\r\nOverwrite config.json? [Y/n] ")).orElseThrow();
        assertEquals("yes-no", p.kind());
        assertEquals("Overwrite config.json? [Y/n]", p.question());
        assertEquals(List.of("Y", "n"), p.options());
    }

    @Test
    void aNumberedMenuInABoxMarkedWithTheArrow() {
        String claude = "╭──────────────────────────────────────────╮\r\n"
                + "│ Bash command                             │\r\n"
                + "│   rm -rf build                           │\r\n"
                + "│ Do you want to proceed?                  │\r\n"
                + "│ ❯ 1. Yes                                 │\r\n"
                + "│   2. Yes, and don't ask again            │\r\n"
                + "│   3. No, and tell Claude what to do (esc)│\r\n"
                + "╰──────────────────────────────────────────╯\r\n"
                + "\u001B[?25l";
        Prompt p = detector.detect(screen(60, 15, claude)).orElseThrow();
        assertEquals("menu", p.kind());
        assertEquals("Do you want to proceed?", p.question());
        assertEquals(List.of("1. Yes", "2. Yes, and don't ask again", "3. No, and tell Claude what to do (esc)"), p.options());
        assertEquals(0, p.selected());
    }

    @Test
    void aMenuMarkedWithGreaterThanAfterTheSelectionMoved() {
        Prompt p = detector.detect(screen(40, 10, "Pick a fruit\r\n  1) Apple\r\n> 2) Banana\r\n  3) Cherry\r\n")).orElseThrow();
        assertEquals("Pick a fruit", p.question());
        assertEquals(1, p.selected());
        assertEquals(3, p.options().size());
    }

    @Test
    void aNumberedListWithoutAMarkerIsNotAMenu() {
        assertEquals(Optional.empty(), detector.detect(screen(40, 10, "Steps:\r\n1. build\r\n2. test\r\n$ ")));
    }

    @Test
    void aMenuWithTextWrittenUnderItWasAnswered() {
        assertEquals(Optional.empty(), detector.detect(screen(40, 10, "Proceed?\r\n❯ 1. Yes\r\n  2. No\r\nchose 1\r\n")));
    }

    @Test
    void aQuestionWithOutputAfterItWasAnswered() {
        assertEquals(Optional.empty(), detector.detect(screen(40, 10, "Overwrite? [y/N] \r\nworking\r\n")));
        assertTrue(detector.detect(screen(40, 10, "Overwrite? [y/N]\r\n")).isPresent(), "a newline alone does not answer it");
    }

    @Test
    void aCursesMenuWithTheCursorOnTheMarkedEntry() {
        Prompt p = detector.detect(screen(40, 10, "\u001B[2;1HChoose:\r\n> 1. Apple\r\n  2. Banana\u001B[3;3H")).orElseThrow();
        assertEquals("Choose:", p.question());
        assertEquals(0, p.selected());
    }

    /** As Codex draws its first screen: entries with descriptions, a footer, the cursor hidden on the last row. */
    @Test
    void aFullScreenMenuWithDescriptionsAndAFooterAndTheCursorHiddenAtTheBottom() {
        String codexLike = "\u001B[?1049h\u001B[?25l  Welcome\r\n\r\n  Choose how you want to use it.\r\n\r\n"
                + "> 1. Sign in\r\n     with a browser\r\n\r\n  2. Sign in with a code\r\n     from another device\r\n\r\n"
                + "  3. Another way\r\n     an API key\r\n\r\n  Press enter to continue\u001B[40;1H";
        Prompt p = detector.detect(screen(80, 40, codexLike)).orElseThrow();
        assertEquals("menu", p.kind());
        assertEquals(List.of("1. Sign in", "2. Sign in with a code", "3. Another way"), p.options());
        assertEquals(0, p.selected());
    }

    /** As Gemini CLI asks for trust: a box, the question a paragraph above the entries, marked with ●. */
    @Test
    void aBoxedMenuWhoseQuestionIsAParagraphAbove() {
        String geminiLike = "\u001B[?25l ╭──────────────────────────────╮\r\n │                              │\r\n"
                + " │ Do you trust this folder?    │\r\n │                              │\r\n │ Trusting it lets the tool    │\r\n"
                + " │ load its settings.           │\r\n │                              │\r\n │ ● 1. Trust folder            │\r\n"
                + " │   2. Trust parent folder     │\r\n │   3. Don't trust             │\r\n │                              │\r\n"
                + " │ No method selected.          │\r\n │ (Use Enter to select)        │\r\n │ Terms of Service             │\r\n"
                + " │ https://example.org/terms    │\r\n ╰──────────────────────────────╯\r\n\u001B[30;1H";
        Prompt p = detector.detect(screen(60, 30, geminiLike)).orElseThrow();
        assertEquals("Do you trust this folder?", p.question());
        assertEquals(3, p.options().size());
    }

    @Test
    void withAVisibleCursorNothingMayFollowAMenu() {
        assertEquals(Optional.empty(), detector.detect(screen(40, 10, "Proceed?\r\n❯ 1. Yes\r\n  2. No\r\nEnter to confirm\r\n")));
        assertTrue(detector.detect(screen(40, 10, "\u001B[?25lProceed?\r\n❯ 1. Yes\r\n  2. No\r\nEnter to confirm\r\n")).isPresent());
    }

    @Test
    void pressEnter() {
        Prompt p = detector.detect(screen(40, 5, "Press Enter to continue")).orElseThrow();
        assertEquals("press-enter", p.kind());
        assertEquals(List.of("Enter"), p.options());
    }

    @Test
    void aConfirmation() {
        Prompt p = detector.detect(screen(60, 5, "Do you want to apply these changes?\r\n")).orElseThrow();
        assertEquals("confirm", p.kind());
    }

    @Test
    void aQuestionFarAboveTheCursorIsHistory() {
        StringBuilder b = new StringBuilder("Continue? (y/n) y\r\n");
        for (int i = 0; i < 8; i++) {
            b.append("working ").append(i).append("\r\n");
        }
        assertEquals(Optional.empty(), detector.detect(screen(40, 12, b.toString())));
    }

    @Test
    void rulesFromAFileReplaceTheDefaults() {
        PromptRules rules = PromptRules.parse(List.of("# mine", "confirm (?i)ready\\?", "selectors *"), "prompts.conf");
        PromptDetector d = new PromptDetector(rules);
        assertEquals("confirm", d.detect(screen(40, 5, "Ready?")).orElseThrow().kind());
        assertEquals(Optional.empty(), d.detect(screen(40, 5, "Continue? (y/n)")));
        assertTrue(d.detect(screen(40, 5, "Which?\r\n* 1. a\r\n  2. b\r\n")).isPresent());
    }

    @Test
    void aBadRulesFileSaysWhichLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PromptRules.parse(List.of("", "yes-no ([a"), "prompts.conf"));
        assertTrue(e.getMessage().startsWith("prompts.conf line 2: bad regex"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PromptRules.parse(List.of("maybe x"), "f"));
    }
}
