package dev.agentharness.supervisor.internal.lifecycle;

import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** The sessions whose agents this supervisor runs right now, by id. */
@Singleton
public final class LiveSessions {
    private final ConcurrentHashMap<String, LiveSession> byId = new ConcurrentHashMap<>();
    private final Object registration = new Object();

    /**
     * Runs {@code claim} and registers its result atomically with respect to {@link #owned()}, so a
     * reconcile never mistakes a session that is being started for an orphan.
     */
    public LiveSession register(Supplier<LiveSession> claim) {
        synchronized (registration) {
            LiveSession live = claim.get();
            byId.put(live.id(), live);
            return live;
        }
    }

    public void remove(LiveSession live) {
        byId.remove(live.id(), live);
    }

    public Optional<LiveSession> get(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    public List<LiveSession> all() {
        return List.copyOf(byId.values());
    }

    /** The ids owned right now; see {@link #register}. */
    public Set<String> owned() {
        synchronized (registration) {
            return Set.copyOf(byId.keySet());
        }
    }

    public boolean isEmpty() {
        return byId.isEmpty();
    }
}
