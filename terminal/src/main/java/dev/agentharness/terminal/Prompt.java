package dev.agentharness.terminal;

import java.util.List;

/**
 * A question a program is waiting to have answered, as read off its screen.
 *
 * @param kind     which rule saw it: {@code menu}, {@code yes-no}, {@code press-enter} or {@code confirm}
 * @param question the question's line, without box borders
 * @param options  the answers offered: a menu's entries ("1. Yes"), the choices of "(y/n)", or "Enter"
 * @param selected the index of the menu entry under the marker, or -1
 */
public record Prompt(String kind, String question, List<String> options, int selected) {
    public Prompt {
        options = List.copyOf(options);
    }
}
