package dev.agentharness.supervisor;

import java.time.Duration;
import java.util.List;

/**
 * Tunables of the supervisor, with the defaults a user gets.
 *
 * @param stopGrace             SIGTERM to SIGKILL; 10 s because agents flush transcripts on exit
 * @param stallTimeout          silence after which a session is stalled (per-session override in its spec)
 * @param escalationStop        whether the watchdog stops a session at its last escalation level (off by default)
 * @param checkpointQuiet       quiet time after output before the checkpoint patterns are tried
 * @param checkpointPatterns    regular expressions tried against the ANSI-stripped tail of the output
 * @param batchWindow           the longest output that keeps coming waits before its batch commits
 *                              (output after a quiet spell commits at once)
 * @param batchMaxBytes         a batch commits early when it holds this much text
 * @param sessionBufferBytes    captured-but-uncommitted bytes allowed per session before its reader waits (backpressure)
 * @param orphanGrace           after the agent's main process exits, how long leftover group members get between TERM and KILL
 * @param restartBackoffInitial first delay of the on-failure restart backoff
 * @param restartBackoffMax     the backoff's cap
 * @param restartResetAfter     uptime after which the backoff starts again from the beginning
 */
public record SupervisorConfig(
        Duration stopGrace,
        Duration stallTimeout,
        boolean escalationStop,
        Duration checkpointQuiet,
        List<String> checkpointPatterns,
        Duration batchWindow,
        int batchMaxBytes,
        int sessionBufferBytes,
        Duration orphanGrace,
        Duration restartBackoffInitial,
        Duration restartBackoffMax,
        Duration restartResetAfter) {

    /** The default checkpoint prompts: yes/no questions, permission asks, menus, explicit markers. */
    public static final List<String> DEFAULT_CHECKPOINT_PATTERNS = List.of(
            "\\([yY]/[nN]\\)",
            "\\[[yY]/[nN]\\]",
            "Allow\\?",
            "Press Enter",
            "❯\\s*1\\.",
            "(?m)^CHECKPOINT: *(\\S+)");

    public SupervisorConfig {
        checkpointPatterns = List.copyOf(checkpointPatterns);
    }

    public static SupervisorConfig defaults() {
        return new SupervisorConfig(
                Duration.ofSeconds(10),
                Duration.ofMinutes(5),
                false,
                Duration.ofMillis(300),
                DEFAULT_CHECKPOINT_PATTERNS,
                Duration.ofMillis(20),
                4 << 20,
                8 << 20,
                Duration.ofMillis(300),
                Duration.ofMillis(100),
                Duration.ofSeconds(15),
                Duration.ofSeconds(30));
    }
}
