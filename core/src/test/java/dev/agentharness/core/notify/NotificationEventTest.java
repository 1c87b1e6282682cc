package dev.agentharness.core.notify;

import static dev.agentharness.core.SessionStatus.COMPLETED;
import static dev.agentharness.core.SessionStatus.CRASHED;
import static dev.agentharness.core.SessionStatus.FAILED;
import static dev.agentharness.core.SessionStatus.PAUSED;
import static dev.agentharness.core.SessionStatus.RUNNING;
import static dev.agentharness.core.SessionStatus.STALLED;
import static dev.agentharness.core.SessionStatus.STARTING;
import static dev.agentharness.core.SessionStatus.STOPPED;
import static dev.agentharness.core.SessionStatus.TIMED_OUT;
import static dev.agentharness.core.SessionStatus.WAITING_CHECKPOINT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which status changes are announced, and as what. */
class NotificationEventTest {
    @Test
    void eachAnnouncedChangeMapsToItsEvent() {
        assertEquals(Optional.of(NotificationEvent.STARTED), NotificationEvent.forChange(STARTING, RUNNING));
        assertEquals(Optional.of(NotificationEvent.PAUSED), NotificationEvent.forChange(RUNNING, PAUSED));
        assertEquals(Optional.of(NotificationEvent.RESUMED), NotificationEvent.forChange(PAUSED, RUNNING));
        assertEquals(Optional.of(NotificationEvent.WAITING), NotificationEvent.forChange(RUNNING, WAITING_CHECKPOINT));
        assertEquals(Optional.of(NotificationEvent.COMPLETED), NotificationEvent.forChange(RUNNING, COMPLETED));
        assertEquals(Optional.of(NotificationEvent.FAILED), NotificationEvent.forChange(STARTING, FAILED));
        assertEquals(Optional.of(NotificationEvent.TIMED_OUT), NotificationEvent.forChange(STALLED, TIMED_OUT));
        assertEquals(Optional.of(NotificationEvent.CRASHED), NotificationEvent.forChange(RUNNING, CRASHED));
        assertEquals(Optional.of(NotificationEvent.STOPPED), NotificationEvent.forChange(PAUSED, STOPPED));
        assertEquals("timed_out", NotificationEvent.TIMED_OUT.wireName());
    }

    @Test
    void routineChangesAreNotAnnounced() {
        assertEquals(Optional.empty(), NotificationEvent.forChange(RUNNING, STALLED));
        assertEquals(Optional.empty(), NotificationEvent.forChange(STALLED, RUNNING));
        assertEquals(Optional.empty(), NotificationEvent.forChange(WAITING_CHECKPOINT, RUNNING));
        assertEquals(Optional.empty(), NotificationEvent.forChange(RUNNING, RUNNING));
    }
}
