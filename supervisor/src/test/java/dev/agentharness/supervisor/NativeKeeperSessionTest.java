package dev.agentharness.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.core.Session;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.supervisor.testing.TestHarness;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The keeper contract against the native keeper (src/main/c/harness-keeper.c). Skips with a notice
 * when this build could not make it (no gcc or sqlite3.h: see scripts/build-native.sh).
 */
class NativeKeeperSessionTest extends KeeperContract {
    private Path keeper;

    @BeforeEach
    void requireNativeKeeper() {
        keeper = TestHarness.nativeKeeper();
        Assumptions.assumeTrue(keeper != null,
                "NOTICE: the native keeper was not built (target/harness-keeper; needs gcc and libsqlite3-dev): its contract tests skip");
    }

    @Override
    protected List<String> keeperCommand() {
        return List.of(keeper.toString());
    }

    /**
     * The native keeper's chunks fill a 64 KiB page each, row and all. With 64 KiB chunks every row
     * spilled into an overflow page and left an 8 KiB cell in a leaf page besides: a flood's database
     * grew by 1.16 times its bytes. (The JVM keeper still stores 64 KiB chunks.)
     */
    @Test
    void aFloodTakesLittleMoreRoomThanItsBytes() throws Exception {
        long bytes = 32L << 20;
        try (TestHarness t = TestHarness.startedWithKeepers(dir, keeperCommand())) {
            long before = pages();
            Session s = t.supervisor.startSession(TestHarness.sh(dir, "head -c " + bytes + " /dev/zero | tr '\\0' x"));
            Session ended = t.awaitEnded(s.id());
            assertEquals(SessionStatus.COMPLETED, ended.status());
            assertEquals(bytes, ended.outputBytes());
            long grown = (pages() - before) * 65536;
            assertTrue(grown < bytes * 105 / 100, "the database grew by " + grown + " bytes for " + bytes);
        }
    }

    /** The database's pages, committed ones in the WAL included, as a reader sees them. */
    private long pages() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + dir.resolve("harness.db") + "?mode=ro");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("PRAGMA page_count")) {
            return rs.getLong(1);
        }
    }
}
