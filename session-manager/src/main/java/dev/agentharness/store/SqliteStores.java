package dev.agentharness.store;

import dev.agentharness.core.IdGenerator;
import dev.agentharness.core.LegacyImportReport;
import dev.agentharness.core.UlidGenerator;
import dev.agentharness.core.store.EventStore;
import dev.agentharness.core.store.OutputStore;
import dev.agentharness.core.store.RunStore;
import dev.agentharness.core.store.SessionStore;
import dev.agentharness.core.store.NotificationOutbox;
import dev.agentharness.core.store.ProjectStore;
import dev.agentharness.core.store.StartQueue;
import dev.agentharness.core.store.Transactor;
import dev.agentharness.store.internal.JsonCodec;
import dev.agentharness.store.internal.LegacyImporter;
import dev.agentharness.store.internal.SqliteDatabase;
import dev.agentharness.store.internal.SqliteEventStore;
import dev.agentharness.store.internal.SqliteOutputStore;
import dev.agentharness.store.internal.SqliteRunStore;
import dev.agentharness.store.internal.SqliteSessionStore;
import dev.agentharness.store.internal.SqliteNotificationOutbox;
import dev.agentharness.store.internal.SqliteProjectStore;
import dev.agentharness.store.internal.SqliteStartQueue;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * All stores over one SQLite database file, opened together and sharing one connection.
 *
 * <p>Safe for use from many threads (every access is serialised on the connection) and from
 * several processes on the same file (WAL: readers never block the writer; writers wait up to the
 * busy timeout, 5 s, for each other). {@link #transactor()} groups writes to several stores into
 * one transaction.
 */
public final class SqliteStores implements AutoCloseable {
    /** The slots of a harness home opened with {@link #open(HarnessHome, Clock)}. */
    public static final int DEFAULT_SLOT_COUNT = 3;

    private final SqliteDatabase db;
    private final IdGenerator ids;
    private final SqliteSessionStore sessions;
    private final SqliteOutputStore outputs;
    private final SqliteRunStore runs;
    private final SqliteEventStore events;
    private final SqliteStartQueue queue;
    private final SqliteProjectStore projects;
    private final SqliteNotificationOutbox notifications;
    private final LegacyImporter legacy;

    private SqliteStores(SqliteDatabase db, Clock clock, IdGenerator ids, int slotCount) {
        JsonCodec json = new JsonCodec();
        this.db = db;
        this.ids = ids;
        this.sessions = new SqliteSessionStore(db, clock, ids, json, slotCount);
        this.outputs = new SqliteOutputStore(db);
        this.runs = new SqliteRunStore(db, clock, ids);
        this.events = new SqliteEventStore(db, clock, json);
        this.queue = new SqliteStartQueue(db, clock, json);
        this.projects = new SqliteProjectStore(db, clock, json);
        this.notifications = new SqliteNotificationOutbox(db, clock);
        this.legacy = new LegacyImporter(db, sessions, events, json, ids, clock, slotCount);
    }

    /** Opens (creating and migrating as needed) {@code home}'s database; the home is created 0700 first. */
    public static SqliteStores open(HarnessHome home, Clock clock) {
        home.ensureExists();
        return open(home.database(), clock, new UlidGenerator(clock), DEFAULT_SLOT_COUNT);
    }

    /**
     * Opens an existing home's database for reading, as commands that only read do: a missing home
     * is reported, never created (a mistyped {@code HARNESS_HOME} would otherwise turn into an empty
     * home that shows no sessions), and a home that cannot be written (a read-only file system) is
     * read without writing anything. Otherwise as {@link #open(HarnessHome, Clock)}.
     */
    public static SqliteStores openToRead(HarnessHome home, Clock clock) {
        home.requireExisting();
        if (home.isWritable()) {
            return open(home, clock);
        }
        SqliteDatabase db = SqliteDatabase.openReadOnly(home.database(), SqliteDatabase.DEFAULT_BUSY_TIMEOUT);
        return new SqliteStores(db, clock, new UlidGenerator(clock), DEFAULT_SLOT_COUNT);
    }

    /** Opens (creating and migrating as needed) the database at {@code file}. */
    public static SqliteStores open(Path file, Clock clock, IdGenerator ids, int slotCount) {
        return open(file, clock, ids, slotCount, SqliteDatabase.DEFAULT_BUSY_TIMEOUT);
    }

    /** As above with another busy timeout: for tests that provoke a busy database without waiting 5 s. */
    static SqliteStores open(Path file, Clock clock, IdGenerator ids, int slotCount, Duration busyTimeout) {
        if (slotCount < 1) {
            throw new IllegalArgumentException("slotCount must be at least 1");
        }
        SqliteDatabase db = SqliteDatabase.open(file, busyTimeout);
        try {
            recordSlotCount(db, slotCount);
            return new SqliteStores(db, clock, ids, slotCount);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    /** The database's slot-range trigger reads the slot count; it follows the most recent opener. */
    private static void recordSlotCount(SqliteDatabase db, int slotCount) {
        String read = "SELECT value FROM harness_settings WHERE name = 'slot_count'";
        int stored = db.read(() -> {
            try (ResultSet rs = db.statement(read).executeQuery()) {
                return rs.next() ? rs.getInt(1) : -1;
            }
        });
        if (stored != slotCount) {
            db.write(() -> {
                var ps = db.statement("UPDATE harness_settings SET value = ? WHERE name = 'slot_count'");
                ps.setInt(1, slotCount);
                return ps.executeUpdate();
            });
        }
    }

    /**
     * Checkpoints the WAL on a background thread from now on, rather than inside the commits of
     * whoever writes (see {@code WalCheckpointer}): for long-lived writers such as the daemon, whose
     * output writer would otherwise wait for the checkpoint's fsyncs. Returns this.
     */
    public SqliteStores startBackgroundCheckpoints() {
        db.startBackgroundCheckpoints();
        return this;
    }

    /**
     * Shrinks this connection's page cache to {@code kib}: for a process that only appends (a
     * keeper), where the default cache, sized for the daemon's and readers' queries, is memory spent
     * for nothing. Returns this.
     */
    public SqliteStores withCacheKib(int kib) {
        db.execute("PRAGMA cache_size = " + (-Math.max(64, kib)));
        return this;
    }

    public SessionStore sessions() {
        return sessions;
    }

    public OutputStore outputs() {
        return outputs;
    }

    public RunStore runs() {
        return runs;
    }

    public EventStore events() {
        return events;
    }

    public ProjectStore projects() {
        return projects;
    }

    public NotificationOutbox notifications() {
        return notifications;
    }

    public StartQueue queue() {
        return queue;
    }

    /** Nested write transactions across all of these stores. */
    public Transactor transactor() {
        return db;
    }

    /** The generator these stores make ids with; share it so that all ids of a process increase together. */
    public IdGenerator ids() {
        return ids;
    }

    /** The database file. */
    public Path file() {
        return db.file();
    }

    /** {@code PRAGMA integrity_check}: "ok", or the problems it found, separated by "; ". */
    public String integrityCheck() {
        List<String> rows = db.queryColumn("PRAGMA integrity_check");
        return String.join("; ", rows);
    }

    /** The schema version ({@code PRAGMA user_version}) of the open database. */
    public int schemaVersion() {
        return db.userVersion();
    }

    /** Imports a legacy {@code sessions.json} (seed 000 or seed 003 shapes) in one transaction. */
    public LegacyImportReport importLegacy(Path sessionsJson) {
        return legacy.importFile(sessionsJson);
    }

    /** For tests of this package: the connection wrapper. */
    SqliteDatabase database() {
        return db;
    }

    @Override
    public void close() {
        db.close();
    }

}
