package dev.agentharness.daemon;

import dev.agentharness.service.bus.LiveBus;

import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.ProvisionException;
import com.google.inject.Stage;
import com.google.inject.spi.Message;
import dev.agentharness.core.error.HarnessException;
import dev.agentharness.store.HarnessHome;
import dev.agentharness.store.SqliteStores;
import dev.agentharness.supervisor.Supervisor;
import dev.agentharness.supervisor.SupervisorConfig;
import dev.agentharness.supervisor.notify.NotificationDispatcher;
import java.util.Collection;

/**
 * A supervisor with the stores it runs on and the notification dispatcher (which only the daemon
 * starts), built by Guice from {@link HarnessModule}.
 */
public record SupervisorWiring(Supervisor supervisor, SqliteStores stores, NotificationDispatcher notifications, LiveBus bus)
        implements AutoCloseable {

    /**
     * @throws HarnessException the user-facing error (a database that cannot be used, a home that is
     *         not ours) rather than Guice's report around it
     */
    public static SupervisorWiring create(HarnessHome home, SupervisorConfig config) {
        home.ensureExists();
        Injector injector;
        try {
            injector = Guice.createInjector(Stage.PRODUCTION, new HarnessModule(home, config));
            return new SupervisorWiring(injector.getInstance(Supervisor.class), injector.getInstance(SqliteStores.class),
                    injector.getInstance(NotificationDispatcher.class), injector.getInstance(LiveBus.class));
        } catch (CreationException e) {
            throw userFacing(e.getErrorMessages(), e);
        } catch (ProvisionException e) {
            throw userFacing(e.getErrorMessages(), e);
        }
    }

    private static RuntimeException userFacing(Collection<Message> messages, RuntimeException wrapper) {
        for (Message m : messages) {
            for (Throwable c = m.getCause(); c != null; c = c.getCause()) {
                if (c instanceof HarnessException h) {
                    return h;
                }
            }
        }
        return wrapper;
    }

    /** Closes the dispatcher (if it was started) and the stores; the supervisor must have been shut down first. */
    @Override
    public void close() {
        notifications.close();
        bus.close();
        stores.close();
    }
}
