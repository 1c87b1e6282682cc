package dev.agentharness.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.core.error.NoFreeSlotException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SessionSpecTest {

    @Test
    void toStringShowsEnvironmentKeysButNeverValues() {
        SessionSpec spec = SessionSpec.of(List.of("claude"), "/tmp").withEnv(Map.of("ANTHROPIC_API_KEY", "sk-secret-123"));
        Session session = Session.starting("01J", spec, 1, Instant.EPOCH);
        for (String text : new String[] {spec.toString(), session.toString()}) {
            assertTrue(text.contains("ANTHROPIC_API_KEY"), text);
            assertFalse(text.contains("sk-secret-123"), text);
        }
    }

    @Test
    void toStringCountsNotificationSinksButNeverShowsThem() {
        SessionSpec spec = SessionSpec.builder(List.of("claude"), "/tmp")
                .notifySinks(List.of("https://hooks.example/T0/hook-secret-456")).build();
        assertTrue(spec.toString().contains("notifySinks=1"), spec.toString());
        assertFalse(spec.toString().contains("hook-secret-456"), spec.toString());
    }

    @Test
    void anEmptyCommandIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> SessionSpec.of(List.of(), "/tmp"));
    }

    @Test
    void noFreeSlotMessageNamesEveryOccupantInSlotOrder() {
        NoFreeSlotException e = new NoFreeSlotException(Map.of(3, "docs", 1, "build-api", 2, "01JXYZ"), null);
        assertEquals("all 3 slots are busy (1: build-api, 2: 01JXYZ, 3: docs)", e.getMessage());
        NoFreeSlotException one = new NoFreeSlotException(Map.of(2, "build-api"), 2);
        assertEquals("slot 2 is busy (build-api)", one.getMessage());
    }

    @Test
    void restartPolicyRestartsOnlyFailuresAndOnlyUpToItsLimit() {
        RestartPolicy policy = RestartPolicy.onFailure(2);
        assertTrue(policy.shouldRestart(SessionStatus.FAILED, 0));
        assertTrue(policy.shouldRestart(SessionStatus.FAILED, 1));
        assertFalse(policy.shouldRestart(SessionStatus.FAILED, 2));
        assertFalse(policy.shouldRestart(SessionStatus.COMPLETED, 0));
        assertFalse(policy.shouldRestart(SessionStatus.STOPPED, 0));
        assertFalse(RestartPolicy.NO.shouldRestart(SessionStatus.FAILED, 0));
    }
}
