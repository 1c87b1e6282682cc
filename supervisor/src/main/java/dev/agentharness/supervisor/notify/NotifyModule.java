package dev.agentharness.supervisor.notify;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.multibindings.Multibinder;
import dev.agentharness.supervisor.SessionObserver;
import jakarta.inject.Singleton;
import java.util.Objects;

/**
 * Lifecycle notifications: installs {@link NotificationRecorder} as a {@link SessionObserver} and
 * provides the {@link NotificationDispatcher}, which whoever owns the process starts (the daemon)
 * or leaves alone (an in-process {@code recover}: its rows wait in the outbox for the daemon).
 * Expects the stores' {@code NotificationOutbox}, a {@code HarnessHome} and a {@code Clock}.
 */
public final class NotifyModule extends AbstractModule {
    private final NotifySettings settings;
    private final String userAgent;

    public NotifyModule(NotifySettings settings, String userAgent) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.userAgent = Objects.requireNonNull(userAgent, "userAgent");
    }

    @Override
    protected void configure() {
        bind(NotifySettings.class).toInstance(settings);
        Multibinder.newSetBinder(binder(), SessionObserver.class).addBinding().to(NotificationRecorder.class);
    }

    @Provides
    @Singleton
    Sinks sinks() {
        return new Sinks(settings, userAgent);
    }

    @Provides
    @Singleton
    NotificationPayloads payloads() {
        return new NotificationPayloads();
    }
}
