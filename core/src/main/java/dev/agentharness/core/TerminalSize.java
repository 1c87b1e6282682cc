package dev.agentharness.core;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The size of a session's pseudo-terminal, in character cells. A session with a terminal size runs
 * on a pseudo-terminal; one without runs on pipes.
 *
 * <p>The bounds are tmux's: a terminal wider or taller than 10,000 cells is a typo, not a screen,
 * and the screen emulator would allocate its full area.
 *
 * @param cols columns, 1..10000
 * @param rows rows, 1..10000
 */
public record TerminalSize(int cols, int rows) {
    public static final int MAX = 10_000;
    /** The size given to a terminal session when none is asked for. */
    public static final TerminalSize DEFAULT = new TerminalSize(120, 40);

    private static final Pattern COLS_X_ROWS = Pattern.compile("(\\d{1,6})[xX](\\d{1,6})");

    public TerminalSize {
        if (cols < 1 || cols > MAX || rows < 1 || rows > MAX) {
            throw new IllegalArgumentException("invalid terminal size " + cols + "x" + rows
                    + " (columns and rows must be 1.." + MAX + ")");
        }
    }

    /**
     * Parses {@code COLSxROWS}, as {@code --size 120x40} and {@code harness resize S 80x24} take it.
     *
     * @throws IllegalArgumentException with a one-line message
     */
    public static TerminalSize parse(String text) {
        Matcher m = COLS_X_ROWS.matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("invalid terminal size '" + text + "' (expected COLSxROWS, e.g. 120x40)");
        }
        return new TerminalSize(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    /** {@code COLSxROWS}, the form {@link #parse} reads. */
    @Override
    public String toString() {
        return cols + "x" + rows;
    }
}
