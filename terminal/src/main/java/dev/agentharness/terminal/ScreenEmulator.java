package dev.agentharness.terminal;

import dev.agentharness.core.TerminalSize;

/**
 * A terminal emulator without a display: fed what a program wrote to its terminal, it keeps the
 * screen that a real terminal of that size would show. {@code harness screen} feeds it the stored
 * bytes of a session, so the screen can be read with the daemon down or after a crash; the
 * watchdog feeds it live to see prompts as the user would.
 *
 * <p>Not thread-safe: one owner feeds and reads it. Memory is bounded by the screen's size: lines
 * that scroll off the top are dropped, not kept as scrollback.
 */
public interface ScreenEmulator {
    /** Interprets more of the program's output; escape sequences may be split across calls. */
    void feed(CharSequence text);

    /** The terminal was resized, as by SIGWINCH; the program's next output is drawn for the new size. */
    void resize(TerminalSize size);

    TerminalSize size();

    /** What the terminal shows now. */
    Screen screen();

    /**
     * Bytes that redraw this screen on a real terminal of the same size, colours and attributes
     * included, and restore the program's cursor position, cursor visibility and input modes: what
     * {@code harness attach} prints before it goes live.
     */
    String repaint();
}
