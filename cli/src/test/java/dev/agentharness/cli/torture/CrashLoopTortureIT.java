package dev.agentharness.cli.torture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.agentharness.cli.it.HarnessProcesses;
import dev.agentharness.cli.it.HarnessProcesses.Background;
import dev.agentharness.cli.it.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash loop: a daemon runs three agents writing known streams and is killed with SIGKILL at a
 * random moment (while the sessions are being started, or while they write), then started again,
 * {@link Torture#ITERATIONS} times. After every crash: the database passes {@code integrity_check},
 * every session of the round stored an exact prefix of what its agent wrote ({@code harness tail -n
 * all}), every session that was active at the crash is {@code crashed} with a reason, no process of
 * any agent survives, and the next round starts new sessions in all three slots. At the end, every
 * session's stored output is still exactly what was verified after its round.
 */
class CrashLoopTortureIT {
    /** Per agent: fast enough to have every write size in flight, slow enough to keep the database small. */
    private static final long RATE = 1 << 20;
    private static final int MAX_WRITE_MS = 800;

    @TempDir
    Path tmp;

    private HarnessProcesses harness;
    private final Torture.Tally tally = new Torture.Tally("crash-loop");
    private final String token = "TORTURE_TOKEN=" + UUID.randomUUID();
    private final Random random = new Random(Torture.SEED);
    /** Session id to its agent's seed, and what was verified of its output. */
    private final Map<String, Long> seeds = new LinkedHashMap<>();
    private final Map<String, StoreReader.Digest> verified = new LinkedHashMap<>();
    private final Map<String, Long> findings = new TreeMap<>();

    @BeforeEach
    void home() throws Exception {
        harness = new HarnessProcesses(tmp.resolve("home"), Files.createDirectories(tmp.resolve("scratch")));
    }

    @AfterEach
    void cleanUp() {
        harness.cleanUp();
        Procs.killAllWithEnvironment(token);
    }

    @Test
    void everyCrashLeavesAConsistentDatabaseAndNoOrphans() {
        System.out.println("crash loop: " + Torture.ITERATIONS + " iterations, seed " + Torture.SEED);
        Throwable failure = null;
        try {
            assertTimeoutPreemptively(Duration.ofSeconds(120 + 30L * Torture.ITERATIONS), this::loop);
        } catch (Throwable t) {
            failure = t;
            throw t;
        } finally {
            tally.put("findings", findings);
            tally.write(failure);
        }
    }

    private void loop() {
        tally.put("iterations", Torture.ITERATIONS).put("sessionsNotAPrefix", 0).put("agentProcessesSurvived", 0);
        startDaemon();
        for (int i = 0; i < Torture.ITERATIONS; i++) {
            round(i);
        }
        afterTheLastCrash();
        reverifyEverything();
    }

    private Path db() {
        return harness.home.resolve("harness.db");
    }

    private Path socket() {
        return harness.home.resolve("harness.sock");
    }

    private long startDaemon() {
        Background daemon = harness.start("daemon");
        HarnessProcesses.awaitTrue("the daemon to answer", Torture.FUNCTIONAL,
                () -> Control.ping(socket()).isPresent() || !daemon.process.isAlive());
        if (!daemon.process.isAlive()) {
            fail("the daemon did not start: " + daemon.stderrSoFar());
        }
        return daemon.process.pid();
    }

    private static String name(int round, int slot) {
        return "c" + round + "-" + slot;
    }

    private long seed(int round, int slot) {
        return Torture.SEED * 10_000 + round * 3L + slot;
    }

    /** Three start commands, one per slot, running concurrently. */
    private List<Background> startThree(int round) {
        List<Background> starters = new ArrayList<>();
        for (int slot = 1; slot <= 3; slot++) {
            long seed = seed(round, slot);
            // Odd seeds stay alive after their pipe breaks (the next daemon must end them); even ones exit, leaving their child.
            String mode = seed % 2 == 0 ? "child" : "child,linger";
            List<String> args = new ArrayList<>(List.of("start", "--slot", Integer.toString(slot), "--name", name(round, slot),
                    "--env", token, "--"));
            args.addAll(Torture.generator(seed, RATE, 0, "-", mode));
            starters.add(harness.start(args.toArray(String[]::new)));
        }
        return starters;
    }

    private long t0;

    private void mark(String what) {
        if (Boolean.getBoolean("harness.torture.trace")) {
            System.out.printf("%6d ms %s%n", (System.nanoTime() - t0) / 1_000_000, what);
        }
    }

    private void round(int round) {
        t0 = System.nanoTime();
        boolean duringStart = random.nextInt(100) < 30;
        if (duringStart) {
            awaitVerification(); // nothing may delay the kill below
        }
        List<Background> starters = startThree(round);
        if (duringStart) {
            // Kill once some of the three requests have created their rows: the others are in flight, spawning, or not yet sent.
            int rows = 1 + random.nextInt(3);
            long deadline = System.nanoTime() + Torture.FUNCTIONAL.toNanos();
            try (StoreReader db = awaitDatabase()) {
                while (db.count("SELECT count(*) FROM sessions WHERE name LIKE ?", "c" + round + "-%") < rows) {
                    if (System.nanoTime() > deadline) {
                        fail("round " + round + ": " + rows + " session rows never appeared; starters said: "
                                + starters.stream().map(Background::stderrSoFar).collect(Collectors.joining(" | ")));
                    }
                    Torture.sleep(2);
                }
            }
            Torture.sleep(random.nextInt(25));
            tally.add("killsDuringStart", 1);
        } else {
            for (Background s : starters) {
                Result r = s.await(Torture.FUNCTIONAL);
                assertEquals(0, r.code(), () -> "round " + round + ": a slot did not take a new session after the last crash: " + r);
            }
            long killAt = System.nanoTime() + random.nextInt(MAX_WRITE_MS) * 1_000_000L;
            awaitVerification();
            Torture.sleep(Math.max(0, (killAt - System.nanoTime()) / 1_000_000));
            tally.add("killsWhileWriting", 1);
        }

        mark("kill");
        long daemon = harness.daemonPid().orElseThrow(() -> new AssertionError("no pid in daemon.lock"));
        HarnessProcesses.kill(daemon, "KILL");
        HarnessProcesses.awaitTrue("the killed daemon to die", Torture.FUNCTIONAL, () -> !Procs.alive(daemon));
        tally.add("crashes", 1);

        // What the dead daemon left active: read before anything can start another daemon.
        Set<String> activeAtCrash;
        try (StoreReader db = StoreReader.open(db())) {
            activeAtCrash = db.sessions().stream().filter(StoreReader.Row::active).map(StoreReader.Row::id).collect(Collectors.toSet());
        }

        // Every start command ends: with its session, or with one line saying what went wrong.
        for (Background s : starters) {
            Result r = s.await(Torture.FUNCTIONAL);
            if (r.code() != 0) {
                assertEquals(1, r.code(), r::toString);
                assertEquals(1, r.errLines().size(), () -> "exactly one stderr line expected: " + r);
                assertTrue(r.errLines().get(0).startsWith("harness: "), r::toString);
                assertFalse(r.stderr().contains("\tat ") || r.stderr().contains("Exception"), r::toString);
                tally.add("startCommandsCutOff", 1);
            }
        }
        mark("starters done");
        // A start command that found no daemon started one itself; otherwise start it again here.
        if (Control.ping(socket()).isEmpty()) {
            startDaemon();
        } else {
            tally.add("daemonsStartedByACommand", 1);
        }

        mark("daemon up");
        checkReconciled(round, activeAtCrash);
        mark("reconciled");
        stopSessionsStartedAfterTheCrash(activeAtCrash);
        // Verified while the next round runs: those sessions have ended, their output can no longer change.
        verification = CompletableFuture.runAsync(() -> verifyOutputs(round));
    }

    private CompletableFuture<Void> verification = CompletableFuture.completedFuture(null);

    private void awaitVerification() {
        try {
            verification.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
        mark("verified");
    }

    private StoreReader awaitDatabase() {
        HarnessProcesses.awaitTrue("the database", Torture.FUNCTIONAL, () -> Files.exists(db()));
        return StoreReader.open(db());
    }

    private void checkReconciled(int round, Set<String> activeAtCrash) {
        try (StoreReader db = StoreReader.open(db())) {
            assertEquals(List.of("ok"), db.integrityCheck(), "round " + round + ": integrity_check");
            tally.add("integrityChecks", 1);
            Map<String, StoreReader.Row> rows = db.sessions().stream().collect(Collectors.toMap(StoreReader.Row::id, r -> r));
            for (String id : activeAtCrash) {
                StoreReader.Row r = rows.get(id);
                assertEquals("crashed", r.status(), () -> "round " + round + ": active at the crash, not reconciled: " + r);
                assertTrue(r.reason() != null && !r.reason().isBlank(), () -> "crashed without a reason: " + r);
                findings.merge(r.reason().replaceAll("\\d+", "N"), 1L, Long::sum);
                tally.add("sessionsReconciled", 1);
                assertNoSurvivor(r);
            }
        }
        // Whatever carries this test's token is an agent or a child of one: only sessions running now may have any.
        Set<String> running = new HashSet<>();
        try (StoreReader db = StoreReader.open(db())) {
            db.sessions().stream().filter(StoreReader.Row::active).forEach(r -> running.add(r.id()));
        }
        try {
            HarnessProcesses.awaitTrue("the agents of crashed sessions to be gone", Duration.ofSeconds(15),
                    () -> strays(running).isEmpty());
        } catch (AssertionError e) {
            tally.add("agentProcessesSurvived", strays(running).size());
            throw e;
        }
    }

    private List<String> strays(Set<String> running) {
        List<String> strays = new ArrayList<>();
        for (Procs.Proc p : Procs.withEnvironment(token)) {
            String session = Procs.environment(p.pid(), "HARNESS_SESSION_ID").orElse("?");
            if (!running.contains(session)) {
                strays.add(p.pid() + " of session " + session + ": " + p.cmdline());
            }
        }
        if (!strays.isEmpty()) {
            tally.put("lastStrays", strays.toString());
        }
        return strays;
    }

    private void assertNoSurvivor(StoreReader.Row r) {
        if (r.pid() == null || r.pidStartTime() == null) {
            return; // Covered by the token scan: an unrecorded agent still carries the token.
        }
        long pid = r.pid();
        long start = r.pidStartTime();
        HarnessProcesses.awaitTrue("the agent " + pid + " of " + r.id() + " and its group to be gone", Duration.ofSeconds(15),
                () -> Procs.stat(pid).filter(p -> p.startTime() == start).isEmpty()
                        && Procs.group(pid).stream().noneMatch(p -> p.startTime() >= start));
    }

    private void stopSessionsStartedAfterTheCrash(Set<String> activeAtCrash) {
        List<String> later;
        try (StoreReader db = StoreReader.open(db())) {
            later = db.sessions().stream().filter(StoreReader.Row::active).map(StoreReader.Row::id)
                    .filter(id -> !activeAtCrash.contains(id)).toList();
        }
        for (String id : later) {
            harness.run("stop", id, "--force").ok();
        }
    }

    /** Every session of the round: {@code harness tail -n all} is an exact prefix of its agent's stream, and is all that is stored. */
    private void verifyOutputs(int round) {
        List<StoreReader.Row> mine;
        try (StoreReader db = StoreReader.open(db())) {
            mine = db.query("SELECT id, name, slot, status, reason, pid, pid_start_time, output_bytes, output_chunks, created_at"
                    + " FROM sessions WHERE name LIKE ? ORDER BY id", "c" + round + "-%");
            for (StoreReader.Row r : mine) {
                String problem = db.seqProblem(r.id());
                assertEquals(null, problem, "round " + round);
            }
        }
        List<CompletableFuture<Void>> checks = new ArrayList<>();
        for (StoreReader.Row r : mine) {
            long seed = seed(round, Integer.parseInt(r.name().substring(r.name().indexOf('-') + 1)));
            seeds.put(r.id(), seed);
            checks.add(CompletableFuture.runAsync(() -> verifyPrefix(r, seed)));
        }
        for (CompletableFuture<Void> c : checks) {
            try {
                c.join();
            } catch (java.util.concurrent.CompletionException e) {
                if (e.getCause() instanceof Error err) {
                    throw err;
                }
                throw e;
            }
        }
        tally.add("sessions", mine.size());
    }

    private void verifyPrefix(StoreReader.Row r, long seed) {
        byte[] stored = harness.run("tail", r.id(), "-n", "all").ok().stdoutBytes();
        // Exact, whatever the end: an agent stopped in the middle of a character left its first bytes, stored as they are.
        byte[] expected = Generator.expected(seed, stored.length);
        if (!java.util.Arrays.equals(expected, stored)) {
            tally.add("sessionsNotAPrefix", 1);
        }
        byte[] want = expected;
        assertArrayEquals(want, stored, () -> r + ": the stored output is not a prefix of what the agent wrote");
        assertEquals(r.outputBytes(), stored.length, () -> r + ": tail -n all printed less than is stored");
        tally.add("bytesVerified", stored.length);
        synchronized (verified) {
            verified.put(r.id(), new StoreReader.Digest(Torture.sha256(stored), stored.length));
        }
    }

    /** After the last crash: three new sessions take the three slots, and a clean shutdown ends them. */
    private void afterTheLastCrash() {
        awaitVerification();
        int round = Torture.ITERATIONS;
        for (Background s : startThree(round)) {
            Result r = s.await(Torture.FUNCTIONAL);
            assertEquals(0, r.code(), () -> "after the last crash, a slot did not take a new session: " + r);
        }
        try (StoreReader db = StoreReader.open(db())) {
            List<Integer> slots = db.sessions().stream().filter(StoreReader.Row::active).map(StoreReader.Row::slot).sorted().toList();
            assertEquals(List.of(1, 2, 3), slots);
        }
        Torture.sleep(300);
        harness.run("shutdown").ok();
        try (StoreReader db = StoreReader.open(db())) {
            assertEquals(List.of("ok"), db.integrityCheck());
            assertEquals(0, db.sessions().stream().filter(StoreReader.Row::active).count());
        }
        verifyOutputs(round);
    }

    /** Nothing verified in an earlier round was lost or changed by any later crash. */
    private void reverifyEverything() {
        long lost = 0;
        try (StoreReader db = StoreReader.open(db())) {
            for (Map.Entry<String, StoreReader.Digest> e : verified.entrySet()) {
                StoreReader.Digest now = db.digest(e.getKey(), null);
                if (!now.equals(e.getValue())) {
                    lost++;
                }
                tally.add("bytesReverified", now.length());
            }
        }
        tally.put("sessionsChangedAfterVerification", lost);
        assertEquals(0, lost, "sessions whose stored output changed after it was verified");
    }
}
