package dev.agentharness.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.core.Session;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.supervisor.internal.process.ProcInspector;
import dev.agentharness.supervisor.testing.TestHarness;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The terminal status of a session, when the store cannot take it at the moment the agent ends. */
class EndRecordingTest {
    @TempDir
    Path dir;

    /**
     * Regression (torture: a home on a full file system): an end that could not be stored was given
     * up at once ("keeping what the store says"), so the session stayed "running", its slot taken,
     * after its agent was gone, even once the database could be written again. Here the store is
     * made unwritable by another process holding the write lock past the busy timeout (5 s).
     */
    @Test
    void sessionEndIsLostWhenTheStoreCannotWriteIt() throws Exception {
        try (TestHarness h = TestHarness.started(dir)) {
            Session s = h.supervisor.startSession(TestHarness.sh(dir, "sleep 1"));
            int pid = h.session(s.id()).pid();
            try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("harness.db"));
                 Statement st = other.createStatement()) {
                st.execute("BEGIN EXCLUSIVE");
                ProcInspector proc = new ProcInspector();
                TestHarness.await(() -> proc.stat(pid).filter(p -> !p.hasExited()).isEmpty(), "the agent to exit");
                Thread.sleep(6500); // the end was tried, waited out the busy timeout and failed
                assertEquals(SessionStatus.RUNNING, h.session(s.id()).status(), "nothing could be written meanwhile");
                st.execute("ROLLBACK");
            }
            Session ended = h.awaitStatus(s.id(), SessionStatus.COMPLETED);
            assertEquals(0, ended.exitCode());
            assertTrue(h.stores.sessions().slotOccupants().isEmpty(), "its slot is free again");
            assertEquals(ended, h.awaitEnded(s.id()));
        }
    }
}
