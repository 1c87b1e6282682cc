package dev.agentharness.cli;

import dev.agentharness.store.HarnessHome;
import dev.agentharness.store.SqliteStores;
import java.time.Clock;

/**
 * Opens a home's database for the commands that read (or write) it directly, without the daemon:
 * ps, show, tail, runs, stats, purge, import-legacy. SQLite's own locking makes that safe while a
 * daemon runs; no Guice, no process machinery is loaded on this path.
 */
public final class StoreOpener {
    private final Clock clock;

    public StoreOpener(Clock clock) {
        this.clock = clock;
    }

    public SqliteStores open(HarnessHome home) {
        return SqliteStores.open(home, clock);
    }

    /** For commands that only read: never creates a home, and reads a read-only one without writing. */
    public SqliteStores openToRead(HarnessHome home) {
        return SqliteStores.openToRead(home, clock);
    }
}
