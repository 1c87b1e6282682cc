package dev.agentharness.supervisor;

import static dev.agentharness.supervisor.testing.TestHarness.await;
import static dev.agentharness.supervisor.testing.TestHarness.sh;
import static dev.agentharness.supervisor.testing.TestHarness.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.core.EventType;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionEvent;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.StreamType;
import dev.agentharness.core.error.NoSuchSessionException;
import dev.agentharness.core.error.SessionNotActiveException;
import dev.agentharness.supervisor.internal.process.ProcInspector;
import dev.agentharness.supervisor.internal.process.ProcStat;
import dev.agentharness.supervisor.testing.TestHarness;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spawning, input, signals and the end of a session, with real processes. */
class ProcessControlTest {
    @TempDir
    Path dir;
    TestHarness h;
    final ProcInspector proc = new ProcInspector();

    @BeforeEach
    void start() {
        h = TestHarness.started(dir);
    }

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void theAgentLeadsItsOwnSessionAndGroupAndKeepsItsPid() throws Exception {
        Session s = h.supervisor.startSession(spec(dir, "sleep", "30"));
        assertEquals(SessionStatus.RUNNING, s.status());
        int pid = s.pid();
        ProcStat stat = proc.stat(pid).orElseThrow();
        assertEquals(pid, stat.pgrp(), "process group id");
        assertEquals(pid, stat.session(), "session id");
        assertEquals(stat.startTime(), s.pidStartTime());
        await(() -> readComm(pid).equals("sleep"), "setsid and env to exec sleep in the same pid");
        h.supervisor.stop(s.id(), Duration.ofSeconds(1), true).get(30, TimeUnit.SECONDS);
    }

    @Test
    void inputRoundTripsThroughCatAndIsRecordedWithoutItsContent() throws Exception {
        Session s = h.supervisor.startSession(spec(dir, "cat"));
        h.supervisor.send(s.id(), "hello agent\n".getBytes(StandardCharsets.UTF_8));
        await(() -> h.output(s.id()).equals("hello agent\n"), "cat to echo the input");
        h.supervisor.closeStdin(s.id());
        Session ended = h.awaitEnded(s.id());
        assertEquals(SessionStatus.COMPLETED, ended.status());
        SessionEvent input = h.event(s.id(), EventType.INPUT);
        assertEquals(12, ((Number) input.data().get("bytes")).intValue());
        assertFalse(input.data().toString().contains("hello"));
    }

    @Test
    void stoppingAChildThatIgnoresTermKillsItAfterTheGraceAndRecordsStopped() throws Exception {
        Session s = h.supervisor.startSession(sh(dir, "trap '' TERM; echo ready; while :; do sleep 0.1; done"));
        await(() -> h.output(s.id()).equals("ready\n"), "the trap to be set");
        Session ended = h.supervisor.stop(s.id(), Duration.ofMillis(500), false).get(30, TimeUnit.SECONDS);
        assertEquals(SessionStatus.STOPPED, ended.status());
        assertEquals("stopped by user", ended.reason());
        assertEquals(137, ended.exitCode(), "SIGKILL, since TERM was ignored");
        assertTrue(h.eventTypes(s.id()).contains(EventType.STOP_REQUESTED));
        assertTrue(proc.liveGroupMembers(s.pid(), -1, 0).isEmpty(), "nothing of the group survives");
    }

    @Test
    void aForcedStopKillsAtOnce() throws Exception {
        Session s = h.supervisor.startSession(spec(dir, "sleep", "30"));
        Session ended = h.supervisor.stop(s.id(), Duration.ofMinutes(5), true).get(30, TimeUnit.SECONDS);
        assertEquals(SessionStatus.STOPPED, ended.status());
        assertEquals(137, ended.exitCode());
    }

    @Test
    void aGrandchildHoldingThePipesDoesNotKeepTheSessionAlive() {
        long t0 = System.nanoTime();
        Session s = h.supervisor.startSession(sh(dir, "sleep 60 & echo hi"));
        Session ended = h.awaitEnded(s.id());
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "ended after " + took);
        assertEquals(SessionStatus.COMPLETED, ended.status());
        assertEquals(0, ended.exitCode());
        assertEquals("hi\n", h.output(s.id()));
        SessionEvent group = h.event(s.id(), EventType.GROUP_TERMINATED);
        assertEquals(1, ((Number) group.data().get("processes")).intValue());
        int sleepPid = ((Number) ((List<?>) group.data().get("pids")).get(0)).intValue();
        await(() -> proc.stat(sleepPid).map(ProcStat::hasExited).orElse(true), "the grandchild sleep to be gone");
    }

    @Test
    void exitCodesAndSignalDeathsAreRecorded() {
        Session three = h.supervisor.startSession(sh(dir, "exit 3"));
        Session killed = h.supervisor.startSession(sh(dir, "kill -KILL $$"));
        Session e3 = h.awaitEnded(three.id());
        assertEquals(SessionStatus.FAILED, e3.status());
        assertEquals(3, e3.exitCode());
        assertEquals("exited with code 3", e3.reason());
        Session ek = h.awaitEnded(killed.id());
        assertEquals(SessionStatus.FAILED, ek.status());
        assertEquals(137, ek.exitCode());
        assertEquals("killed by SIGKILL", ek.reason());
        assertNotNull(ek.endedAt());
        List<EventType> types = h.eventTypes(ek.id());
        assertTrue(types.containsAll(List.of(EventType.CREATED, EventType.STARTED, EventType.EXITED, EventType.STATUS_CHANGED)), types.toString());
    }

    @Test
    void theAgentGetsItsEnvironmentButNoEventEverHoldsAValue() {
        Session s = h.supervisor.startSession(sh(dir, "echo \"$HARNESS_SESSION_ID $HARNESS_SLOT $SECRET_TOKEN\"")
                .withEnv(Map.of("SECRET_TOKEN", "hunter2-value")));
        h.awaitEnded(s.id());
        assertEquals(s.id() + " " + s.slot() + " hunter2-value\n", h.output(s.id()));
        for (SessionEvent e : h.events(s.id())) {
            assertFalse(e.data().toString().contains("hunter2-value"), e.toString());
        }
        assertTrue(h.event(s.id(), EventType.CREATED).data().toString().contains("SECRET_TOKEN"), "keys are fine");
    }

    @Test
    void anExecutableWhoseNameContainsAnEqualsSignRunsVerbatim() throws Exception {
        Path script = dir.resolve("a=b");
        Files.writeString(script, "#!/bin/sh\necho \"ran $0 $1\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Session s = h.supervisor.startSession(spec(dir, "./a=b", "arg"));
        assertEquals(SessionStatus.COMPLETED, h.awaitEnded(s.id()).status());
        assertEquals("ran ./a=b arg\n", h.output(s.id(), Set.of(StreamType.STDOUT)));
    }

    @Test
    void pauseStopsTheWholeGroupAndResumeContinuesIt() throws Exception {
        Session s = h.supervisor.startSession(sh(dir, "i=0; while :; do echo $i; i=$((i+1)); sleep 0.05; done"));
        await(() -> h.stores.outputs().size(s.id()).chunks() > 2, "some output");
        Session paused = h.supervisor.pause(s.id());
        assertEquals(SessionStatus.PAUSED, paused.status());
        await(() -> TestHarness.groupStopped(proc, s.pid()), "the agent's group to be stopped");
        long[] last = {-1};
        await(() -> {
            long now = h.stores.outputs().size(s.id()).bytes();
            boolean stable = now == last[0];
            last[0] = now;
            sleepQuietly(300);
            return stable;
        }, "what was written before the pause to be stored");
        long before = last[0];
        Thread.sleep(700);
        assertEquals(before, h.stores.outputs().size(s.id()).bytes(), "no output while paused");
        Session resumed = h.supervisor.resume(s.id());
        assertEquals(SessionStatus.RUNNING, resumed.status());
        await(() -> h.stores.outputs().size(s.id()).bytes() > before, "output after resume");
        assertTrue(h.eventTypes(s.id()).containsAll(List.of(EventType.PAUSED, EventType.RESUMED)));
        Session ended = h.supervisor.stop(s.id(), Duration.ofSeconds(2), false).get(30, TimeUnit.SECONDS);
        assertEquals(SessionStatus.STOPPED, ended.status());
    }

    @Test
    void signalsSentRightAfterTheStartReachTheAgent() throws Exception {
        // Regression: a pause or stop sent before the child had run setsid went to a group that did
        // not exist yet and was lost (seen under load: the stop then needed its SIGKILL). The start
        // now returns only once the agent leads its own session.
        for (int i = 0; i < 5; i++) {
            Session s = h.supervisor.startSession(spec(dir, "sleep", "30"));
            assertEquals(s.pid(), proc.stat(s.pid()).orElseThrow().session(), "a session leader as soon as it is started");
            h.supervisor.pause(s.id());
            await(() -> proc.stat(s.pid()).map(st -> st.state() == 'T').orElse(false), "the agent to be stopped");
            Session ended = h.supervisor.stop(s.id(), Duration.ofSeconds(20), false).get(30, TimeUnit.SECONDS);
            assertEquals(128 + 15, ended.exitCode(), "ended by the TERM, not by the KILL after the grace");
        }
    }

    @Test
    void aPausedSessionCanBeStopped() throws Exception {
        Session s = h.supervisor.startSession(spec(dir, "sleep", "30"));
        h.supervisor.pause(s.id());
        Session ended = h.supervisor.stop(s.id(), Duration.ofSeconds(5), false).get(30, TimeUnit.SECONDS);
        assertEquals(SessionStatus.STOPPED, ended.status());
        assertEquals(128 + 15, ended.exitCode(), "TERM reached it thanks to the CONT that follows it");
    }

    @Test
    void controllingAnEndedOrUnknownSessionIsAClearError() {
        Session s = h.supervisor.startSession(sh(dir, "true"));
        h.awaitEnded(s.id());
        SessionNotActiveException e = assertThrows(SessionNotActiveException.class,
                () -> h.supervisor.send(s.id(), new byte[] {'x'}));
        assertEquals("cannot send input to session " + s.id() + ": it is completed", e.getMessage());
        assertThrows(SessionNotActiveException.class, () -> h.supervisor.stop(s.id(), Duration.ofSeconds(1), false));
        assertThrows(SessionNotActiveException.class, () -> h.supervisor.pause(s.id()));
        assertThrows(NoSuchSessionException.class, () -> h.supervisor.send("01NOSUCHSESSION", new byte[] {'x'}));
    }

    @Test
    void aGrandchildThatLeftTheGroupAndHoldsThePipesDelaysTheEndOnlyBriefly() throws Exception {
        String marker = "59.4242";
        Session s = h.supervisor.startSession(sh(dir, "setsid sleep " + marker + " & echo hi"));
        try {
            Session ended = h.awaitEnded(s.id());
            assertEquals(SessionStatus.COMPLETED, ended.status());
            assertEquals("hi\n", h.output(s.id()));
        } finally {
            killProcessesWithArgument(marker);
        }
    }

    /** Kills the processes this test started that carry {@code marker} in their command line. */
    private static void killProcessesWithArgument(String marker) throws Exception {
        try (var dirs = Files.list(Paths.get("/proc"))) {
            for (Path p : (Iterable<Path>) dirs::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String cmdline = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8);
                    if (cmdline.contains(marker)) {
                        ProcessHandle.of(Long.parseLong(name)).ifPresent(ProcessHandle::destroyForcibly);
                    }
                } catch (Exception gone) {
                    // vanished meanwhile
                }
            }
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static String readComm(int pid) {
        try {
            return Files.readString(Paths.get("/proc", Integer.toString(pid), "comm")).trim();
        } catch (Exception e) {
            return "";
        }
    }
}
