package dev.agentharness.store;

import dev.agentharness.core.IdGenerator;
import dev.agentharness.core.UlidGenerator;
import dev.agentharness.core.store.EventStore;
import dev.agentharness.core.store.OutputStore;
import dev.agentharness.core.store.RunStore;
import dev.agentharness.core.store.SessionStore;
import dev.agentharness.core.store.StartQueue;
import dev.agentharness.core.store.Transactor;
import java.nio.file.Path;
import java.time.Clock;

/**
 * All stores over one SQLite database file, opened together. (Contract stub: the session-manager
 * work fills it in; the signatures are what the supervisor and CLI build on.)
 */
public final class SqliteStores implements AutoCloseable {

    /** Opens (creating and migrating as needed) {@code home}'s database; the home is created 0700 first. */
    public static SqliteStores open(HarnessHome home, Clock clock) {
        home.ensureExists();
        return open(home.database(), clock, new UlidGenerator(clock), 3);
    }

    /** Opens (creating and migrating as needed) the database at {@code file}. */
    public static SqliteStores open(Path file, Clock clock, IdGenerator ids, int slotCount) {
        throw new UnsupportedOperationException("session-manager not implemented yet");
    }

    public SessionStore sessions() {
        throw new UnsupportedOperationException();
    }

    public OutputStore outputs() {
        throw new UnsupportedOperationException();
    }

    public RunStore runs() {
        throw new UnsupportedOperationException();
    }

    public EventStore events() {
        throw new UnsupportedOperationException();
    }

    public StartQueue queue() {
        throw new UnsupportedOperationException();
    }

    /** Nested write transactions across all of these stores. */
    public Transactor transactor() {
        throw new UnsupportedOperationException();
    }

    /** {@code PRAGMA integrity_check}: "ok", or the problems it found. */
    public String integrityCheck() {
        throw new UnsupportedOperationException();
    }

    /** The schema version ({@code PRAGMA user_version}) of the open database. */
    public int schemaVersion() {
        throw new UnsupportedOperationException();
    }

    /** Imports a legacy {@code sessions.json} (seed 000 or seed 003 shapes). */
    public dev.agentharness.core.LegacyImportReport importLegacy(Path sessionsJson) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() {
    }
}
