package dev.agentharness.supervisor;

import static dev.agentharness.supervisor.testing.TestHarness.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.core.EventType;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.supervisor.testing.TestHarness;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A launch that cannot work fails with one line, no stack trace, and frees its slot. */
class LaunchFailureTest {
    @TempDir
    Path dir;
    TestHarness h;

    @BeforeEach
    void start() {
        h = TestHarness.started(dir);
    }

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void aMissingExecutableFailsWithOneLine() {
        Session s = quietly(() -> h.supervisor.startSession(spec(dir, "fooagent", "--help")));
        assertFailed(s, "no such executable: fooagent");
    }

    @Test
    void aFileThatIsNotExecutableFailsWithPermissionDenied() throws Exception {
        Path script = Files.writeString(dir.resolve("agent.sh"), "echo hi\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));
        Session s = quietly(() -> h.supervisor.startSession(spec(dir, "./agent.sh")));
        assertFailed(s, "permission denied: ./agent.sh");
    }

    @Test
    void aCwdThatIsNotADirectoryFailsWithOneLine() {
        Path missing = dir.resolve("no-such-dir");
        Session s = quietly(() -> h.supervisor.startSession(SessionSpec.of(List.of("sh", "-c", "true"), missing.toString())));
        assertFailed(s, "not a directory: " + missing);
    }

    @Test
    void aLaunchFailureThePreflightCannotSeeIsCaughtFromTheExit() throws Exception {
        Path script = Files.writeString(dir.resolve("agent"), "#!/no/such/interpreter\necho hi\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Session s = quietly(() -> {
            Session started = h.supervisor.startSession(spec(dir, "./agent"));
            return h.awaitEnded(started.id());
        });
        assertFailed(s, "no such executable: ./agent");
        assertEquals(127, s.exitCode());
    }

    private void assertFailed(Session s, String reason) {
        assertEquals(SessionStatus.FAILED, s.status());
        assertEquals(reason, s.reason());
        assertFalse(reason.contains("\n"));
        assertTrue(h.stores.sessions().slotOccupants().isEmpty(), "the slot is free again");
        assertEquals(reason, h.event(s.id(), EventType.SPAWN_FAILED).data().get("reason"));
    }

    /** Runs {@code action} and fails if anything printed a stack trace to stderr meanwhile. */
    private static <T> T quietly(Supplier<T> action) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true));
        try {
            return action.get();
        } finally {
            System.setErr(original);
            String err = captured.toString();
            original.print(err);
            assertFalse(err.contains("Exception") || err.contains("\tat "), "stack trace on stderr:\n" + err);
        }
    }
}
