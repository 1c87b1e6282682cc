package dev.agentharness.store.internal;

import dev.agentharness.core.error.HarnessException;
import dev.agentharness.core.error.StoreException;
import dev.agentharness.core.store.Transactor;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * One SQLite connection shared by all stores of a {@link dev.agentharness.store.SqliteStores}.
 *
 * <p><b>Why one connection and a lock.</b> SQLite serialises writers per database anyway, and a
 * connection is not safe for concurrent use, so a pool would only add connections that wait for
 * each other. Instead every access, read or write, holds a {@link ReentrantLock} for as long as it
 * uses the connection (better-sqlite3's synchronous model). Readers in <em>other processes</em>
 * are unaffected: in WAL mode they read a snapshot while this connection writes.
 *
 * <p><b>Why BEGIN IMMEDIATE with autocommit on.</b> Writers take the write lock up front, so a
 * transaction never starts as a reader and fails to upgrade ({@code SQLITE_BUSY} without waiting
 * for the busy timeout). JDBC's {@code setAutoCommit(false)} would instead open a deferred
 * transaction around every plain read and hold a WAL snapshot between calls; so autocommit stays
 * on and transactions are begun and ended by statements. Nested calls join the outer transaction
 * through a SAVEPOINT, so an inner failure that the outer work catches undoes only the inner
 * writes.
 *
 * <p>Statements are prepared once per SQL text and kept (an LRU of {@value #MAX_STATEMENTS}, as a
 * few queries are built from filters).
 */
public final class SqliteDatabase implements Transactor, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SqliteDatabase.class);

    public static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(5);
    static final int MAX_STATEMENTS = 128;
    /**
     * New databases use 64 KiB pages, the largest SQLite has. Output is appended text in chunks of
     * up to 64 KiB: with 4 KiB pages every such chunk spills into overflow pages of its own, and
     * every page costs a WAL frame header, a checksum pass and system calls twice (WAL, then
     * checkpoint). 32 KiB pages measured 1.4-1.8x the throughput of 4 KiB on appendBatch; 64 KiB
     * took the writer's CPU per GiB from 1.4 s to 1.1 s again (bulk 64 KiB chunks, plain
     * sqlite-jdbc). The price is more bytes per small commit. Existing databases keep their page
     * size: changing it needs a VACUUM, which is not worth a stall at start-up.
     */
    static final int PAGE_SIZE = 65536;
    /** Truncate the WAL back to this after a checkpoint instead of leaving it at its largest. */
    static final long JOURNAL_SIZE_LIMIT = 64L * 1024 * 1024;
    /** Page cache of this connection, in KiB. */
    static final int CACHE_KIB = 16 * 1024;
    /** With background checkpoints, the writer waits for them once the WAL holds this much. */
    static final long WAL_PAUSE_BYTES = 32L * 1024 * 1024;

    private final Path file;
    private final Duration busyTimeout;
    private final SqlErrors errors;
    /**
     * Fair, so that threads polling in a loop (a daemon serving several {@code logs -f} clients)
     * cannot keep barging in ahead of the thread that stores output.
     */
    private final ReentrantLock lock = new ReentrantLock(true);
    private final WriteTurns turns;
    private final Connection conn;
    private final Map<String, PreparedStatement> statements;
    private int depth; // transaction nesting; guarded by lock
    private boolean closed; // guarded by lock
    private WalCheckpointer checkpointer; // null unless started; guarded by lock
    private long transactionBytes; // payload written in the current transaction; guarded by lock

    private SqliteDatabase(Path file, Duration busyTimeout, Connection conn) {
        this.file = file;
        this.busyTimeout = busyTimeout;
        this.turns = new WriteTurns(WriteTurns.of(file));
        this.errors = new SqlErrors(file, busyTimeout);
        this.conn = conn;
        this.statements = new LinkedHashMap<>(32, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
                if (size() > MAX_STATEMENTS) {
                    closeQuietly(eldest.getValue());
                    return true;
                }
                return false;
            }
        };
    }

    /**
     * Opens {@code file}, creating it with mode 0600 when missing, refusing it (untouched) when it is
     * not SQLite or has a newer schema, and migrating it to {@link Migrations#LATEST}.
     */
    public static SqliteDatabase open(Path file, Duration busyTimeout) {
        return open(file, busyTimeout, Migrations.LATEST);
    }

    /** As {@link #open(Path, Duration)}, migrating only up to {@code targetVersion} (for building old fixtures). */
    public static SqliteDatabase open(Path file, Duration busyTimeout, int targetVersion) {
        Path absolute = file.toAbsolutePath().normalize();
        SqlErrors errors = new SqlErrors(absolute, busyTimeout);
        boolean fresh = DatabaseFile.prepare(absolute, Migrations.LATEST);
        Connection conn;
        try {
            conn = connectionConfig(busyTimeout).createConnection("jdbc:sqlite:" + absolute);
        } catch (SQLException e) {
            throw errors.translate(e);
        }
        try {
            // Only reads until we know the file is ours: the header may have been stale (WAL).
            DatabaseFile.checkVersion(absolute, Migrations.userVersion(conn), Migrations.LATEST);
            DatabaseFile.tightenPermissions(absolute);
            try (Statement st = conn.createStatement()) {
                if (fresh) {
                    st.execute("PRAGMA page_size = " + PAGE_SIZE);
                    // SQLite keeps the cache's page COUNT it computed for the old page size, so
                    // without this a new database got a 128 MiB cache instead of 16 MiB (found by
                    // the memory benchmark; the pragma reads back the same either way).
                    st.execute("PRAGMA cache_size = " + (-CACHE_KIB));
                }
                String mode;
                try (ResultSet rs = st.executeQuery("PRAGMA journal_mode = WAL")) {
                    mode = rs.next() ? rs.getString(1) : "unknown";
                }
                if (!"wal".equalsIgnoreCase(mode)) {
                    log.warn("{}: SQLite kept journal mode {} instead of WAL; readers will block the writer", absolute, mode);
                }
                st.execute("PRAGMA journal_size_limit = " + JOURNAL_SIZE_LIMIT);
            }
            Migrations.migrate(conn, targetVersion);
            return new SqliteDatabase(absolute, busyTimeout, conn);
        } catch (SQLException e) {
            closeQuietly(conn);
            throw errors.translate(e);
        } catch (RuntimeException e) {
            closeQuietly(conn);
            throw e;
        }
    }

    /**
     * Opens an existing database for reading only, for a home that cannot be written (a read-only
     * file system): nothing is created, migrated or tightened. SQLite reads a WAL database read-only
     * when its {@code -shm} and {@code -wal} files exist or can be created; when neither is possible
     * (a home shut down cleanly and then mounted read-only), it is opened as immutable, which is
     * safe there because nobody can write to it either.
     */
    public static SqliteDatabase openReadOnly(Path file, Duration busyTimeout) {
        Path absolute = file.toAbsolutePath().normalize();
        SqlErrors errors = new SqlErrors(absolute, busyTimeout);
        if (!java.nio.file.Files.isRegularFile(absolute)) {
            throw new StoreException("there is no database at " + absolute + " and its home is read-only");
        }
        if (DatabaseFile.prepare(absolute, Migrations.LATEST)) {
            throw new StoreException(absolute + " is empty and its home is read-only");
        }
        Connection conn = null;
        try {
            SQLiteConfig config = connectionConfig(busyTimeout);
            config.setReadOnly(true);
            try {
                conn = config.createConnection("jdbc:sqlite:" + absolute);
                Migrations.userVersion(conn); // opens the file, and the WAL index if it can
                try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM sqlite_master")) {
                    rs.next();
                }
            } catch (SQLException walUnreadable) {
                closeQuietly(conn);
                conn = config.createConnection("jdbc:sqlite:file:" + absolute + "?immutable=1");
            }
            int version = Migrations.userVersion(conn);
            DatabaseFile.checkVersion(absolute, version, Migrations.LATEST);
            if (version < Migrations.LATEST) {
                throw new StoreException(absolute + " needs an upgrade by a newer harness (schema version " + version
                        + " of " + Migrations.LATEST + "), which a read-only home cannot take");
            }
            return new SqliteDatabase(absolute, busyTimeout, conn);
        } catch (SQLException e) {
            closeQuietly(conn);
            throw errors.translate(e);
        } catch (RuntimeException e) {
            closeQuietly(conn);
            throw e;
        }
    }

    /** Connection-level settings only: none of them writes to the file. */
    private static SQLiteConfig connectionConfig(Duration busyTimeout) {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, busyTimeout.toMillis()));
        config.enforceForeignKeys(true);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setCacheSize(-CACHE_KIB);
        return config;
    }

    public Path file() {
        return file;
    }

    /**
     * From now on, checkpoints run on a thread of their own instead of inside this connection's
     * commits (see {@link WalCheckpointer}): for a long-lived writer such as the daemon. Idempotent.
     */
    public void startBackgroundCheckpoints() {
        startBackgroundCheckpoints(WAL_PAUSE_BYTES);
    }

    /** As {@link #startBackgroundCheckpoints()}, with the WAL's bound given (for tests). */
    void startBackgroundCheckpoints(long pauseBytes) {
        lock.lock();
        try {
            ensureOpen();
            if (checkpointer != null) {
                return;
            }
            try (Statement st = conn.createStatement()) {
                st.execute("PRAGMA wal_autocheckpoint = 0");
            }
            checkpointer = WalCheckpointer.start(file, busyTimeout, pauseBytes);
        } catch (SQLException e) {
            throw errors.translate(e);
        } finally {
            lock.unlock();
        }
    }

    /** Runs read-only work under the lock; reads inside a transaction of this thread join it. */
    public <T> T read(SqlWork<T> work) {
        lock.lock();
        try {
            ensureOpen();
            return work.run();
        } catch (SQLException e) {
            forgetStatements();
            throw errors.translate(e);
        } finally {
            lock.unlock();
        }
    }

    /** Runs work in a write transaction (joining the current one, if any). */
    public <T> T write(SqlWork<T> work) {
        return inTransaction(() -> {
            try {
                return work.run();
            } catch (SQLException e) {
                throw errors.translate(e);
            }
        });
    }

    @Override
    public <T> T inTransaction(Supplier<T> work) {
        lock.lock();
        try {
            ensureOpen();
            return depth == 0 ? outermost(work) : nested(work);
        } finally {
            lock.unlock();
        }
    }

    private <T> T outermost(Supplier<T> work) {
        if (checkpointer != null) {
            checkpointer.awaitRoom();
        }
        T result;
        try (WriteTurns.Turn turn = turns.take()) {
            result = transaction(work);
        }
        if (checkpointer != null) {
            checkpointer.committed(transactionBytes);
        }
        return result;
    }

    /** BEGIN IMMEDIATE, the work, COMMIT (or ROLLBACK when it fails), during this writer's turn. */
    private <T> T transaction(Supplier<T> work) {
        control("BEGIN IMMEDIATE");
        depth = 1;
        transactionBytes = 0;
        T result;
        try {
            result = work.get();
        } catch (RuntimeException | Error e) {
            depth = 0;
            rollbackAfter(e, "ROLLBACK");
            throw e;
        }
        depth = 0;
        try {
            statement("COMMIT").execute();
        } catch (SQLException e) {
            HarnessException translated = errors.translate(e);
            rollbackAfter(translated, "ROLLBACK");
            throw translated;
        }
        return result;
    }

    private <T> T nested(Supplier<T> work) {
        String savepoint = "nested_" + depth;
        control("SAVEPOINT " + savepoint);
        depth++;
        T result;
        try {
            result = work.get();
        } catch (RuntimeException | Error e) {
            depth--;
            rollbackAfter(e, "ROLLBACK TO " + savepoint, "RELEASE " + savepoint);
            throw e;
        }
        depth--;
        control("RELEASE " + savepoint);
        return result;
    }

    private void control(String sql) {
        try {
            statement(sql).execute();
        } catch (SQLException e) {
            forgetStatements();
            throw errors.translate(e);
        }
    }

    /**
     * Undoes after a failure, with statements of its own: sqlite-jdbc finalizes a statement that
     * fails with most errors (a full disk, I/O, "no transaction is active"), after which it only
     * says "statement is not executing". A cached ROLLBACK that had died that way left the next
     * failed transaction open, holding the write lock against every other process for good.
     */
    private void rollbackAfter(Throwable failure, String... sqls) {
        forgetStatements();
        for (String sql : sqls) {
            try (Statement st = conn.createStatement()) {
                st.execute(sql);
            } catch (SQLException e) {
                // SQLite rolls back by itself after some errors (disk full, I/O); then there is nothing to undo.
                if (!String.valueOf(e.getMessage()).contains("no transaction is active")) {
                    failure.addSuppressed(e);
                }
            }
        }
    }

    /** Closes every cached statement: after a failure any of them may have been finalized underneath. */
    private void forgetStatements() {
        for (PreparedStatement ps : statements.values()) {
            closeQuietly(ps);
        }
        statements.clear();
    }

    /**
     * The current write transaction stores about {@code bytes} of payload: bulk writers (output)
     * say so, so that background checkpoints can keep the WAL bounded. Only inside {@link #write}.
     */
    public void wrote(long bytes) {
        if (lock.isHeldByCurrentThread() && depth > 0) {
            transactionBytes += bytes;
        }
    }

    /** The prepared statement for {@code sql}, prepared on first use. Only while holding the lock. */
    public PreparedStatement statement(String sql) throws SQLException {
        if (!lock.isHeldByCurrentThread()) {
            throw new IllegalStateException("statement() outside read/write");
        }
        PreparedStatement ps = statements.get(sql);
        if (ps == null) {
            ps = conn.prepareStatement(sql);
            statements.put(sql, ps);
        }
        return ps;
    }

    /** The SQL texts prepared so far (for query-plan checks). */
    public List<String> preparedSql() {
        lock.lock();
        try {
            return new ArrayList<>(statements.keySet());
        } finally {
            lock.unlock();
        }
    }

    /** Rows of a PRAGMA or other one-off query, first column, as text. */
    public List<String> queryColumn(String sql) {
        return read(() -> {
            List<String> rows = new ArrayList<>();
            try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                while (rs.next()) {
                    rows.add(rs.getString(1));
                }
            }
            return rows;
        });
    }

    /** Runs a one-off statement that returns no rows (a PRAGMA setting, for instance). */
    public void execute(String sql) {
        read(() -> {
            try (Statement st = conn.createStatement()) {
                st.execute(sql);
            }
            return null;
        });
    }

    /** The raw connection, for tests and one-off statements; only while holding the lock. */
    public Connection connection() {
        if (!lock.isHeldByCurrentThread()) {
            throw new IllegalStateException("connection() outside read/write");
        }
        return conn;
    }

    public int userVersion() {
        return read(() -> Migrations.userVersion(conn));
    }

    private void ensureOpen() {
        if (closed) {
            throw new StoreException("the database " + file + " is closed");
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (checkpointer != null) {
                // First: the last connection to close checkpoints and removes the WAL.
                checkpointer.close();
                checkpointer = null;
            }
            for (PreparedStatement ps : statements.values()) {
                closeQuietly(ps);
            }
            statements.clear();
            try {
                conn.close();
            } catch (SQLException e) {
                log.warn("closing {} failed: {}", file, SqlErrors.detail(e));
            }
            turns.close();
        } finally {
            lock.unlock();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            log.debug("close failed", e);
        }
    }
}
