package dev.agentharness.mcp;

import dev.agentharness.service.ScreenSnapshot;
import dev.agentharness.terminal.Prompt;
import dev.agentharness.terminal.Screen;
import java.util.List;

/**
 * What the tools need of a session's screen: its rows and cursor, the question it shows, and the
 * input modes its program asked for (which bytes a key or a paste becomes). One place reads the
 * service's {@link ScreenSnapshot}, so that the tools do not depend on its shape.
 *
 * @param prompt the question the screen shows, or null
 * @param modes  the program's input modes
 */
record ShownScreen(int cols, int rows, List<String> lines, int cursorRow, int cursorCol, boolean cursorVisible,
                   String title, boolean alternateScreen, Prompt prompt, Screen.InputModes modes, long lastSeq) {
    ShownScreen {
        lines = List.copyOf(lines);
    }

    static ShownScreen of(ScreenSnapshot s) {
        Screen screen = s.screen();
        List<String> lines = screen.lines();
        int last = lines.size();
        while (last > 0 && lines.get(last - 1).isEmpty()) {
            last--;
        }
        return new ShownScreen(screen.cols(), screen.rows(), lines.subList(0, last), screen.cursorRow(), screen.cursorCol(),
                screen.cursorVisible(), screen.title(), screen.alternateScreen(), s.prompt(), screen.modes(), s.lastSeq());
    }
}
