package dev.agentharness.cli.torture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.cli.it.HarnessProcesses;
import dev.agentharness.cli.it.HarnessProcesses.Background;
import dev.agentharness.cli.it.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash loop around the keeper's promise (docs/design/keeper.md): agents belong to their keepers,
 * so a daemon killed with SIGKILL costs them nothing. Two slots run {@link Generator} agents that
 * write a known stream for 1 to 4 s and exit with a known code; the third runs an echo agent for
 * the whole test. {@link Torture#ITERATIONS} times the daemon is killed at a random moment and
 * started again after a random gap. After every crash: no session is {@code crashed} (no agent was
 * killed by it), the echo agent answers what is sent to it after the reattach (stdin works), and
 * every session that ended (during the gap or not) has its agent's exact exit code and stored output
 * equal to EVERY byte its agent wrote, and its {@code harness tail -f -n all} follower, started with
 * the session and running across the crashes, printed exactly those bytes, each once.
 */
class CrashLoopTortureIT {
    private static final long RATE = 256 << 10;
    private static final int MAX_WRITE_MS = 1200;
    private static final int MAX_GAP_MS = 1000;

    @TempDir
    Path tmp;

    private HarnessProcesses harness;
    private Path scratch;
    private final Torture.Tally tally = new Torture.Tally("crash-loop");
    private final String token = "TORTURE_TOKEN=" + UUID.randomUUID();
    private final Random random = new Random(Torture.SEED);
    private final Map<String, Agent> running = new LinkedHashMap<>();
    private long nextSeed = Torture.SEED * 10_000;
    private String echo;
    private int echoed;

    /** A generator session, what it will have written, and its follower. */
    private record Agent(String name, long seed, int exitCode, Path countFile, Background follower) {
    }

    @BeforeEach
    void home() throws Exception {
        harness = new HarnessProcesses(tmp.resolve("home"), Files.createDirectories(tmp.resolve("scratch")));
        scratch = Files.createDirectories(tmp.resolve("counts"));
    }

    @AfterEach
    void cleanUp() {
        harness.cleanUp();
        Procs.killAllWithEnvironment(token);
    }

    @Test
    void agentsSurviveEveryDaemonCrashWithEveryByteAndTheirExactExitCodes() {
        System.out.println("crash loop: " + Torture.ITERATIONS + " iterations, seed " + Torture.SEED);
        Throwable failure = null;
        try {
            assertTimeoutPreemptively(Duration.ofSeconds(120 + 30L * Torture.ITERATIONS), this::loop);
        } catch (Throwable t) {
            failure = t;
            throw t;
        } finally {
            tally.write(failure);
        }
    }

    private void loop() {
        tally.put("iterations", Torture.ITERATIONS).put("sessionsCrashed", 0).put("sessionsNotExact", 0);
        Torture.startDaemon(harness);
        harness.run("start", "-i", "--slot", "3", "--name", "echo", "--env", token, "--", "sh", "-c",
                "while read line; do echo \"echo:$line\"; done; exit 0").ok();
        echo = "echo";
        for (int round = 0; round < Torture.ITERATIONS; round++) {
            fillSlots();
            Torture.sleep(random.nextInt(MAX_WRITE_MS));
            crash();
            Torture.sleep(random.nextInt(MAX_GAP_MS));
            Torture.startDaemon(harness);
            afterReattach(round);
        }
        // The last ones end on their own; then a clean shutdown ends the echo agent as stopped.
        HarnessProcesses.awaitTrue("the last generators to end", Torture.FUNCTIONAL, () -> {
            verifyEnded();
            return running.isEmpty();
        });
        harness.run("shutdown").ok();
        try (StoreReader db = StoreReader.open(harness.home.resolve("harness.db"))) {
            assertEquals(List.of("ok"), db.integrityCheck());
            assertEquals(0, db.sessions().stream().filter(StoreReader.Row::active).count());
            assertEquals(0, db.sessions().stream().filter(r -> "crashed".equals(r.status())).count(),
                    "no session may end crashed when only the daemon died");
        }
    }

    private void fillSlots() {
        for (int slot = 1; slot <= 2; slot++) {
            String slotName = Integer.toString(slot);
            boolean taken = running.values().stream().anyMatch(a -> a.name().startsWith("g" + slotName + "-"));
            if (taken) {
                continue;
            }
            long seed = nextSeed++;
            int code = seed % 4 == 0 ? 0 : 10 + (int) (seed % 50);
            int seconds = 1 + random.nextInt(3);
            String name = "g" + slot + "-" + seed;
            Path count = scratch.resolve(seed + ".count");
            List<String> args = new ArrayList<>(List.of("start", "--slot", slotName, "--name", name, "--env", token, "--"));
            args.addAll(Torture.generator(seed, RATE, seconds, count.toString(), "exit" + code));
            Result r = harness.run(args.toArray(String[]::new));
            assertEquals(0, r.code(), r::toString);
            Background follower = harness.start("tail", "-f", "-n", "all", name);
            running.put(name, new Agent(name, seed, code, count, follower));
            tally.add("sessions", 1);
        }
    }

    private void crash() {
        long daemon = harness.daemonPid().orElseThrow(() -> new AssertionError("no pid in daemon.lock"));
        HarnessProcesses.kill(daemon, "KILL");
        HarnessProcesses.awaitTrue("the killed daemon to die", Torture.FUNCTIONAL, () -> !Procs.alive(daemon));
        tally.add("crashes", 1);
    }

    private void afterReattach(int round) {
        try (StoreReader db = StoreReader.open(harness.home.resolve("harness.db"))) {
            long crashed = db.sessions().stream().filter(r -> "crashed".equals(r.status())).count();
            tally.put("sessionsCrashed", crashed);
            assertEquals(0, crashed, "round " + round + ": a daemon crash ended a session crashed");
            assertEquals(List.of("ok"), db.integrityCheck());
            tally.add("integrityChecks", 1);
        }
        // stdin after the reattach
        String line = "r" + round;
        harness.run("send", echo, line).ok();
        echoed++;
        HarnessProcesses.awaitTrue("the echo agent to answer " + line, Torture.FUNCTIONAL,
                () -> harness.tailAll(echo).endsWith("echo:" + line + "\n"));
        tally.add("stdinAfterReattach", 1);
        verifyEnded();
    }

    /** Every generator session that ended: exact exit code, every byte, the follower saw each once. */
    private void verifyEnded() {
        Map<String, String> statuses = new LinkedHashMap<>();
        try (StoreReader db = StoreReader.open(harness.home.resolve("harness.db"))) {
            db.sessions().forEach(r -> statuses.put(r.name(), r.status()));
        }
        for (Agent a : List.copyOf(running.values())) {
            String status = statuses.getOrDefault(a.name(), "missing");
            if (!status.equals("completed") && !status.equals("failed")) {
                assertTrue(status.equals("running") || status.equals("stalled") || status.equals("starting"),
                        a.name() + " is " + status);
                continue;
            }
            var s = harness.session(a.name());
            assertEquals(a.exitCode(), s.path("exitCode").asInt(), () -> a.name() + ": exit code " + s);
            assertEquals(a.exitCode() == 0 ? "completed" : "failed", status);
            long written;
            try {
                written = Long.parseLong(Files.readString(a.countFile()).trim().split(" ")[0]);
            } catch (IOException e) {
                throw new AssertionError(a.name() + ": its agent left no count", e);
            }
            byte[] stored = harness.run("tail", a.name(), "-n", "all").ok().stdoutBytes();
            byte[] expected = Generator.expected(a.seed(), (int) written);
            if (!java.util.Arrays.equals(expected, stored)) {
                tally.add("sessionsNotExact", 1);
            }
            assertArrayEquals(expected, stored, a.name() + ": stored output is not exactly what the agent wrote");
            Result followed = a.follower().await(Torture.FUNCTIONAL);
            assertEquals(0, followed.code(), followed::toString);
            assertArrayEquals(expected, followed.stdoutBytes(), a.name() + ": the tail -f follower did not see every byte once");
            tally.add("bytesVerified", stored.length);
            tally.add("followersVerified", 1);
            running.remove(a.name());
        }
    }
}
