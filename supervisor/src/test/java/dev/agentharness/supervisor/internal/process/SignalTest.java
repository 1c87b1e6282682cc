package dev.agentharness.supervisor.internal.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SignalTest {
    @Test
    void namesSignalsForReasons() {
        assertEquals("SIGKILL", Signal.nameOf(9));
        assertEquals("SIGTERM", Signal.nameOf(15));
        assertEquals("signal 40", Signal.nameOf(40));
        assertEquals("killed by SIGKILL", ExitStatus.killed(9).describe());
        assertEquals(137, ExitStatus.killed(9).recordedCode());
    }

    @Test
    void refusesToSignalTheHarnessGroupOrEveryProcess() {
        LibcProcessGroupSignaller signaller = new LibcProcessGroupSignaller(LibC.load());
        assertThrows(IllegalArgumentException.class, () -> signaller.signalGroup(0, Signal.TERM));
        assertThrows(IllegalArgumentException.class, () -> signaller.signalGroup(1, Signal.TERM));
        assertThrows(IllegalArgumentException.class, () -> signaller.signalGroup(-5, Signal.TERM));
    }
}
