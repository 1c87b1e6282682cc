package dev.agentharness.supervisor;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import dev.agentharness.supervisor.internal.ProcessSupervisor;
import dev.agentharness.supervisor.internal.process.LibC;
import dev.agentharness.supervisor.internal.process.LibcProcessGroupSignaller;
import dev.agentharness.supervisor.internal.process.ProcessGroupSignaller;
import jakarta.inject.Singleton;
import java.util.Objects;

/**
 * Binds {@link Supervisor}. Expects from other modules: a {@link java.time.Clock}, the stores
 * ({@code SessionStore}, {@code OutputStore}, {@code EventStore}, {@code StartQueue},
 * {@code Transactor}) and the {@code HarnessHome}, as {@code SessionManagerModule} provides them.
 */
public final class SupervisorModule extends AbstractModule {
    private final SupervisorConfig config;

    public SupervisorModule(SupervisorConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    protected void configure() {
        bind(SupervisorConfig.class).toInstance(config);
        bind(Supervisor.class).to(ProcessSupervisor.class);
        bind(ProcessGroupSignaller.class).to(LibcProcessGroupSignaller.class);
    }

    @Provides
    @Singleton
    LibC libc() {
        return LibC.load();
    }
}
