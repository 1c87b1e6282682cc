package dev.agentharness.store.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The WAL's bound holds whatever is written, not only output (issue 16, item 4). */
class WalBoundTest {
    private static final long MIB = 1024 * 1024;

    @TempDir
    Path dir;

    /**
     * Commits that carry no output (as a session's status changes do) back to back, with background
     * checkpoints bounded at 1 MiB. Before the fix they counted as nothing: the WAL never started over
     * and took every page written (about 130 MB here; 157 MB in 100 start/stop cycles in the issue).
     */
    @Test
    void statusCommitsCountTowardTheWalBound() throws Exception {
        Path file = dir.resolve("harness.db");
        Path wal = Path.of(file + "-wal");
        long largest = 0;
        try (SqliteDatabase db = SqliteDatabase.open(file, Duration.ofSeconds(5))) {
            db.startBackgroundCheckpoints(MIB);
            for (int i = 0; i < 1000; i++) {
                int n = i;
                db.write(() -> Sql.bind(db.statement("INSERT OR REPLACE INTO harness_settings (name, value) VALUES (?, ?)"),
                        "k" + (n % 64), "v" + n).executeUpdate());
                if (Files.exists(wal)) {
                    largest = Math.max(largest, Files.size(wal));
                }
            }
        }
        // The bound, plus what a pass may lag behind it: a few pages of 64 KiB.
        assertTrue(largest < 16 * MIB, "largest WAL: " + largest / 1024 + " KiB");
    }
}
