package dev.agentharness.terminal;

import dev.agentharness.core.TerminalSize;
import dev.agentharness.terminal.internal.JLineScreenEmulator;

/** Where screen emulators come from; the only place that names the implementation. */
public final class ScreenEmulators {
    private ScreenEmulators() {
    }

    public static ScreenEmulator create(TerminalSize size) {
        return new JLineScreenEmulator(size);
    }
}
