package dev.agentharness.supervisor;

import static dev.agentharness.supervisor.testing.TestHarness.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.core.EventType;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.StreamType;
import dev.agentharness.core.UlidGenerator;
import dev.agentharness.core.error.HarnessException;
import dev.agentharness.store.SqliteStores;
import dev.agentharness.supervisor.ReconcileReport.Finding;
import dev.agentharness.supervisor.internal.process.ProcInspector;
import dev.agentharness.supervisor.internal.process.ProcStat;
import dev.agentharness.supervisor.testing.JavaCommand;
import dev.agentharness.supervisor.testing.SupervisorChildMain;
import dev.agentharness.supervisor.testing.TestHarness;
import dev.agentharness.supervisor.testing.Utf8Stream;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a new harness finds, and does, after the old one was SIGKILLed mid-stream. */
class CrashRecoveryTest {
    @TempDir
    Path dir;
    final ProcInspector proc = new ProcInspector();

    record Started(String id, int pid, long seed) {
    }

    @Test
    void aHarnessKilledMidStreamLeavesCrashedSessionsNoSurvivorsAndACommittedPrefix() throws Exception {
        Process child = new ProcessBuilder(JavaCommand.of(SupervisorChildMain.class, List.of("-Xmx256m"), dir.toString(), "2"))
                .redirectError(dir.resolve("child.log").toFile())
                .start();
        List<Started> started = new ArrayList<>();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            for (String line = out.readLine(); line != null && !line.equals("READY"); line = out.readLine()) {
                String[] f = line.split(" ");
                if (f[0].equals("SESSION")) {
                    started.add(new Started(f[1], Integer.parseInt(f[2]), Long.parseLong(f[3])));
                }
            }
            assertEquals(3, started.size(), "the child harness started its sessions (see child.log)");

            try (TestHarness second = TestHarness.open(dir, Clock.systemUTC(), TestHarness.fastConfig())) {
                HarnessException refused = assertThrows(HarnessException.class, second.supervisor::start);
                assertEquals("another harness supervisor (pid " + child.pid() + ") is running on " + dir + "; stop it first",
                        refused.getMessage());
            }

            try (SqliteStores peek = SqliteStores.open(dir.resolve("harness.db"), Clock.systemUTC(),
                    new UlidGenerator(Clock.systemUTC()), 3)) {
                for (Started s : started.subList(0, 2)) {
                    await(() -> peek.outputs().size(s.id()).bytes() > (1 << 20), "writer " + s.id() + " to have 1 MB stored");
                }
            }
        } finally {
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }

        try (TestHarness h = TestHarness.open(dir, Clock.systemUTC(), TestHarness.fastConfig())) {
            ReconcileReport report = h.supervisor.start();
            Map<String, ReconcileReport.Item> items = report.items().stream()
                    .collect(Collectors.toMap(ReconcileReport.Item::sessionId, i -> i));
            assertEquals(3, items.size(), report.toString());
            for (Started s : started) {
                Session row = h.session(s.id());
                assertEquals(SessionStatus.CRASHED, row.status());
                assertTrue(row.endedAt() != null && row.reason() != null);
                assertTrue(h.eventTypes(s.id()).contains(EventType.CRASHED));
                assertFalse(isAlive(s.pid(), row.pidStartTime()), "agent " + s.pid() + " survived");
                assertTrue(proc.liveGroupMembers(s.pid(), -1, row.pidStartTime()).isEmpty(), "group " + s.pid() + " survived");
            }
            Started sleeper = started.get(2);
            assertEquals(Finding.ORPHAN_TERMINATED, items.get(sleeper.id()).finding());
            assertEquals("orphaned by a harness crash", h.session(sleeper.id()).reason());
            for (Started w : started.subList(0, 2)) {
                assertTrue(Set.of(Finding.PROCESS_GONE, Finding.ORPHAN_TERMINATED).contains(items.get(w.id()).finding()));
                assertCommittedPrefix(h, w);
            }
            assertTrue(h.stores.sessions().slotOccupants().isEmpty());
            assertEquals("ok", h.stores.integrityCheck());
        }
    }

    @Test
    void aRecycledPidIsNeverSignalledAndARowWithoutPidNeverStarted() throws Exception {
        Process unrelated = new ProcessBuilder("sleep", "60").start();
        try {
            int pid = (int) unrelated.pid();
            long realStart = proc.stat(pid).orElseThrow().startTime();
            try (TestHarness h = TestHarness.open(dir, Clock.systemUTC(), TestHarness.fastConfig())) {
                SessionSpec spec = SessionSpec.of(List.of("some-agent"), dir.toString());
                Instant now = Instant.now();
                Session recycled = h.stores.sessions().create(Session.starting("01RECYCLED0000000000000000", spec.withName("recycled"), 1, now)
                        .toBuilder().status(SessionStatus.RUNNING).pid(pid).pidStartTime(realStart - 1000).startedAt(now).build());
                Session unborn = h.stores.sessions().create(Session.starting("01UNBORN000000000000000000", spec.withName("unborn"), 2, now));

                ReconcileReport report = h.supervisor.start();

                Map<String, ReconcileReport.Item> items = report.items().stream()
                        .collect(Collectors.toMap(ReconcileReport.Item::sessionId, i -> i));
                assertEquals(Finding.PID_RECYCLED, items.get(recycled.id()).finding());
                assertEquals(Finding.NEVER_STARTED, items.get(unborn.id()).finding());
                assertEquals(SessionStatus.CRASHED, h.session(recycled.id()).status());
                assertEquals(SessionStatus.CRASHED, h.session(unborn.id()).status());
                assertEquals("pid " + pid + " now belongs to another process; left it alone", h.session(recycled.id()).reason());
                assertTrue(h.stores.sessions().slotOccupants().isEmpty());
                Thread.sleep(300);
                assertTrue(unrelated.isAlive(), "the unrelated process was left alone");
            }
        } finally {
            unrelated.destroyForcibly();
        }
    }

    /**
     * Regression (torture crash loop): a harness killed after spawning an agent but before recording
     * its pid left a row without pid, was reconciled NEVER_STARTED, and the agent ran on forever.
     */
    @Test
    void spawnedButUnrecordedAgentSurvivesACrash() throws Exception {
        String id = "01SPAWNED00000000000000000";
        ProcessBuilder agent = new ProcessBuilder("setsid", "sh", "-c", "sleep 60 & exec sleep 60");
        agent.environment().put("HARNESS_SESSION_ID", id);
        ProcessBuilder other = new ProcessBuilder("setsid", "sleep", "60");
        other.environment().put("HARNESS_SESSION_ID", "01SOMEONEELSE0000000000000");
        Process p = agent.start();
        Process unrelated = other.start();
        try {
            int pid = (int) p.pid();
            await(() -> proc.liveGroupMembers(pid, pid, 0).size() == 1
                    && proc.stat(pid).map(s -> s.pgrp() == pid).orElse(false), "the agent and its child in its own group");
            try (TestHarness h = TestHarness.open(dir, Clock.systemUTC(), TestHarness.fastConfig())) {
                Session row = h.stores.sessions().create(Session.starting(id,
                        SessionSpec.of(List.of("sleep", "60"), dir.toString()).withName("spawned"), 1, Instant.now()));

                ReconcileReport report = h.supervisor.start();

                assertEquals(Finding.ORPHAN_TERMINATED, report.items().get(0).finding(), report.toString());
                assertEquals("orphaned by a harness crash before its pid was recorded", h.session(row.id()).reason());
                assertEquals(SessionStatus.CRASHED, h.session(row.id()).status());
                assertTrue(p.waitFor(10, TimeUnit.SECONDS), "the agent was terminated");
                await(() -> proc.liveGroupMembers(pid, -1, 0).isEmpty(), "its group to be gone");
                assertTrue(unrelated.isAlive(), "a process of another session was left alone");
            }
        } finally {
            p.destroyForcibly();
            unrelated.destroyForcibly();
        }
    }

    /**
     * Regression (torture crash loop): the same, when the agent itself had already exited and only a
     * child of it lived on in its process group, carrying the session's id.
     */
    @Test
    void spawnedButUnrecordedAgentsLeftoverChildSurvivesACrash() throws Exception {
        String id = "01LEFTOVER0000000000000000";
        ProcessBuilder agent = new ProcessBuilder("setsid", "sh", "-c", "sleep 60 >/dev/null 2>&1 & echo $!");
        agent.environment().put("HARNESS_SESSION_ID", id);
        Process p = agent.start();
        int child = Integer.parseInt(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        int pgid = (int) p.pid();
        try {
            assertEquals(pgid, proc.stat(child).orElseThrow().pgrp(), "the child stayed in the agent's group");
            try (TestHarness h = TestHarness.open(dir, Clock.systemUTC(), TestHarness.fastConfig())) {
                Session row = h.stores.sessions().create(Session.starting(id,
                        SessionSpec.of(List.of("sh"), dir.toString()).withName("leftover"), 2, Instant.now()));

                ReconcileReport report = h.supervisor.start();

                assertEquals(Finding.PROCESS_GONE, report.items().get(0).finding(), report.toString());
                assertEquals(SessionStatus.CRASHED, h.session(row.id()).status());
                await(() -> proc.stat(child).filter(s -> !s.hasExited()).isEmpty(), "the leftover child to be terminated");
            }
        } finally {
            new ProcessBuilder("kill", "-KILL", Integer.toString(child)).start().waitFor();
        }
    }

    @Test
    void aProcessThatDiedWhileNoHarnessWatchedIsProcessGone() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        int pid = (int) gone.pid();
        try (TestHarness h = TestHarness.open(dir, Clock.systemUTC(), TestHarness.fastConfig())) {
            Instant now = Instant.now();
            Session row = h.stores.sessions().create(Session.starting("01GONE00000000000000000000",
                    SessionSpec.of(List.of("agent"), dir.toString()), 3, now)
                    .toBuilder().status(SessionStatus.STALLED).pid(pid).pidStartTime(1L).startedAt(now).build());
            ReconcileReport report = h.supervisor.start();
            assertEquals(Finding.PROCESS_GONE, report.items().get(0).finding());
            assertEquals("stalled", report.items().get(0).previousStatus());
            assertEquals(SessionStatus.CRASHED, h.session(row.id()).status());
            assertTrue(h.supervisor.reconcile().isEmpty(), "nothing left to reconcile");
        }
    }

    private boolean isAlive(int pid, Long startTime) {
        return proc.stat(pid).filter(s -> !s.hasExited() && startTime != null && s.startTime() == startTime).isPresent();
    }

    private static void assertCommittedPrefix(TestHarness h, Started w) {
        byte[] stored = h.output(w.id(), Set.of(StreamType.STDOUT)).getBytes(StandardCharsets.UTF_8);
        assertTrue(stored.length > (1 << 20), "at least the megabyte seen before the kill: " + stored.length);
        byte[] expected = new byte[stored.length];
        Utf8Stream stream = new Utf8Stream(w.seed());
        byte[] buf = new byte[1 << 20]; // the writer's buffer size: the stream depends on it
        int filled = 0;
        while (filled < expected.length) {
            int n = stream.fill(buf);
            int take = Math.min(n, expected.length - filled);
            System.arraycopy(buf, 0, expected, filled, take);
            filled += take;
        }
        if (!Arrays.equals(expected, stored)) {
            int i = Arrays.mismatch(expected, stored);
            assertArrayEquals(Arrays.copyOfRange(expected, Math.max(0, i - 16), Math.min(expected.length, i + 16)),
                    Arrays.copyOfRange(stored, Math.max(0, i - 16), Math.min(stored.length, i + 16)),
                    "stored output of " + w.id() + " differs from what was written at byte " + i);
        }
    }
}
