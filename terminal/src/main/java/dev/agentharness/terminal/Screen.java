package dev.agentharness.terminal;

import java.util.List;
import java.util.Objects;

/**
 * What a terminal shows at one moment, as text: one string per row (trailing blanks removed; a
 * wide character is one character of its row although it fills two cells), where the cursor is,
 * and the modes a front end needs to talk to the program correctly.
 *
 * @param cols             columns
 * @param rows             rows
 * @param lines            exactly {@code rows} strings, top to bottom
 * @param cursorRow        0-based row of the cursor
 * @param cursorCol        0-based cell column of the cursor
 * @param title            the window title the program set (OSC 0 or 2), or "" if none
 * @param alternateScreen  whether the program switched to the alternate screen (full-screen UIs)
 * @param cursorVisible    whether the cursor is shown (DECTCEM)
 * @param modes            input modes the program asked for
 */
public record Screen(int cols, int rows, List<String> lines, int cursorRow, int cursorCol, String title,
                     boolean alternateScreen, boolean cursorVisible, InputModes modes) {
    public Screen {
        lines = List.copyOf(lines);
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(modes, "modes");
    }

    /** The rows joined by newlines, without the blank rows at the bottom. */
    public String text() {
        int last = lines.size();
        while (last > 0 && lines.get(last - 1).isEmpty()) {
            last--;
        }
        return String.join("\n", lines.subList(0, last));
    }

    /** The row the cursor is on. */
    public String cursorLine() {
        return lines.get(Math.min(Math.max(cursorRow, 0), lines.size() - 1));
    }

    /**
     * How the program wants its input encoded; these change which bytes a key or a paste becomes.
     *
     * @param bracketedPaste        {@code ESC[?2004h}: pastes arrive between {@code ESC[200~} and {@code ESC[201~}
     * @param applicationCursorKeys {@code ESC[?1h} (DECCKM): arrows are {@code ESC O A}, not {@code ESC [ A}
     * @param mouseTracking         the mouse modes asked for (1000, 1002, 1003, 1006...), as numbers
     */
    public record InputModes(boolean bracketedPaste, boolean applicationCursorKeys, List<Integer> mouseTracking) {
        public static final InputModes NONE = new InputModes(false, false, List.of());

        public InputModes {
            mouseTracking = List.copyOf(mouseTracking);
        }
    }
}
