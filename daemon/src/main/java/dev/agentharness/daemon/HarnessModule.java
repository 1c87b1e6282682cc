package dev.agentharness.daemon;

import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import dev.agentharness.core.store.OutputStore;
import dev.agentharness.daemon.service.BusFeed;
import dev.agentharness.service.bus.LiveBus;
import dev.agentharness.supervisor.SessionObserver;

import com.google.inject.AbstractModule;
import dev.agentharness.store.HarnessHome;
import dev.agentharness.store.SessionManagerModule;
import dev.agentharness.supervisor.SupervisorConfig;
import dev.agentharness.supervisor.SupervisorModule;
import dev.agentharness.supervisor.notify.NotifyModule;
import dev.agentharness.supervisor.notify.NotifySettings;
import dev.agentharness.service.HarnessVersion;
import java.time.Clock;

/**
 * The daemon's whole object graph: the system clock, the SQLite stores of one home, the
 * supervisor over them and its lifecycle notifications. Only the daemon (and {@code harness recover} without one) builds it;
 * read-only commands never load Guice.
 */
public final class HarnessModule extends AbstractModule {
    private final HarnessHome home;
    private final SupervisorConfig config;
    private final NotifySettings notify;

    public HarnessModule(HarnessHome home, SupervisorConfig config) {
        this(home, config, NotifySettings.defaults());
    }

    public HarnessModule(HarnessHome home, SupervisorConfig config, NotifySettings notify) {
        this.home = home;
        this.config = config;
        this.notify = notify;
    }

    @Override
    protected void configure() {
        bind(Clock.class).toInstance(Clock.systemUTC());
        install(new SessionManagerModule(home));
        // Also binds the home, whose daemon.lock the supervisor holds.
        install(new SupervisorModule(config, home, KeeperCommand.mode(home, System.getenv())));
        install(new NotifyModule(notify, "agent-harness/" + HarnessVersion.current()));
        Multibinder.newSetBinder(binder(), SessionObserver.class).addBinding().to(BusFeed.class);
    }

    /** One bus per daemon; it reads committed output back through the daemon's own store. */
    @Provides
    @Singleton
    LiveBus liveBus(OutputStore outputs) {
        return new LiveBus(outputs);
    }
}
