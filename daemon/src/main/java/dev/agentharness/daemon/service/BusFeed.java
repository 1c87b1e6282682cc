package dev.agentharness.daemon.service;

import dev.agentharness.service.bus.LiveBus;
import dev.agentharness.supervisor.SessionObserver;
import jakarta.inject.Inject;

/**
 * Feeds the live bus from the supervisor: keepers' commit notices and every status change. A
 * {@link SessionObserver} like the notification recorder, so that the supervisor knows nothing of
 * the bus or its subscribers.
 */
public final class BusFeed implements SessionObserver {
    private final LiveBus bus;

    @Inject
    public BusFeed(LiveBus bus) {
        this.bus = bus;
    }

    @Override
    public void statusChanged(StatusChange change) {
        bus.changed(change.session());
    }

    @Override
    public void outputCommitted(String sessionId) {
        bus.outputCommitted(sessionId);
    }
}
