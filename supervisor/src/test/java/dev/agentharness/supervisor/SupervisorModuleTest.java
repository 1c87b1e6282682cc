package dev.agentharness.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.store.HarnessHome;
import dev.agentharness.store.SessionManagerModule;
import dev.agentharness.store.SqliteStores;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The supervisor wired the way the daemon wires it: SessionManagerModule, SupervisorModule and a clock. */
class SupervisorModuleTest {
    @TempDir
    Path dir;

    @Test
    void runsASessionWhenWiredWithTheSessionManagerModule() throws Exception {
        HarnessHome home = HarnessHome.at(dir.resolve("home"));
        Injector injector = Guice.createInjector(new SessionManagerModule(home),
                new SupervisorModule(SupervisorConfig.defaults(), home), new AbstractModule() {
                    @Override
                    protected void configure() {
                        bind(Clock.class).toInstance(Clock.systemUTC());
                    }
                });
        try (SqliteStores stores = injector.getInstance(SqliteStores.class)) {
            Supervisor supervisor = injector.getInstance(Supervisor.class);
            supervisor.start();
            try {
                Session s = supervisor.startSession(SessionSpec.of(List.of("sh", "-c", "echo wired"), dir.toString()));
                assertEquals(SessionStatus.COMPLETED, supervisor.whenEnded(s.id()).get(30, TimeUnit.SECONDS).status());
            } finally {
                supervisor.close();
            }
        }
    }
}
