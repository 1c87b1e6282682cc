package dev.agentharness.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.core.Session;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.StreamType;
import dev.agentharness.supervisor.internal.capture.BackpressureGauge;
import dev.agentharness.supervisor.internal.capture.ByteBudget;
import dev.agentharness.supervisor.internal.lifecycle.LiveSessions;
import dev.agentharness.supervisor.testing.JavaCommand;
import dev.agentharness.supervisor.testing.TestHarness;
import dev.agentharness.supervisor.testing.Utf8WriterMain;
import java.io.BufferedWriter;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When the database cannot keep up (here: another process holds its write lock), the agent is made
 * to wait in write(2) instead of the harness buffering without limit; nothing is lost.
 */
class BackpressureTest {
    private static final int BUDGET = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void aBlockedDatabaseHoldsTheAgentBackWithinItsBudgetAndLosesNothing() throws Exception {
        SupervisorConfig d = TestHarness.fastConfig();
        SupervisorConfig config = new SupervisorConfig(d.stopGrace(), d.stallTimeout(), false, d.checkpointQuiet(),
                d.checkpointPatterns(), d.batchWindow(), 256 << 10, BUDGET, d.orphanGrace(), d.restartBackoffInitial(),
                d.restartBackoffMax(), d.restartResetAfter());
        try (TestHarness h = TestHarness.started(dir, Clock.systemUTC(), config)) {
            Path hash = dir.resolve("writer.sha256");
            long bytes = 24 << 20;
            // The agent starts writing only once the file "go" exists, i.e. once the database is locked.
            String writer = String.join(" ", JavaCommand.of(Utf8WriterMain.class, "77", Long.toString(bytes), hash.toString()));
            Session s = h.supervisor.startSession(TestHarness.sh(dir, "while [ ! -e go ]; do sleep 0.05; done; exec " + writer));
            ByteBudget budget;
            try (Connection blocker = DriverManager.getConnection("jdbc:sqlite:" + h.home.database());
                 Statement st = blocker.createStatement()) {
                st.execute("BEGIN IMMEDIATE"); // holds the write lock: the harness cannot commit
                Files.createFile(dir.resolve("go"));
                budget = h.get(LiveSessions.class).get(s.id()).orElseThrow().pump().budget();
                TestHarness.await(() -> h.get(BackpressureGauge.class).waitingNow() > 0, "the reader to wait on its budget");
                Thread.sleep(1500);
                assertTrue(h.get(LiveSessions.class).get(s.id()).isPresent(), "the writer is held back, not finished");
                assertTrue(budget.peak() <= BUDGET + 2 * 65536, "buffered " + budget.peak() + " bytes");
                st.execute("ROLLBACK");
            }
            Session ended = h.supervisor.whenEnded(s.id()).get(2, TimeUnit.MINUTES);
            assertEquals(SessionStatus.COMPLETED, ended.status());
            String[] expected = Files.readString(hash).trim().split(" ");
            assertEquals(expected[0], sha256(h, s.id()));
            assertTrue(budget.peak() <= BUDGET + 2 * 65536, "buffered " + budget.peak() + " bytes");
        }
    }

    private static String sha256(TestHarness h, String id) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (Writer w = new BufferedWriter(new OutputStreamWriter(new DigestOutputStream(OutputStream.nullOutputStream(), sha),
                StandardCharsets.UTF_8))) {
            h.stores.outputs().writeFull(id, Set.of(StreamType.STDOUT), w);
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
