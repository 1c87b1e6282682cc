package dev.agentharness.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.agentharness.core.error.HarnessException;
import dev.agentharness.terminal.Prompt;
import dev.agentharness.terminal.Screen;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CheckpointAnswerTest {
    private static final Prompt MENU = new Prompt("menu", "Trust this folder?", List.of("1. Yes", "2. Maybe", "3. No"), 0);
    private static final Screen.InputModes APP_KEYS = new Screen.InputModes(true, true, List.of());

    private static String answer(Prompt p, Screen.InputModes modes, boolean tty, Integer choice, String text) {
        return new String(CheckpointAnswer.encode(p, modes, tty, choice, text), StandardCharsets.UTF_8);
    }

    @Test
    void aMenuChoiceMovesFromTheMarkedEntryAndPressesEnter() {
        assertEquals("\u001B[B\u001B[B\r", answer(MENU, Screen.InputModes.NONE, true, 3, null));
        assertEquals("\r", answer(MENU, Screen.InputModes.NONE, true, 1, null));
        Prompt markedLast = new Prompt("menu", "?", MENU.options(), 2);
        assertEquals("\u001B[A\r", answer(markedLast, Screen.InputModes.NONE, true, 2, null));
    }

    @Test
    void cursorKeysFollowTheProgramsMode() {
        assertEquals("\u001BOB\r", answer(MENU, APP_KEYS, true, 2, null));
    }

    @Test
    void aMenuWhoseMarkIsUnknownGetsTheNumber() {
        Prompt unknown = new Prompt("menu", "?", MENU.options(), -1);
        assertEquals("2", answer(unknown, Screen.InputModes.NONE, true, 2, null));
    }

    @Test
    void yesNoTypesTheOptionAndEnter() {
        Prompt yn = new Prompt("yes-no", "Overwrite? [Y/n]", List.of("Y", "n"), -1);
        assertEquals("n\r", answer(yn, Screen.InputModes.NONE, true, 2, null));
        assertEquals("Y\n", answer(yn, Screen.InputModes.NONE, false, 1, null));
        Prompt enter = new Prompt("press-enter", "Press Enter to continue", List.of("Enter"), -1);
        assertEquals("\r", answer(enter, Screen.InputModes.NONE, true, 1, null));
    }

    @Test
    void textIsPastedWhereTheProgramAskedForPastesThenEntered() {
        assertEquals("\u001B[200~two words\u001B[201~\r", answer(MENU, APP_KEYS, true, null, "two words"));
        assertEquals("two words\n", answer(null, Screen.InputModes.NONE, false, null, "two words"));
    }

    @Test
    void aChoiceNotOfferedIsRefused() {
        assertThrows(HarnessException.class, () -> answer(MENU, Screen.InputModes.NONE, true, 4, null));
        Prompt confirm = new Prompt("confirm", "Do you want to proceed?", List.of(), -1);
        assertThrows(HarnessException.class, () -> answer(confirm, Screen.InputModes.NONE, true, 1, null));
        assertThrows(HarnessException.class, () -> answer(null, Screen.InputModes.NONE, true, 1, null));
    }
}
