package dev.agentharness.core;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * Totals over every stored session (seeds 002 and 004).
 *
 * @param byStatus        count per status; every status is present, zero when none
 * @param total           all sessions
 * @param successRate     completed / finished, between 0 and 1; 0 when nothing has finished
 * @param averageDuration mean of endedAt - startedAt over finished sessions that started; ZERO when none
 * @param bytesCaptured   output bytes over all sessions
 * @param chunksCaptured  output chunks over all sessions
 */
public record SessionStats(Map<SessionStatus, Long> byStatus, long total, double successRate, Duration averageDuration,
                           long bytesCaptured, long chunksCaptured) {
    public SessionStats {
        EnumMap<SessionStatus, Long> full = new EnumMap<>(SessionStatus.class);
        for (SessionStatus s : SessionStatus.values()) {
            full.put(s, byStatus == null ? 0L : byStatus.getOrDefault(s, 0L));
        }
        byStatus = Collections.unmodifiableMap(full);
    }
}
