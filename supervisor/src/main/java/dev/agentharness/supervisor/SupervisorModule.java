package dev.agentharness.supervisor;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.multibindings.Multibinder;
import dev.agentharness.agents.AgentOutputFollower;
import dev.agentharness.agents.AgentParsing;
import dev.agentharness.agents.AgentProfiles;
import dev.agentharness.agents.PriceTable;
import dev.agentharness.core.error.HarnessException;
import dev.agentharness.core.store.EventStore;
import dev.agentharness.core.store.OutputStore;
import dev.agentharness.core.store.SessionStore;
import dev.agentharness.core.store.Transactor;
import dev.agentharness.store.HarnessHome;
import dev.agentharness.supervisor.internal.ProcessSupervisor;
import dev.agentharness.supervisor.internal.process.LibC;
import dev.agentharness.supervisor.internal.process.LibcProcessGroupSignaller;
import dev.agentharness.supervisor.internal.process.ProcessGroupSignaller;
import jakarta.inject.Singleton;
import java.util.Objects;
import org.slf4j.LoggerFactory;

/**
 * Binds {@link Supervisor}. Expects from other modules: a {@link java.time.Clock} and the stores
 * ({@code SessionStore}, {@code OutputStore}, {@code EventStore}, {@code StartQueue},
 * {@code Transactor}), as {@code SessionManagerModule} provides them. The {@link HarnessHome} (whose
 * {@code daemon.lock} the supervisor holds) is bound here when given, else expected from elsewhere.
 */
public final class SupervisorModule extends AbstractModule {
    private final SupervisorConfig config;
    private final HarnessHome home;
    private final KeeperMode keepers;

    /** For an injector that binds {@link HarnessHome} itself. */
    public SupervisorModule(SupervisorConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.home = null;
        this.keepers = KeeperMode.inProcess();
    }

    /** Also binds {@code home}. */
    public SupervisorModule(SupervisorConfig config, HarnessHome home) {
        this.config = Objects.requireNonNull(config, "config");
        this.home = Objects.requireNonNull(home, "home");
        this.keepers = KeeperMode.inProcess();
    }

    /** For an injector that binds {@link HarnessHome} itself; agents run under keepers as {@code keepers} says. */
    public SupervisorModule(SupervisorConfig config, KeeperMode keepers) {
        this.config = Objects.requireNonNull(config, "config");
        this.home = null;
        this.keepers = Objects.requireNonNull(keepers, "keepers");
    }

    /** Also binds {@code home}; agents run under keepers as {@code keepers} says (the daemon's way). */
    public SupervisorModule(SupervisorConfig config, HarnessHome home, KeeperMode keepers) {
        this.config = Objects.requireNonNull(config, "config");
        this.home = Objects.requireNonNull(home, "home");
        this.keepers = Objects.requireNonNull(keepers, "keepers");
    }

    @Override
    protected void configure() {
        bind(SupervisorConfig.class).toInstance(config);
        bind(KeeperMode.class).toInstance(keepers);
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

    @Provides
    @Singleton
    AgentProfiles agentProfiles() {
        return new AgentProfiles();
    }

    /** {@code prices.json} in the home over the defaults; a bad file is logged and the defaults used. */
    @Provides
    @Singleton
    PriceTable prices(HarnessHome harnessHome) {
        try {
            return PriceTable.load(harnessHome.dir().resolve(PriceTable.FILE_NAME));
        } catch (HarnessException e) {
            LoggerFactory.getLogger(SupervisorModule.class).warn("{}; using the default prices", e.getMessage());
            return PriceTable.defaultPrices();
        }
    }

    /**
     * The parser of agents' structured output. It shares the stores' connection: its reads are a
     * page of chunks at a time and its writes one small transaction per session per pass, so the
     * output writer waits for it no longer than for any other short statement.
     */
    @Provides
    @Singleton
    AgentOutputFollower agentOutputFollower(SessionStore sessions, OutputStore outputs, EventStore events, Transactor tx,
                                            AgentProfiles profiles, PriceTable prices) {
        return new AgentOutputFollower(sessions, outputs, events, tx, profiles, prices);
    }

    @Provides
    AgentParsing agentParsing(AgentOutputFollower follower) {
        return follower;
    }
}
