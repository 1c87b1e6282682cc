package dev.agentharness.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.core.PendingChunk;
import dev.agentharness.core.Session;
import dev.agentharness.core.StreamType;
import dev.agentharness.core.UlidGenerator;
import dev.agentharness.core.error.IncompatibleDatabaseException;
import dev.agentharness.store.internal.Migrations;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpeningTest {
    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(TestStores.T0);

    @Test
    void createsHomeAt0700AndDatabaseWalAndShmAt0600() throws Exception {
        HarnessHome home = HarnessHome.at(dir.resolve("home"));
        try (SqliteStores stores = SqliteStores.open(home, clock)) {
            Session s = stores.sessions().claimSlot(TestStores.spec());
            stores.outputs().appendBatch(List.of(new PendingChunk(s.id(), StreamType.STDOUT, clock.instant(), "hi\n")));
            Path db = home.database();
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.dir())));
            for (Path p : List.of(db, db.resolveSibling("harness.db-wal"), db.resolveSibling("harness.db-shm"))) {
                assertTrue(Files.exists(p), p + " exists while the database is open");
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)), p.toString());
            }
        }
    }

    @Test
    void tightensAnExistingDatabaseThatIsWorldReadable() throws Exception {
        Path db = dir.resolve("harness.db");
        TestStores.open(dir, clock).close();
        Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rw-r--r--"));
        TestStores.open(dir, clock).close();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(db)));
    }

    @Test
    void setsWalNormalSyncBusyTimeoutAndForeignKeys() {
        try (SqliteStores stores = TestStores.open(dir, clock)) {
            var db = stores.database();
            assertEquals(List.of("wal"), db.queryColumn("PRAGMA journal_mode"));
            assertEquals(List.of("1"), db.queryColumn("PRAGMA synchronous"), "1 = NORMAL");
            assertTrue(Integer.parseInt(db.queryColumn("PRAGMA busy_timeout").get(0)) >= 5000);
            assertEquals(List.of("1"), db.queryColumn("PRAGMA foreign_keys"));
        }
    }

    @Test
    void newDatabaseIsAtTheLatestSchemaAndPassesIntegrityCheck() {
        try (SqliteStores stores = TestStores.open(dir, clock)) {
            assertEquals(Migrations.LATEST, stores.schemaVersion());
            assertTrue(Migrations.LATEST >= 2);
            assertEquals("ok", stores.integrityCheck());
        }
    }

    @Test
    void reopeningKeepsDataAndVersion() {
        String id;
        try (SqliteStores stores = TestStores.open(dir, clock)) {
            id = stores.sessions().claimSlot(TestStores.named("keep")).id();
        }
        try (SqliteStores stores = TestStores.open(dir, clock)) {
            assertEquals(id, stores.sessions().getByName("keep").orElseThrow().id());
            assertEquals(Migrations.LATEST, stores.schemaVersion());
        }
    }

    @Test
    void anEmptyFileIsTakenAsANewDatabase() throws Exception {
        Files.createFile(dir.resolve("harness.db"));
        try (SqliteStores stores = TestStores.open(dir, clock)) {
            assertEquals(Migrations.LATEST, stores.schemaVersion());
        }
    }

    @Test
    void refusesAFileThatIsNotSqliteAndLeavesItUntouched() throws Exception {
        Path db = dir.resolve("harness.db");
        Files.writeString(db, "{\"sessions\": []}\n".repeat(20), StandardCharsets.UTF_8);
        byte[] before = sha256(db);
        IncompatibleDatabaseException e = assertThrows(IncompatibleDatabaseException.class, () -> TestStores.open(dir, clock));
        assertTrue(e.getMessage().contains("is not an SQLite database"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertArrayEquals(before, sha256(db));
        assertFalse(Files.exists(dir.resolve("harness.db-wal")));
    }

    @Test
    void refusesATinyFileThatIsNotSqlite() throws Exception {
        Path db = dir.resolve("harness.db");
        Files.writeString(db, "SQLite");
        assertThrows(IncompatibleDatabaseException.class, () -> TestStores.open(dir, clock));
        assertEquals("SQLite", Files.readString(db));
    }

    @Test
    void refusesADatabaseFromANewerVersionAndLeavesItUntouched() throws Exception {
        Path db = dir.resolve("harness.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            st.execute("PRAGMA journal_mode = WAL");
            st.execute("CREATE TABLE sessions (id TEXT PRIMARY KEY, shape TEXT)");
            st.execute("INSERT INTO sessions VALUES ('x', 'from the future')");
            st.execute("PRAGMA user_version = " + (Migrations.LATEST + 7));
        }
        byte[] before = sha256(db);
        IncompatibleDatabaseException e = assertThrows(IncompatibleDatabaseException.class,
                () -> SqliteStores.open(db, clock, new UlidGenerator(clock), 3));
        assertTrue(e.getMessage().contains("newer agent-harness"), e.getMessage());
        assertTrue(e.getMessage().contains("schema version " + (Migrations.LATEST + 7)), e.getMessage());
        assertArrayEquals(before, sha256(db));
    }

    @Test
    void aClosedStoreReportsThatItIsClosed() {
        SqliteStores stores = TestStores.open(dir, clock);
        stores.close();
        var e = assertThrows(dev.agentharness.core.error.StoreException.class, () -> stores.sessions().listActive());
        assertTrue(e.getMessage().contains("closed"));
    }

    static byte[] sha256(Path file) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
    }
}
