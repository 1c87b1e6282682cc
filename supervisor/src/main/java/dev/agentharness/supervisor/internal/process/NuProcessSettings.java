package dev.agentharness.supervisor.internal.process;

/**
 * NuProcess reads its tuning from system properties once, when its event processor class loads, so
 * they must be set before the first agent is spawned. An explicit {@code -D} on the command line
 * always wins.
 */
public final class NuProcessSettings {
    /**
     * How often NuProcess polls for the exit of a process whose pipes have closed. Its default,
     * 250 ms, made every session end up to a quarter second late (found by the capture benchmark);
     * 100 ms is the least it accepts.
     */
    static final String DEAD_POOL_POLL_MS = "com.zaxxer.nuprocess.deadPoolPollMs";

    private NuProcessSettings() {
    }

    public static void applyDefaults() {
        if (System.getProperty(DEAD_POOL_POLL_MS) == null) {
            System.setProperty(DEAD_POOL_POLL_MS, "100");
        }
    }
}
