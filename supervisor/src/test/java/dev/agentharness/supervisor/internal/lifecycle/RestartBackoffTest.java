package dev.agentharness.supervisor.internal.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RestartBackoffTest {
    private final RestartBackoff backoff = new RestartBackoff(Duration.ofMillis(100), Duration.ofSeconds(15), Duration.ofSeconds(30));
    private static final Duration QUICK = Duration.ofSeconds(1);

    @Test
    void growsByHalfForEachQuickFailure() {
        assertEquals(Duration.ofMillis(100), backoff.delayFor(List.of(QUICK)));
        assertEquals(Duration.ofMillis(150), backoff.delayFor(List.of(QUICK, QUICK)));
        assertEquals(Duration.ofMillis(225), backoff.delayFor(List.of(QUICK, QUICK, QUICK)));
    }

    @Test
    void isCappedAtTheMaximum() {
        assertEquals(Duration.ofSeconds(15), backoff.delayFor(java.util.Collections.nCopies(40, QUICK)));
    }

    @Test
    void aLongRunResetsTheSequence() {
        assertEquals(Duration.ofMillis(100), backoff.delayFor(List.of(Duration.ofMinutes(2), QUICK, QUICK)));
        assertEquals(Duration.ofMillis(150), backoff.delayFor(List.of(QUICK, QUICK, Duration.ofMinutes(2), QUICK)));
    }
}
