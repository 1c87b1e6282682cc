package dev.agentharness.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.core.PendingChunk;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.StreamType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's stores checkpoint on a thread of their own ({@code WalCheckpointer}); the writer's
 * commits never do. These tests write as fast as one thread can, as the output writer does under a
 * flood, and look at what that leaves on disk.
 */
class BackgroundCheckpointTest {
    private static final int CHUNK = 64 * 1024;
    private static final int CHUNKS_PER_BATCH = 64; // 4 MiB, the output writer's batch

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(TestStores.T0);

    @Test
    void theWalStaysBoundedWhileTheWriterNeverPauses() throws Exception {
        long largestWal = 0;
        try (SqliteStores stores = TestStores.open(dir, clock).startBackgroundCheckpoints()) {
            Session s = TestStores.claimAs(stores, TestStores.spec(), SessionStatus.RUNNING, clock);
            Path wal = Path.of(stores.file() + "-wal");
            for (int batch = 0; batch < 96; batch++) { // 384 MiB
                stores.outputs().appendBatch(batch(s, batch));
                largestWal = Math.max(largestWal, Files.size(wal));
            }
            assertEquals(96L * CHUNKS_PER_BATCH * CHUNK, stores.outputs().size(s.id()).bytes());
        }
        // Without the writer's pauses the WAL takes everything written (384 MiB and more): the WAL
        // starts over only when a write finds every frame copied, which never happens while the
        // writer commits back to back. With them it peaks at the pause threshold (32 MiB) plus a
        // batch and the b-tree's pages: 46 MiB measured, on a quiet or a busy machine alike.
        assertTrue(largestWal < 96L * 1024 * 1024, "largest WAL: " + (largestWal >> 20) + " MiB");
    }

    @Test
    void closingCopiesEverythingIntoTheDatabaseAndRemovesTheWal() throws Exception {
        Path file;
        String id;
        try (SqliteStores stores = TestStores.open(dir, clock).startBackgroundCheckpoints()) {
            Session s = TestStores.claimAs(stores, TestStores.spec(), SessionStatus.RUNNING, clock);
            id = s.id();
            file = stores.file();
            for (int batch = 0; batch < 8; batch++) {
                stores.outputs().appendBatch(batch(s, batch));
            }
        }
        assertFalse(Files.exists(Path.of(file + "-wal")), "the WAL is gone after the last close");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("PRAGMA integrity_check")) {
                assertTrue(rs.next());
                assertEquals("ok", rs.getString(1));
            }
            try (ResultSet rs = st.executeQuery("SELECT COUNT(*), SUM(bytes) FROM session_outputs WHERE session_id = '" + id + "'")) {
                assertTrue(rs.next());
                assertEquals(8 * CHUNKS_PER_BATCH, rs.getInt(1));
                assertEquals(8L * CHUNKS_PER_BATCH * CHUNK, rs.getLong(2));
            }
        }
    }

    @Test
    void aReaderHoldingAnOldSnapshotDoesNotHoldUpTheWriter() throws Exception {
        try (SqliteStores stores = TestStores.open(dir, clock).startBackgroundCheckpoints();
             Connection reader = DriverManager.getConnection("jdbc:sqlite:" + stores.file());
             Statement st = reader.createStatement()) {
            Session s = TestStores.claimAs(stores, TestStores.spec(), SessionStatus.RUNNING, clock);
            stores.outputs().appendBatch(batch(s, 0));
            st.execute("BEGIN");
            long seen;
            try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM session_outputs")) {
                seen = rs.getLong(1); // the reader now holds this snapshot until it ends its transaction
            }
            // The WAL cannot start over while the reader stays, so no checkpoint ever catches up: the
            // writer may wait once (MAX_PAUSE), then goes on without waiting.
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                for (int batch = 1; batch < 40; batch++) {
                    stores.outputs().appendBatch(batch(s, batch));
                }
            });
            try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM session_outputs")) {
                assertEquals(seen, rs.getLong(1), "the reader's snapshot is intact");
            }
            st.execute("COMMIT");
            assertEquals(40L * CHUNKS_PER_BATCH * CHUNK, stores.outputs().size(s.id()).bytes());
        }
    }

    private static List<PendingChunk> batch(Session s, int batch) {
        List<PendingChunk> chunks = new ArrayList<>(CHUNKS_PER_BATCH);
        for (int i = 0; i < CHUNKS_PER_BATCH; i++) {
            byte[] text = new byte[CHUNK];
            Arrays.fill(text, (byte) ('a' + (batch + i) % 26));
            text[CHUNK - 1] = '\n';
            chunks.add(new PendingChunk(s.id(), StreamType.STDOUT, TestStores.T0, text));
        }
        return chunks;
    }
}
