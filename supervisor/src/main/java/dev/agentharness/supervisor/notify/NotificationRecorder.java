package dev.agentharness.supervisor.notify;

import dev.agentharness.core.EventType;
import dev.agentharness.core.SessionEvent;
import dev.agentharness.core.notify.NotificationEvent;
import dev.agentharness.core.store.NotificationOutbox;
import dev.agentharness.store.HarnessHome;
import dev.agentharness.supervisor.SessionObserver;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns status changes into outbox rows, in the transaction of the change: the notification is
 * durable before anyone tries to send it, and a change that rolls back announces nothing. Then it
 * wakes the {@link NotificationDispatcher}, which delivers off this thread (the watchdog's, the exit
 * watcher's), so no agent or capture ever waits for a webhook.
 */
@Singleton
public final class NotificationRecorder implements SessionObserver {
    private static final Logger LOG = LoggerFactory.getLogger(NotificationRecorder.class);

    private final NotificationOutbox outbox;
    private final HarnessHome home;
    private final NotificationPayloads payloads;
    private final NotificationDispatcher dispatcher;
    private final Clock clock;
    private final AtomicBoolean badConfigLogged = new AtomicBoolean();

    @Inject
    public NotificationRecorder(NotificationOutbox outbox, HarnessHome home, NotificationPayloads payloads,
            NotificationDispatcher dispatcher, Clock clock) {
        this.outbox = outbox;
        this.home = home;
        this.payloads = payloads;
        this.dispatcher = dispatcher;
        this.clock = clock;
    }

    @Override
    public void statusChanged(StatusChange change) {
        Optional<NotificationEvent> event = NotificationEvent.forChange(change.from(), change.to());
        if (event.isEmpty()) {
            return;
        }
        Set<String> sinks = new LinkedHashSet<>();
        NotifyConfig config = config();
        if (config.events().contains(event.get())) {
            config.sinks().forEach(s -> sinks.add(s.raw()));
        }
        for (String own : change.session().spec().notifySinks()) {
            sinks.add(own);
        }
        if (sinks.isEmpty()) {
            return;
        }
        String payload = payloads.build(event.get(), change.session(), change.from(), change.reason(),
                question(change.events()), clock.instant());
        outbox.record(change.session().id(), event.get(), new ArrayList<>(sinks), payload);
        dispatcher.wake();
    }

    private NotifyConfig config() {
        try {
            NotifyConfig c = NotifyConfig.load(home);
            badConfigLogged.set(false);
            return c;
        } catch (RuntimeException e) {
            if (badConfigLogged.compareAndSet(false, true)) {
                LOG.warn("notifications from {} are off until it is fixed: {}", home.config(), e.getMessage());
            }
            return new NotifyConfig(List.of(), Set.of());
        }
    }

    private static String question(List<SessionEvent> events) {
        for (SessionEvent e : events) {
            if (e.type() == EventType.CHECKPOINT && e.data().get("text") instanceof String text) {
                return text;
            }
        }
        return null;
    }
}
