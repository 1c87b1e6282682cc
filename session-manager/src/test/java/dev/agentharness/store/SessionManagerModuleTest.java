package dev.agentharness.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.agentharness.core.IdGenerator;
import dev.agentharness.core.Session;
import dev.agentharness.core.store.EventStore;
import dev.agentharness.core.store.OutputStore;
import dev.agentharness.core.store.RunStore;
import dev.agentharness.core.store.SessionStore;
import dev.agentharness.core.store.StartQueue;
import dev.agentharness.core.store.Transactor;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionManagerModuleTest {
    @TempDir
    Path dir;

    @Test
    void bindsEveryStoreToOneSqliteStoresInTheHome() {
        MutableClock clock = new MutableClock(TestStores.T0);
        HarnessHome home = HarnessHome.at(dir.resolve("home"));
        Injector injector = Guice.createInjector(new SessionManagerModule(home), new AbstractModule() {
            @Override
            protected void configure() {
                bind(Clock.class).toInstance(clock);
            }
        });
        try (SqliteStores stores = injector.getInstance(SqliteStores.class)) {
            assertSame(stores, injector.getInstance(SqliteStores.class));
            assertSame(stores.sessions(), injector.getInstance(SessionStore.class));
            assertSame(stores.outputs(), injector.getInstance(OutputStore.class));
            assertSame(stores.runs(), injector.getInstance(RunStore.class));
            assertSame(stores.events(), injector.getInstance(EventStore.class));
            assertSame(stores.queue(), injector.getInstance(StartQueue.class));
            assertSame(stores.transactor(), injector.getInstance(Transactor.class));
            assertSame(stores.ids(), injector.getInstance(IdGenerator.class));
            assertEquals(home.database(), stores.file());
            Session s = injector.getInstance(SessionStore.class).claimSlot(TestStores.spec());
            assertEquals(TestStores.T0, s.createdAt(), "the bound clock is used");
            assertEquals(3, stores.sessions().slotCount());
        }
    }
}
