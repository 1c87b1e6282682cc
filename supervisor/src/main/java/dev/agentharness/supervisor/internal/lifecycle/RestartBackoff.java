package dev.agentharness.supervisor.internal.lifecycle;

import dev.agentharness.supervisor.SupervisorConfig;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;

/**
 * pm2's exponential restart backoff: the first restart waits {@code restartBackoffInitial} (100 ms),
 * each further quick failure 1.5 times longer, up to {@code restartBackoffMax} (15 s); a run that
 * stayed up for {@code restartResetAfter} (30 s) starts the sequence over.
 */
public final class RestartBackoff {
    static final double FACTOR = 1.5;

    private final Duration initial;
    private final Duration max;
    private final Duration resetAfter;

    @Inject
    public RestartBackoff(SupervisorConfig config) {
        this(config.restartBackoffInitial(), config.restartBackoffMax(), config.restartResetAfter());
    }

    public RestartBackoff(Duration initial, Duration max, Duration resetAfter) {
        this.initial = initial;
        this.max = max;
        this.resetAfter = resetAfter;
    }

    /**
     * @param uptimesNewestFirst how long the runs of the restart chain lasted, the one that just
     *                           failed first
     * @return how long to wait before the next restart
     */
    public Duration delayFor(List<Duration> uptimesNewestFirst) {
        int quickFailures = 0;
        for (Duration up : uptimesNewestFirst) {
            if (up.compareTo(resetAfter) >= 0) {
                break;
            }
            quickFailures++;
        }
        double ms = initial.toMillis() * Math.pow(FACTOR, Math.max(0, quickFailures - 1));
        return ms >= max.toMillis() ? max : Duration.ofMillis(Math.round(ms));
    }
}
