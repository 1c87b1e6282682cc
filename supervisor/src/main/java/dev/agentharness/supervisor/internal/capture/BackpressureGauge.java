package dev.agentharness.supervisor.internal.capture;

import jakarta.inject.Singleton;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts readers waiting on their {@link ByteBudget}. A waiting reader holds a NuProcess thread that
 * other agents may share, so while anyone waits, silence on some other agent's pipe proves nothing:
 * its bytes may simply not have been read yet. The end-of-session logic asks here before it gives up
 * on a pipe that does not close.
 */
@Singleton
public final class BackpressureGauge {
    private final AtomicInteger waitingNow = new AtomicInteger();
    private final AtomicLong waitsStarted = new AtomicLong();

    void enter() {
        waitsStarted.incrementAndGet();
        waitingNow.incrementAndGet();
    }

    void exit() {
        waitingNow.decrementAndGet();
    }

    public int waitingNow() {
        return waitingNow.get();
    }

    /** Increases every time a reader starts waiting. */
    public long waitsStarted() {
        return waitsStarted.get();
    }
}
