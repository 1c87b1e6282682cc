package dev.agentharness.core.notify;

import java.time.Instant;
import java.util.Objects;

/**
 * One delivery in the outbox: an event for one sink. The payload is final when recorded, so a
 * retry after a daemon restart sends exactly what the first attempt would have.
 *
 * @param id            the outbox row, increasing
 * @param sessionId     the session it is about (null for {@code harness notify test})
 * @param event         what happened
 * @param sink          where it goes ({@code cmd:/path} or a URL); may hold a secret, never log it whole
 * @param payload       the JSON body
 * @param createdAt     when it was recorded
 * @param attempts      delivery attempts so far
 * @param nextAttemptAt when it is due
 */
public record Notification(long id, String sessionId, NotificationEvent event, String sink, String payload,
        Instant createdAt, int attempts, Instant nextAttemptAt) {
    public Notification {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(sink, "sink");
        Objects.requireNonNull(payload, "payload");
    }

    @Override
    public String toString() {
        return "Notification[id=" + id + ", sessionId=" + sessionId + ", event=" + event + ", attempts=" + attempts + "]";
    }
}
