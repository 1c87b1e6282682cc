package dev.agentharness.supervisor;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.multibindings.Multibinder;
import dev.agentharness.store.HarnessHome;
import dev.agentharness.supervisor.internal.ProcessSupervisor;
import dev.agentharness.supervisor.internal.process.LibC;
import dev.agentharness.supervisor.internal.process.LibcProcessGroupSignaller;
import dev.agentharness.supervisor.internal.process.ProcessGroupSignaller;
import jakarta.inject.Singleton;
import java.util.Objects;

/**
 * Binds {@link Supervisor}. Expects from other modules: a {@link java.time.Clock} and the stores
 * ({@code SessionStore}, {@code OutputStore}, {@code EventStore}, {@code StartQueue},
 * {@code Transactor}), as {@code SessionManagerModule} provides them. The {@link HarnessHome} (whose
 * {@code daemon.lock} the supervisor holds) is bound here when given, else expected from elsewhere.
 */
public final class SupervisorModule extends AbstractModule {
    private final SupervisorConfig config;
    private final HarnessHome home;

    /** For an injector that binds {@link HarnessHome} itself. */
    public SupervisorModule(SupervisorConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.home = null;
    }

    /** Also binds {@code home}. */
    public SupervisorModule(SupervisorConfig config, HarnessHome home) {
        this.config = Objects.requireNonNull(config, "config");
        this.home = Objects.requireNonNull(home, "home");
    }

    @Override
    protected void configure() {
        bind(SupervisorConfig.class).toInstance(config);
        if (home != null) {
            bind(HarnessHome.class).toInstance(home);
        }
        bind(Supervisor.class).to(ProcessSupervisor.class);
        bind(ProcessGroupSignaller.class).to(LibcProcessGroupSignaller.class);
        // Declared here so that the set exists with no observers; other modules add theirs.
        Multibinder.newSetBinder(binder(), SessionObserver.class);
    }

    @Provides
    @Singleton
    LibC libc() {
        return LibC.load();
    }
}
