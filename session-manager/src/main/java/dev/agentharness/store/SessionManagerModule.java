package dev.agentharness.store;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.agentharness.core.IdGenerator;
import dev.agentharness.core.UlidGenerator;
import dev.agentharness.core.store.EventStore;
import dev.agentharness.core.store.OutputStore;
import dev.agentharness.core.store.RunStore;
import dev.agentharness.core.store.SessionStore;
import dev.agentharness.core.store.NotificationOutbox;
import dev.agentharness.core.store.ProjectStore;
import dev.agentharness.core.store.StartQueue;
import dev.agentharness.core.store.Transactor;
import java.time.Clock;

/**
 * Binds the stores of one harness home. Expects {@link Clock} to be bound elsewhere (the
 * application decides what time it is; tests bind a fixed clock). Whoever creates the injector
 * closes the {@link SqliteStores} singleton on shutdown.
 */
public final class SessionManagerModule extends AbstractModule {
    private final HarnessHome home;

    public SessionManagerModule(HarnessHome home) {
        this.home = home;
    }

    @Provides
    @Singleton
    IdGenerator ids(Clock clock) {
        return new UlidGenerator(clock);
    }

    @Provides
    @Singleton
    SqliteStores stores(Clock clock, IdGenerator ids) {
        home.ensureExists();
        // Whoever injects the stores lives long and writes output: checkpoints must not stall it.
        return SqliteStores.open(home.database(), clock, ids, SqliteStores.DEFAULT_SLOT_COUNT).startBackgroundCheckpoints();
    }

    @Provides
    SessionStore sessions(SqliteStores stores) {
        return stores.sessions();
    }

    @Provides
    OutputStore outputs(SqliteStores stores) {
        return stores.outputs();
    }

    @Provides
    RunStore runs(SqliteStores stores) {
        return stores.runs();
    }

    @Provides
    EventStore events(SqliteStores stores) {
        return stores.events();
    }

    @Provides
    StartQueue queue(SqliteStores stores) {
        return stores.queue();
    }

    @Provides
    ProjectStore projects(SqliteStores stores) {
        return stores.projects();
    }

    @Provides
    NotificationOutbox notifications(SqliteStores stores) {
        return stores.notifications();
    }

    @Provides
    Transactor transactor(SqliteStores stores) {
        return stores.transactor();
    }
}
