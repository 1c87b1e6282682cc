package dev.agentharness.store.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When {@link WalCheckpointer} runs a pass, seen from the database file it copies into. */
class WalCheckpointerTest {
    private static final long MIB = 1024 * 1024;

    @TempDir
    Path dir;

    /**
     * With passes an hour apart, only the bytes committed since the last pass can start one: the
     * first pass runs at once, the second only if a pass's worth of commits wakes it.
     */
    @Test
    void aFloodStartsAPassWithoutWaitingForTheInterval() throws Exception {
        Path db = dir.resolve("flood.db");
        try (Connection writer = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement st = writer.createStatement()) {
            st.execute("PRAGMA journal_mode = WAL");
            st.execute("PRAGMA wal_autocheckpoint = 0");
            st.execute("CREATE TABLE t (b BLOB)");
            try (WalCheckpointer checkpointer = WalCheckpointer.start(db, Duration.ofSeconds(5), Long.MAX_VALUE, MIB,
                    Duration.ofHours(1))) {
                for (int round = 1; round <= 3; round++) {
                    st.execute("INSERT INTO t VALUES (zeroblob(2 * 1024 * 1024))");
                    checkpointer.committed(2 * MIB);
                    long wanted = round * 2 * MIB;
                    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                    while (Files.size(db) < wanted && System.nanoTime() - deadline < 0) {
                        Thread.sleep(10);
                    }
                    assertTrue(Files.size(db) >= wanted,
                            "round " + round + ": the database file holds " + Files.size(db) + " bytes, not yet " + wanted);
                }
            }
        }
    }
}
