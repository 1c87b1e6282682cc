package dev.agentharness.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.core.PendingChunk;
import dev.agentharness.core.Session;
import dev.agentharness.core.StreamType;
import dev.agentharness.core.error.DatabaseBusyException;
import dev.agentharness.core.error.StoreException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ErrorMappingTest {
    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(TestStores.T0);

    @Test
    void aWriterThatWaitsOutTheBusyTimeoutGetsDatabaseBusyWhileReadsGoOn() throws Exception {
        try (SqliteStores stores = TestStores.open(dir, clock, Duration.ofMillis(200))) {
            Session s = stores.sessions().claimSlot(TestStores.spec());
            try (Connection holder = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("harness.db"));
                 Statement st = holder.createStatement()) {
                st.execute("BEGIN IMMEDIATE");
                DatabaseBusyException e = assertThrows(DatabaseBusyException.class,
                        () -> stores.outputs().append(s.id(), StreamType.STDOUT, clock.instant(), "x"));
                assertEquals("the database is locked by another process; waited 0.2 s — try again", e.getMessage());
                assertEquals(s, stores.sessions().get(s.id()).orElseThrow(), "WAL: reading is not blocked by another writer");
                st.execute("ROLLBACK");
            }
            assertEquals(1, stores.outputs().append(s.id(), StreamType.STDOUT, clock.instant(), "x").seq(), "usable again");
        }
    }

    @Test
    void theDefaultBusyMessageSaysFiveSeconds() {
        var errors = new dev.agentharness.store.internal.SqlErrors(dir, Duration.ofSeconds(5));
        var e = errors.translate(new org.sqlite.SQLiteException("[SQLITE_BUSY] The database file is locked (database is locked)",
                org.sqlite.SQLiteErrorCode.SQLITE_BUSY));
        assertTrue(e instanceof DatabaseBusyException);
        assertEquals("the database is locked by another process; waited 5 s — try again", e.getMessage());
    }

    @Test
    void aFullDiskFailsTheWholeBatchWithAOneLineMessageAndTheStoreStaysUsable() {
        try (SqliteStores stores = TestStores.open(dir, clock)) {
            Session s = stores.sessions().claimSlot(TestStores.spec());
            stores.outputs().append(s.id(), StreamType.STDOUT, clock.instant(), "before\n");
            String pages = stores.database().queryColumn("PRAGMA page_count").get(0);
            stores.database().queryColumn("PRAGMA max_page_count = " + (Integer.parseInt(pages) + 2));
            List<PendingChunk> big = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                big.add(new PendingChunk(s.id(), StreamType.STDOUT, clock.instant(), "x".repeat(4096)));
            }
            StoreException e = assertThrows(StoreException.class, () -> stores.outputs().appendBatch(big));
            assertTrue(e.getMessage().startsWith("cannot write the database "), e.getMessage());
            assertTrue(e.getMessage().endsWith(": disk full"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
            assertEquals(1, stores.outputs().size(s.id()).chunks(), "nothing of the batch was stored");
            assertEquals("before\n", stores.outputs().lastLines(s.id(), 5, null));
        }
    }

    /**
     * Regression (torture: a home on a full file system): a COMMIT that fails with SQLITE_FULL makes
     * SQLite roll the transaction back by itself, so the ROLLBACK that follows fails ("no
     * transaction is active"), and sqlite-jdbc finalizes a statement that fails with such errors.
     * The cached ROLLBACK (and COMMIT) then failed every later use with "statement is not
     * executing", so the next failed transaction stayed open: the daemon held the write lock for
     * good and every other process got "database is locked", even after space was freed. Simulated
     * here by rolling back underneath the store, as SQLite does after a full disk.
     */
    @Test
    void diskFullLeavesTheWriteLockHeldForever() throws Exception {
        try (SqliteStores stores = TestStores.open(dir, clock, Duration.ofMillis(200))) {
            Session s = stores.sessions().claimSlot(TestStores.spec());
            var db = stores.database();
            for (int attempt = 0; attempt < 3; attempt++) {
                boolean sqliteRollsBack = attempt == 0;
                StoreException e = assertThrows(StoreException.class, () -> db.inTransaction(() -> {
                    stores.outputs().append(s.id(), StreamType.STDOUT, clock.instant(), "lost\n");
                    if (sqliteRollsBack) {
                        try (Statement raw = db.connection().createStatement()) {
                            raw.execute("ROLLBACK"); // what SQLite does by itself after SQLITE_FULL
                        } catch (java.sql.SQLException x) {
                            throw new AssertionError(x);
                        }
                    }
                    throw new StoreException("cannot write the database: disk full");
                }));
                assertEquals("cannot write the database: disk full", e.getMessage());
            }
            try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("harness.db"));
                 Statement st = other.createStatement()) {
                st.execute("PRAGMA busy_timeout = 0");
                st.execute("BEGIN IMMEDIATE"); // SQLITE_BUSY if a failed transaction still held the lock
                st.execute("ROLLBACK");
            }
            assertEquals(1, stores.outputs().append(s.id(), StreamType.STDOUT, clock.instant(), "after\n").seq(), "writable again");
            assertEquals("after\n", stores.outputs().lastLines(s.id(), 5, null));
        }
    }

    @Test
    void aReadOnlyDatabaseFailsWritesWithAOneLineMessage() {
        try (SqliteStores stores = TestStores.open(dir, clock)) {
            stores.database().execute("PRAGMA query_only = ON");
            StoreException e = assertThrows(StoreException.class, () -> stores.sessions().claimSlot(TestStores.spec()));
            assertTrue(e.getMessage().contains("read-only"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
        }
    }
}
