package dev.agentharness.cli.daemon;

import com.google.inject.AbstractModule;
import dev.agentharness.store.HarnessHome;
import dev.agentharness.store.SessionManagerModule;
import dev.agentharness.supervisor.SupervisorConfig;
import dev.agentharness.supervisor.SupervisorModule;
import java.time.Clock;

/**
 * The daemon's whole object graph: the system clock, the SQLite stores of one home and the
 * supervisor over them. Only the daemon (and {@code harness recover} without one) builds it;
 * read-only commands never load Guice.
 */
public final class HarnessModule extends AbstractModule {
    private final HarnessHome home;
    private final SupervisorConfig config;

    public HarnessModule(HarnessHome home, SupervisorConfig config) {
        this.home = home;
        this.config = config;
    }

    @Override
    protected void configure() {
        bind(Clock.class).toInstance(Clock.systemUTC());
        install(new SessionManagerModule(home));
        // Also binds the home, whose daemon.lock the supervisor holds.
        install(new SupervisorModule(config, home));
    }
}
