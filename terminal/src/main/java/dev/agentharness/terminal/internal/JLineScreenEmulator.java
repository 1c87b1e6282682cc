package dev.agentharness.terminal.internal;

import dev.agentharness.core.TerminalSize;
import dev.agentharness.terminal.Screen;
import dev.agentharness.terminal.ScreenEmulator;
import java.util.ArrayList;
import java.util.List;
import org.jline.utils.ScreenTerminal;

/**
 * A {@link ScreenEmulator} on JLine's {@link ScreenTerminal} (the emulator behind JLine's own tmux
 * clone), with a {@link ModeTracker} beside it for the title and input modes it does not expose.
 *
 * <p>ScreenTerminal keeps every line that scrolls off as unbounded history; between sequences
 * (never inside one) this class erases it ({@code ESC[3J}, which leaves the screen alone), so a long
 * session costs one screen of cells, not its whole output.
 *
 * <p>A program inside synchronized output ({@code ESC[?2026h}, Claude Code draws every frame so)
 * shows its last complete frame, as a real terminal would, until it ends the frame.
 */
public final class JLineScreenEmulator implements ScreenEmulator {
    private static final String ERASE_SCROLLBACK = "\u001B[3J";

    private final ScreenTerminal term;
    private final ModeTracker modes = new ModeTracker();
    private TerminalSize size;

    public JLineScreenEmulator(TerminalSize size) {
        this.size = size;
        this.term = new ScreenTerminal(size.cols(), size.rows());
    }

    @Override
    public void feed(CharSequence text) {
        if (text.length() == 0) {
            return;
        }
        term.write(text);
        modes.feed(text);
        if (modes.inGround() && term.getHistorySize() > 0) {
            term.write(ERASE_SCROLLBACK);
        }
    }

    @Override
    public void resize(TerminalSize newSize) {
        if (!newSize.equals(size)) {
            term.setSize(newSize.cols(), newSize.rows());
            size = newSize;
            if (modes.inGround() && term.getHistorySize() > 0) {
                term.write(ERASE_SCROLLBACK);
            }
        }
    }

    /** Lines of scrollback the underlying emulator holds; 0 between feeds (tests check the bound). */
    public int historySize() {
        return term.getHistorySize();
    }

    @Override
    public TerminalSize size() {
        return size;
    }

    @Override
    public Screen screen() {
        Cells cells = cells();
        List<String> lines = new ArrayList<>(cells.rows);
        for (int r = 0; r < cells.rows; r++) {
            StringBuilder line = new StringBuilder(cells.cols);
            for (int c = 0; c < cells.cols; c++) {
                int cp = ScreenTerminal.cellCodePoint(cells.at(r, c));
                if (cp == 0) {
                    continue; // the right half of a wide character
                }
                line.appendCodePoint(cp);
            }
            lines.add(stripTrailing(line));
        }
        return new Screen(cells.cols, cells.rows, lines, cells.cursorRow, cells.cursorCol, modes.title(),
                modes.alternateScreen(), modes.cursorVisible(), modes.modes());
    }

    @Override
    public String repaint() {
        Cells cells = cells();
        StringBuilder out = new StringBuilder(cells.cols * cells.rows + 256);
        out.append("\u001B[0m\u001B[H\u001B[2J");
        long previous = -1;
        for (int r = 0; r < cells.rows; r++) {
            out.append("\u001B[").append(r + 1).append(";1H");
            int end = cells.cols;
            while (end > 0 && blank(cells.at(r, end - 1))) {
                end--;
            }
            for (int c = 0; c < end; c++) {
                long cell = cells.at(r, c);
                int cp = ScreenTerminal.cellCodePoint(cell);
                if (cp == 0) {
                    continue;
                }
                long attr = ScreenTerminal.cellAttr(cell);
                if (attr != previous) {
                    sgr(cell, out);
                    previous = attr;
                }
                out.appendCodePoint(cp);
            }
        }
        out.append("\u001B[0m");
        Screen.InputModes in = modes.modes();
        if (!modes.title().isEmpty()) {
            out.append("\u001B]2;").append(modes.title()).append('\u0007');
        }
        out.append(in.bracketedPaste() ? "\u001B[?2004h" : "\u001B[?2004l");
        out.append(in.applicationCursorKeys() ? "\u001B[?1h" : "\u001B[?1l");
        for (int mode : modes.mouseModes()) {
            out.append("\u001B[?").append(mode).append('h');
        }
        out.append("\u001B[").append(cells.cursorRow + 1).append(';').append(cells.cursorCol + 1).append('H');
        out.append(modes.cursorVisible() ? "\u001B[?25h" : "\u001B[?25l");
        return out.toString();
    }

    private static boolean blank(long cell) {
        int cp = ScreenTerminal.cellCodePoint(cell);
        return (cp == ' ' || cp == 0) && !ScreenTerminal.cellHasBackground(cell) && !ScreenTerminal.cellInverse(cell);
    }

    private static void sgr(long cell, StringBuilder out) {
        out.append("\u001B[0");
        if (ScreenTerminal.cellBold(cell)) {
            out.append(";1");
        }
        if (ScreenTerminal.cellDim(cell)) {
            out.append(";2");
        }
        if (ScreenTerminal.cellItalic(cell)) {
            out.append(";3");
        }
        if (ScreenTerminal.cellUnderline(cell)) {
            out.append(";4");
        }
        if (ScreenTerminal.cellInverse(cell)) {
            out.append(";7");
        }
        if (ScreenTerminal.cellConceal(cell)) {
            out.append(";8");
        }
        if (ScreenTerminal.cellHasForeground(cell)) {
            rgb(";38;2;", ScreenTerminal.cellColorRgb(ScreenTerminal.cellForeground(cell)), out);
        }
        if (ScreenTerminal.cellHasBackground(cell)) {
            rgb(";48;2;", ScreenTerminal.cellColorRgb(ScreenTerminal.cellBackground(cell)), out);
        }
        out.append('m');
    }

    private static void rgb(String prefix, int rgb, StringBuilder out) {
        out.append(prefix).append((rgb >> 16) & 0xFF).append(';').append((rgb >> 8) & 0xFF).append(';').append(rgb & 0xFF);
    }

    private static String stripTrailing(StringBuilder line) {
        int end = line.length();
        while (end > 0 && line.charAt(end - 1) == ' ') {
            end--;
        }
        return line.substring(0, end);
    }

    private Cells cells() {
        int cols = term.getColumns();
        int rows = term.getRows();
        long[] cells = new long[cols * rows];
        int[] cursor = new int[2];
        term.dump(cells, cursor);
        return new Cells(cols, rows, cells, Math.min(cursor[1], rows - 1), Math.min(cursor[0], cols - 1));
    }

    private record Cells(int cols, int rows, long[] cells, int cursorRow, int cursorCol) {
        long at(int r, int c) {
            return cells[r * cols + c];
        }
    }
}
