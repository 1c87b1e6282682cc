package dev.agentharness.core.store;

import dev.agentharness.core.notify.Notification;
import dev.agentharness.core.notify.NotificationEvent;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Notifications waiting to be delivered. An event is recorded here, in the transaction that records
 * the status change it announces, before anyone tries to deliver it: a daemon that dies mid-retry
 * delivers it after its restart. Delivered and abandoned rows stay as a short history.
 */
public interface NotificationOutbox {
    /** Records {@code event} once per sink, due now; returns the rows. */
    List<Notification> record(String sessionId, NotificationEvent event, List<String> sinks, String payload);

    /** Undelivered, not abandoned rows due at {@code now}, oldest first. */
    List<Notification> due(Instant now, int limit);

    /** When the earliest pending row is due, or empty when none is pending. */
    Optional<Instant> nextDue();

    void delivered(long id, String answer);

    /**
     * Records a failed attempt: due again at {@code retryAt}, or abandoned when that is null.
     *
     * @param error one line, already stripped of secrets
     */
    void failed(long id, Instant retryAt, String error);

    /** Deletes delivered and abandoned rows recorded before {@code cutoff}; returns how many. */
    int prune(Instant cutoff);
}
