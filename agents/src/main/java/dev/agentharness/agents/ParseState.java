package dev.agentharness.agents;

import dev.agentharness.core.AgentUsage;
import dev.agentharness.core.EventType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** What parsing some lines produced: the session's agent facts as they now are, and new events. */
public final class ParseState {

    /** An event to record for the session. */
    public record Event(EventType type, Map<String, Object> data) {
    }

    private AgentUsage usage;
    private final List<Event> events = new ArrayList<>();

    public ParseState(AgentUsage usage) {
        this.usage = Objects.requireNonNull(usage, "usage");
    }

    public AgentUsage usage() {
        return usage;
    }

    public void usage(AgentUsage value) {
        usage = Objects.requireNonNull(value, "usage");
    }

    /** Records an event; {@code keyValues} alternate keys and values, null values are left out. */
    public void event(EventType type, Object... keyValues) {
        Map<String, Object> data = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            if (keyValues[i + 1] != null) {
                data.put((String) keyValues[i], keyValues[i + 1]);
            }
        }
        events.add(new Event(type, data));
    }

    public List<Event> events() {
        return List.copyOf(events);
    }

    /** Forgets the events (after they were written). */
    public void clearEvents() {
        events.clear();
    }
}
