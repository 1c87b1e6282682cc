package dev.agentharness.supervisor.notify;

import dev.agentharness.core.notify.NotificationEvent;
import dev.agentharness.store.HarnessHome;
import dev.agentharness.store.HomeConfig;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The notification settings of the home's {@code config} file:
 * <pre>
 * notify = https://hooks.example.com/T000/B000/XXXX   # repeatable: every sink gets every event
 * notify = cmd:/home/me/bin/notify-desktop
 * notify.events = waiting, failed, crashed            # optional; default: all of them
 * </pre>
 * Read at each event, so an edit applies from the next one without restarting the daemon.
 *
 * @param sinks  sinks for every session
 * @param events the events sent to the home's sinks (a session's own {@code --notify} sinks get all)
 */
public record NotifyConfig(List<SinkAddress> sinks, Set<NotificationEvent> events) {
    public static final String SINK_KEY = "notify";
    public static final String EVENTS_KEY = "notify.events";

    public NotifyConfig {
        sinks = List.copyOf(sinks);
        events = events.isEmpty() ? Set.of() : Set.copyOf(events);
    }

    /** @throws IllegalArgumentException for a sink or event that does not parse, naming the key */
    public static NotifyConfig from(HomeConfig config) {
        List<SinkAddress> sinks = new ArrayList<>();
        for (String s : config.all(SINK_KEY)) {
            sinks.add(SinkAddress.parse(s));
        }
        Set<NotificationEvent> events = EnumSet.allOf(NotificationEvent.class);
        String only = config.get(EVENTS_KEY);
        if (only != null && !only.isBlank()) {
            events = EnumSet.noneOf(NotificationEvent.class);
            for (String e : only.split(",")) {
                try {
                    events.add(NotificationEvent.fromWireName(e));
                } catch (IllegalArgumentException bad) {
                    throw new IllegalArgumentException(EVENTS_KEY + ": unknown event '" + e.strip() + "'");
                }
            }
        }
        return new NotifyConfig(sinks, events);
    }

    public static NotifyConfig load(HarnessHome home) {
        return from(HomeConfig.read(home.config()));
    }
}
