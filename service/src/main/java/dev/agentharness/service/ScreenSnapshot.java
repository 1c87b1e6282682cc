package dev.agentharness.service;

import java.util.List;

/**
 * A terminal's screen at one moment.
 *
 * @param lines      the visible rows, trailing blanks trimmed
 * @param cursorRow  0-based
 * @param checkpoint the question the agent waits on (a prompt or a numbered menu), or null
 * @param lastSeq    the last output chunk the screen includes
 */
public record ScreenSnapshot(int cols, int rows, List<String> lines, int cursorRow, int cursorCol,
                             String checkpoint, List<String> choices, long lastSeq) {
    public ScreenSnapshot {
        lines = List.copyOf(lines);
        choices = choices == null ? List.of() : List.copyOf(choices);
    }
}
