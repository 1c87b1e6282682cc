package dev.agentharness.cli.daemon;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import dev.agentharness.store.HarnessHome;
import dev.agentharness.supervisor.SupervisorConfig;
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
        // The supervisor's lock needs the home; SessionManagerModule takes it but does not bind it.
        bind(HarnessHome.class).toInstance(home);
        // Interim: the session-manager and supervisor modules are being written on other branches.
        install(module("dev.agentharness.store.SessionManagerModule", HarnessHome.class, home));
        install(module("dev.agentharness.supervisor.SupervisorModule", SupervisorConfig.class, config));
    }

    private static <A> Module module(String className, Class<A> argType, A arg) {
        try {
            return (Module) Class.forName(className).getConstructor(argType).newInstance(arg);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(className + " is not available yet", e);
        }
    }
}
