package dev.agentharness.store.internal;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * How instants are stored: ISO-8601 UTC text with exactly three fraction digits
 * ({@code 2025-01-31T12:00:00.000Z}).
 *
 * <p>Fixed width matters: {@link Instant#toString()} drops trailing zero fractions, and then
 * {@code "…:00Z"} sorts after {@code "…:00.500Z"}, which would break every {@code ORDER BY} and
 * range query on a timestamp column. Millisecond precision is all the harness needs, and instants
 * handed back by the stores are truncated the same way so that what a caller gets equals what it
 * would read back later.
 */
public final class Times {
    private static final DateTimeFormatter FIXED =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Times() {
    }

    public static String format(Instant instant) {
        return instant == null ? null : FIXED.format(instant);
    }

    public static Instant parse(String text) {
        return text == null ? null : Instant.parse(text);
    }

    public static Instant truncate(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MILLIS);
    }
}
