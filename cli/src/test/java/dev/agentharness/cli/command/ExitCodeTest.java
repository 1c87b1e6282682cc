package dev.agentharness.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.agentharness.core.Session;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.SessionStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@code run} and {@code wait} exit with, from the session that ended. */
class ExitCodeTest {
    private static final Instant T = Instant.parse("2025-01-01T00:00:00Z");

    private static Session ended(SessionStatus status, Integer exitCode) {
        return Session.starting("01JC8Z6Q7W3N2V5R0A9B8C7D6E", SessionSpec.of(List.of("sleep", "9"), "/"), 1, T).toBuilder()
                .status(status).exitCode(exitCode).startedAt(T).endedAt(T.plusSeconds(1)).build();
    }

    @Test
    void timedOutExitsWith124() {
        assertEquals(124, RunCommand.exitCode(ended(SessionStatus.TIMED_OUT, 143)), "SIGTERM's 143 would look like a stop");
        assertEquals(124, RunCommand.exitCode(ended(SessionStatus.TIMED_OUT, 137)));
        assertEquals(124, RunCommand.exitCode(ended(SessionStatus.TIMED_OUT, null)));
    }

    @Test
    void otherEndsKeepTheAgentsExitCode() {
        assertEquals(143, RunCommand.exitCode(ended(SessionStatus.STOPPED, 143)));
        assertEquals(7, RunCommand.exitCode(ended(SessionStatus.FAILED, 7)));
        assertEquals(0, RunCommand.exitCode(ended(SessionStatus.COMPLETED, 0)));
        assertEquals(1, RunCommand.exitCode(ended(SessionStatus.CRASHED, null)));
    }
}
