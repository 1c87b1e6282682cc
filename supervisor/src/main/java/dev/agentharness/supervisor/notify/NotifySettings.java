package dev.agentharness.supervisor.notify;

import java.time.Duration;

/**
 * How hard delivery tries.
 *
 * @param timeout        one attempt: the HTTP request, or the command's run
 * @param firstRetry     the delay after the first failure; each next one doubles
 * @param maxRetryDelay  the doubling's cap
 * @param maxAttempts    after this many failed attempts the notification is abandoned (and logged)
 * @param workers        deliveries in flight at once: a slow sink never holds up the others
 * @param keepFor        delivered and abandoned rows are pruned after this long
 */
public record NotifySettings(Duration timeout, Duration firstRetry, Duration maxRetryDelay, int maxAttempts, int workers,
        Duration keepFor) {

    /** Eight attempts over about four minutes: a webhook endpoint's restart, not an outage, is what retries are for. */
    public static NotifySettings defaults() {
        return new NotifySettings(Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofMinutes(1), 8, 4,
                Duration.ofDays(7));
    }

    public NotifySettings withRetries(Duration first, Duration max, int attempts) {
        return new NotifySettings(timeout, first, max, attempts, workers, keepFor);
    }

    /** The delay after {@code failures} failed attempts (1 for the first). */
    public Duration retryDelay(int failures) {
        Duration d = firstRetry;
        for (int i = 1; i < failures && d.compareTo(maxRetryDelay) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(maxRetryDelay) > 0 ? maxRetryDelay : d;
    }
}
