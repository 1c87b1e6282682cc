package dev.agentharness.service;

import dev.agentharness.core.Session;
import dev.agentharness.terminal.Prompt;
import dev.agentharness.terminal.Screen;
import java.util.Objects;

/**
 * A session's screen as its agent drew it, and the question it waits on, if the screen shows one.
 *
 * @param session the session as it was read
 * @param screen  the emulated terminal after every stored chunk up to {@code lastSeq}
 * @param prompt  a question or menu the screen shows (the terminal module's prompt rules), or null
 * @param lastSeq the last output chunk the screen includes
 */
public record ScreenSnapshot(Session session, Screen screen, Prompt prompt, long lastSeq) {
    public ScreenSnapshot {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(screen, "screen");
    }
}
