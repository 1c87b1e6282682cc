package dev.agentharness.cli.daemon;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Stage;
import dev.agentharness.store.HarnessHome;
import dev.agentharness.store.SqliteStores;
import dev.agentharness.supervisor.Supervisor;
import dev.agentharness.supervisor.SupervisorConfig;

/** A supervisor with the stores it runs on, built by Guice from {@link HarnessModule}. */
public record SupervisorWiring(Supervisor supervisor, SqliteStores stores) implements AutoCloseable {

    public static SupervisorWiring create(HarnessHome home, SupervisorConfig config) {
        home.ensureExists();
        Injector injector = Guice.createInjector(Stage.PRODUCTION, new HarnessModule(home, config));
        return new SupervisorWiring(injector.getInstance(Supervisor.class), injector.getInstance(SqliteStores.class));
    }

    /** Closes the stores; the supervisor must have been shut down first. */
    @Override
    public void close() {
        stores.close();
    }
}
