package dev.agentharness.supervisor;

import static dev.agentharness.supervisor.testing.TestHarness.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.core.EventType;
import dev.agentharness.core.RestartPolicy;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionQuery;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.error.HarnessException;
import dev.agentharness.supervisor.testing.TestHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agent profiles in the supervisor, with a stand-in for Claude Code: a script called {@code claude}
 * that prints stream-json lines with the session id it was given and fails (or, when resumed,
 * succeeds).
 */
class AgentResumeTest {
    @TempDir
    Path dir;

    /** Prints init and result lines like Claude Code's; exits 1 unless it was resumed. */
    private Path fakeClaude() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path script = bin.resolve("claude");
        Files.writeString(script, """
                #!/bin/sh
                sid=none; resumed=no
                while [ $# -gt 0 ]; do
                  case "$1" in
                    --session-id) sid="$2"; shift ;;
                    --resume) sid="$2"; resumed=yes; shift ;;
                  esac
                  shift
                done
                echo "{\\"type\\":\\"system\\",\\"subtype\\":\\"init\\",\\"session_id\\":\\"$sid\\",\\"model\\":\\"fake-model\\"}"
                if [ "$resumed" = yes ]; then
                  echo "{\\"type\\":\\"result\\",\\"subtype\\":\\"success\\",\\"is_error\\":false,\\"num_turns\\":2,\\"session_id\\":\\"$sid\\",\\"total_cost_usd\\":0.5,\\"usage\\":{\\"input_tokens\\":3,\\"output_tokens\\":4}}"
                  exit 0
                fi
                echo "{\\"type\\":\\"result\\",\\"subtype\\":\\"error_during_execution\\",\\"is_error\\":true,\\"num_turns\\":1,\\"session_id\\":\\"$sid\\",\\"total_cost_usd\\":0.25,\\"usage\\":{\\"input_tokens\\":1,\\"output_tokens\\":2}}"
                exit 1
                """);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    private SessionSpec claude(Path script, String prompt) {
        return SessionSpec.builder(List.of(script.toString(), "-p", prompt, "--output-format", "stream-json", "--verbose"),
                dir.toString()).build();
    }

    @Test
    void theProfileIsDecidedByTheExecutableAndTheSessionIdIsChosenUpFront() throws Exception {
        Path script = fakeClaude();
        try (TestHarness h = TestHarness.started(dir)) {
            Session s = h.supervisor.startSession(claude(script, "fix it"));
            assertEquals("claude", s.agent().agent());
            String id = s.agent().agentSessionId();
            assertEquals(36, id.length(), "a UUID, known before the first line");
            assertEquals(List.of(script.toString(), "--session-id", id, "-p", "fix it", "--output-format", "stream-json",
                    "--verbose"), s.command());
            h.awaitEnded(s.id());
            await(() -> "error_during_execution".equals(h.session(s.id()).agent().resultStatus()), "the result parsed");
            Session done = h.session(s.id());
            assertEquals(id, done.agent().agentSessionId());
            assertEquals("fake-model", done.agent().model());
            assertEquals(0.25, done.agent().costUsd());
            assertTrue(h.eventTypes(s.id()).contains(EventType.TURN_RESULT));
        }
    }

    @Test
    void resumeContinuesTheConversationInANewLinkedSession() throws Exception {
        Path script = fakeClaude();
        try (TestHarness h = TestHarness.started(dir)) {
            Session first = h.supervisor.startSession(claude(script, "fix it").withName("api"));
            h.awaitEnded(first.id());
            String id = first.agent().agentSessionId();
            Session resumed = h.supervisor.resumeConversation(first.id(), "now the docs");
            assertEquals(List.of(script.toString(), "--resume", id, "-p", "--output-format", "stream-json", "--verbose",
                    "now the docs"), resumed.command());
            assertEquals(first.id(), resumed.resumeOf());
            assertEquals(first.id(), resumed.restartOf());
            assertEquals("api-r1", resumed.name());
            assertEquals(dir.toString(), resumed.cwd());
            assertEquals(SessionStatus.COMPLETED, h.awaitEnded(resumed.id()).status());
            await(() -> "success".equals(h.session(resumed.id()).agent().resultStatus()), "the result parsed");
            assertEquals(id, h.session(resumed.id()).agent().agentSessionId());
            assertTrue(h.eventTypes(first.id()).contains(EventType.RESUMED_AS));
        }
    }

    @Test
    void aRunningOrUnknownAgentCannotBeResumed() throws Exception {
        try (TestHarness h = TestHarness.started(dir)) {
            Session plain = h.supervisor.startSession(TestHarness.sh(dir, "echo hi"));
            h.awaitEnded(plain.id());
            HarnessException e = assertThrows(HarnessException.class, () -> h.supervisor.resumeConversation(plain.id(), null));
            assertTrue(e.getMessage().contains("not a known agent"), e.getMessage());
            Session running = h.supervisor.startSession(TestHarness.spec(dir, "sleep", "30"));
            e = assertThrows(HarnessException.class, () -> h.supervisor.resumeConversation(running.id(), "x"));
            assertTrue(e.getMessage().contains("only a finished session's conversation can be resumed"), e.getMessage());
            h.supervisor.stop(running.id(), Duration.ZERO, true).get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void onCrashResumesAFailureWithAResumableIdByItself() throws Exception {
        Path script = fakeClaude();
        try (TestHarness h = TestHarness.started(dir)) {
            Session first = h.supervisor.startSession(claude(script, "fix it").withRestartPolicy(RestartPolicy.onCrash(1)));
            await(() -> h.stores.sessions().list(SessionQuery.ALL).stream().anyMatch(s -> first.id().equals(s.resumeOf())),
                    "the automatic resume");
            Session resumed = h.stores.sessions().list(SessionQuery.ALL).stream()
                    .filter(s -> first.id().equals(s.resumeOf())).findFirst().orElseThrow();
            assertEquals(List.of(script.toString(), "--resume", first.agent().agentSessionId(), "-p", "--output-format",
                    "stream-json", "--verbose", "Continue where you left off."), resumed.command());
            assertEquals(SessionStatus.COMPLETED, h.awaitEnded(resumed.id()).status());
        }
    }

    @Test
    void onCrashNeverResumesAUsersStop() throws Exception {
        Path sleeper = Files.createDirectories(dir.resolve("bin")).resolve("agent-sleep");
        Files.writeString(sleeper, "#!/bin/sh\nexec sleep 30\n");
        Files.setPosixFilePermissions(sleeper, PosixFilePermissions.fromString("rwx------"));
        try (TestHarness h = TestHarness.started(dir)) {
            Session s = h.supervisor.startSession(SessionSpec.builder(List.of(sleeper.toString()), dir.toString()).agent("claude")
                    .restartPolicy(RestartPolicy.onCrash(3)).build());
            assertTrue(s.agent().agentSessionId() != null, "resumable: its id was chosen up front");
            assertEquals(SessionStatus.STOPPED, h.supervisor.stop(s.id(), Duration.ZERO, true).get(30, TimeUnit.SECONDS).status());
            h.supervisor.startSession(TestHarness.sh(dir, "echo marker"));
            // The follower settles the stopped session; nothing is started for it.
            await(() -> h.stores.sessions().agentParseCursor(s.id()).orElseThrow().done(), "parsed");
            assertEquals(2, h.stores.sessions().list(SessionQuery.ALL).size());
        }
    }

    /**
     * Regression (issue 13): {@code harness recover} with no daemon reconciled a crashed on-crash
     * session and resumed nothing, and no later daemon did (the session was no longer active).
     */
    @Test
    void reconcileOnceQueuesACrashedOnCrashSessionsResumeOnceAndStartsNothing() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        String id = "01LOST00000000000000000000";
        try (TestHarness h = TestHarness.open(dir, java.time.Clock.systemUTC(), TestHarness.fastConfig())) {
            java.time.Instant now = java.time.Instant.now();
            SessionSpec spec = SessionSpec.builder(List.of("claude", "--session-id", "sid-1", "-p", "fix it"), dir.toString())
                    .name("lost").agent("claude").agentSessionId("sid-1").restartPolicy(RestartPolicy.onCrash(2)).build();
            h.stores.sessions().create(Session.starting(id, spec, 1, now).toBuilder().status(SessionStatus.RUNNING)
                    .pid((int) gone.pid()).pidStartTime(1L).startedAt(now).build());
            ReconcileReport report = h.supervisor.reconcileOnce(Duration.ofSeconds(20));
            assertEquals(1, report.items().size());
            assertEquals(SessionStatus.CRASHED, h.session(id).status());
            List<dev.agentharness.core.QueuedStart> queued = h.stores.queue().list();
            assertEquals(1, queued.size(), "the resume waits in the durable queue for a daemon");
            SessionSpec next = queued.get(0).spec();
            assertEquals(id, next.resumeOf());
            assertEquals(id, next.restartOf());
            assertEquals("lost-r1", next.name());
            assertEquals(List.of("claude", "--resume", "sid-1", "-p", "Continue where you left off."), next.command());
            assertEquals(1, h.stores.sessions().list(SessionQuery.ALL).size(), "nothing was started here");
        }
        try (TestHarness h = TestHarness.open(dir, java.time.Clock.systemUTC(), TestHarness.fastConfig())) {
            assertTrue(h.get(dev.agentharness.supervisor.internal.lifecycle.AutoRestarter.class).resumeCrashed(id).isEmpty(),
                    "a second decision (another harness, a later daemon) queues nothing more");
            assertTrue(h.supervisor.reconcileOnce(Duration.ofSeconds(5)).isEmpty());
            assertEquals(1, h.stores.queue().list().size());
        }
    }
}
