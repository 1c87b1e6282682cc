package dev.agentharness.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SessionTransitionsTest {

    @ParameterizedTest
    @EnumSource(value = SessionStatus.class, names = {"COMPLETED", "FAILED", "STOPPED", "TIMED_OUT", "CRASHED"})
    void terminalStatusesAreFinal(SessionStatus terminal) {
        assertTrue(terminal.isTerminal());
        for (SessionStatus next : SessionStatus.values()) {
            assertFalse(terminal.canTransitionTo(next), terminal + " -> " + next);
        }
    }

    @Test
    void startingCanOnlyRunFailStopOrCrash() {
        assertEquals(EnumSet.of(SessionStatus.RUNNING, SessionStatus.FAILED, SessionStatus.STOPPED, SessionStatus.CRASHED),
                SessionTransitions.allowedFrom(SessionStatus.STARTING));
    }

    @Test
    void runningMayReachEveryEndingAndTheWatchdogStates() {
        for (SessionStatus s : SessionStatus.TERMINAL) {
            assertTrue(SessionStatus.RUNNING.canTransitionTo(s), "running -> " + s);
        }
        assertTrue(SessionStatus.RUNNING.canTransitionTo(SessionStatus.STALLED));
        assertTrue(SessionStatus.STALLED.canTransitionTo(SessionStatus.RUNNING));
        assertTrue(SessionStatus.RUNNING.canTransitionTo(SessionStatus.WAITING_CHECKPOINT));
        assertTrue(SessionStatus.WAITING_CHECKPOINT.canTransitionTo(SessionStatus.RUNNING));
        assertTrue(SessionStatus.PAUSED.canTransitionTo(SessionStatus.RUNNING));
    }

    @Test
    void noStatusTransitionsToItselfOrBackToStarting() {
        for (SessionStatus s : SessionStatus.values()) {
            assertFalse(s.canTransitionTo(s), s + " -> itself");
            assertFalse(s.canTransitionTo(SessionStatus.STARTING), s + " -> starting");
        }
    }

    @Test
    void pausedCannotBecomeStalledOrWaitWithoutResumingFirst() {
        assertFalse(SessionStatus.PAUSED.canTransitionTo(SessionStatus.STALLED));
        assertFalse(SessionStatus.PAUSED.canTransitionTo(SessionStatus.WAITING_CHECKPOINT));
    }

    @Test
    void activeAndTerminalPartitionTheStatuses() {
        EnumSet<SessionStatus> union = EnumSet.copyOf(SessionStatus.ACTIVE);
        union.addAll(SessionStatus.TERMINAL);
        assertEquals(EnumSet.allOf(SessionStatus.class), union);
        for (SessionStatus s : SessionStatus.ACTIVE) {
            assertFalse(SessionStatus.TERMINAL.contains(s));
        }
    }

    @Test
    void wireNamesRoundTripAndUnknownNamesListTheValidOnes() {
        for (SessionStatus s : SessionStatus.values()) {
            assertEquals(s, SessionStatus.fromWireName(s.wireName()));
        }
        assertEquals(SessionStatus.TIMED_OUT, SessionStatus.fromWireName("timed-out"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SessionStatus.fromWireName("zombie"));
        assertTrue(e.getMessage().contains("waiting_checkpoint"), e.getMessage());
    }
}
