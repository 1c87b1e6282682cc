package dev.agentharness.cli.torture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.agentharness.cli.it.HarnessProcesses;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Soak: three agents write at full rate (stdout and stderr) for {@link Torture#SOAK_SECONDS} while
 * five {@code harness tail -f} followers read them, three from the start and two joining halfway.
 * Afterwards: no error and no "database is locked" anywhere (followers' stderr, the daemon's log), no
 * gap in any session's seq, every stream stored is exactly what its agent wrote, and every follower
 * received exactly the bytes stored (SHA-256).
 */
class SoakTortureIT {
    private static final Pattern TROUBLE = Pattern.compile("(?i)database is locked|busy|\\[ERROR]|\\[WARN]|exception|\\tat ");

    @TempDir
    Path tmp;

    private HarnessProcesses harness;
    private final Torture.Tally tally = new Torture.Tally("soak");
    private final String token = "TORTURE_TOKEN=" + UUID.randomUUID();
    private final List<Process> followers = new ArrayList<>();

    @BeforeEach
    void home() throws Exception {
        harness = new HarnessProcesses(tmp.resolve("home"), Files.createDirectories(tmp.resolve("scratch")));
    }

    @AfterEach
    void cleanUp() {
        followers.forEach(Process::destroyForcibly);
        harness.cleanUp();
        Procs.killAllWithEnvironment(token);
    }

    @Test
    void threeFullRateWritersAndFiveFollowersLoseNothing() {
        System.out.println("soak: " + Torture.SOAK_SECONDS + " s, seed " + Torture.SEED);
        Throwable failure = null;
        try {
            assertTimeoutPreemptively(Duration.ofSeconds(240 + 4L * Torture.SOAK_SECONDS), this::soak);
        } catch (Throwable t) {
            failure = t;
            throw t;
        } finally {
            tally.write(failure);
        }
    }

    /** A follower: its process, the session it follows, and what it printed (hashed as it arrives). */
    private record Follower(Process process, String session, Path stderr, CompletableFuture<StoreReader.Digest> stdout) {
    }

    private Follower follow(String session) throws IOException {
        int n = followers.size() + 1;
        Path err = harness.scratch.resolve("follower-" + n + ".err");
        ProcessBuilder pb = new ProcessBuilder(harness.command("tail", "-f", "-n", "all", session))
                .directory(harness.scratch.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectError(err.toFile());
        pb.environment().remove("HARNESS_HOME");
        Process p = pb.start();
        followers.add(p);
        CompletableFuture<StoreReader.Digest> digest = CompletableFuture.supplyAsync(() -> {
            MessageDigest md = Torture.digest();
            long length = 0;
            byte[] buf = new byte[1 << 16];
            try (InputStream in = p.getInputStream()) {
                for (int r = in.read(buf); r >= 0; r = in.read(buf)) {
                    md.update(buf, 0, r);
                    length += r;
                }
            } catch (IOException e) {
                throw new AssertionError("reading follower " + n, e);
            }
            return new StoreReader.Digest(HexFormat.of().formatHex(md.digest()), length);
        });
        return new Follower(p, session, err, digest);
    }

    private void soak() throws Exception {
        tally.put("soakSeconds", Torture.SOAK_SECONDS);
        long[] seeds = new long[3];
        Path[] counts = new Path[3];
        for (int i = 0; i < 3; i++) {
            seeds[i] = Torture.SEED * 10 + i * 2; // stdout: seed, stderr: seed + 1
            counts[i] = harness.scratch.resolve("count-" + i);
            List<String> args = new ArrayList<>(List.of("start", "--name", "soak-" + i, "--env", token, "--"));
            args.addAll(Torture.generator(seeds[i], 0, Torture.SOAK_SECONDS, counts[i].toString(), "stderr"));
            harness.run(args.toArray(String[]::new)).ok();
        }
        List<Follower> fs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            fs.add(follow("soak-" + i));
        }
        Torture.sleep(TimeUnit.SECONDS.toMillis(Torture.SOAK_SECONDS) / 2);
        fs.add(follow("soak-0"));
        fs.add(follow("soak-1"));
        tally.put("sessions", 3).put("followers", fs.size());

        // The agents end by themselves; then so do the followers.
        Duration end = Duration.ofSeconds(120 + Torture.SOAK_SECONDS);
        for (int i = 0; i < 3; i++) {
            Path count = counts[i];
            HarnessProcesses.awaitTrue("agent " + i + " to finish", end, () -> Files.exists(count));
        }
        Path db = harness.home.resolve("harness.db");
        HarnessProcesses.awaitTrue("the sessions to end", end, () -> {
            try (StoreReader r = StoreReader.open(db)) {
                return r.sessions().stream().noneMatch(StoreReader.Row::active);
            }
        });
        for (Follower f : fs) {
            if (!f.process().waitFor(end.toSeconds(), TimeUnit.SECONDS)) {
                fail("a follower of " + f.session() + " did not end with its session; stderr: " + Files.readString(f.stderr()));
            }
        }

        long stored = 0;
        long chunks = 0;
        // Everything is counted first, so that the tally says how much was wrong, then asserted.
        tally.put("streamsNotAsWritten", 0).put("followersNotMatching", 0).put("seqProblems", 0).put("followerErrors", 0);
        List<String> problems = new ArrayList<>();
        try (StoreReader r = StoreReader.open(db)) {
            assertEquals(List.of("ok"), r.integrityCheck());
            for (int i = 0; i < 3; i++) {
                StoreReader.Row row = r.query("SELECT id, name, slot, status, reason, pid, pid_start_time, output_bytes,"
                        + " output_chunks, created_at FROM sessions WHERE name = ?", "soak-" + i).get(0);
                assertEquals("completed", row.status(), row::toString);
                String seq = r.seqProblem(row.id());
                if (seq != null) {
                    tally.add("seqProblems", 1);
                    problems.add(seq);
                }
                String[] written = Files.readString(counts[i]).strip().split(" ");
                long out = Long.parseLong(written[0]);
                long err = Long.parseLong(written[1]);
                StoreReader.Digest[] want = {
                    new StoreReader.Digest(HexFormat.of().formatHex(Generator.expectedSha256(seeds[i], out)), out),
                    new StoreReader.Digest(HexFormat.of().formatHex(Generator.expectedSha256(seeds[i] + 1, err)), err)};
                StoreReader.Digest[] got = {r.digest(row.id(), "stdout"), r.digest(row.id(), "stderr")};
                for (int k = 0; k < 2; k++) {
                    if (!want[k].equals(got[k])) {
                        tally.add("streamsNotAsWritten", 1);
                        problems.add("soak-" + i + " " + (k == 0 ? "stdout" : "stderr") + ": wrote " + want[k] + ", stored " + got[k]);
                    }
                }
                tally.add("bytesVerifiedAgainstWriters", out + err);
                stored += row.outputBytes();
                chunks += row.outputChunks();

                StoreReader.Digest all = r.digest(row.id(), null);
                for (Follower f : fs) {
                    if (!f.session().equals("soak-" + i)) {
                        continue;
                    }
                    String said = Files.readString(f.stderr(), StandardCharsets.UTF_8);
                    if (f.process().exitValue() != 0 || !said.equals("harness: session soak-" + i + " completed (exit 0)\n")) {
                        tally.add("followerErrors", 1);
                        problems.add("follower of soak-" + i + ": exit " + f.process().exitValue() + ", stderr " + said);
                    }
                    StoreReader.Digest followed = f.stdout().get(60, TimeUnit.SECONDS);
                    if (!all.equals(followed)) {
                        tally.add("followersNotMatching", 1);
                        problems.add("follower of soak-" + i + " received " + followed + ", stored " + all);
                    }
                    tally.add("bytesFollowed", followed.length());
                    tally.add("followersVerified", 1);
                }
            }
        }
        assertEquals(List.of(), problems);
        tally.put("bytesStored", stored).put("chunksStored", chunks);

        String log = Files.readString(harness.home.resolve("daemon.log"), StandardCharsets.UTF_8);
        List<String> trouble = log.lines().filter(l -> TROUBLE.matcher(l).find()).toList();
        tally.put("troubleLinesInDaemonLog", trouble.size());
        assertTrue(trouble.isEmpty(), () -> "the daemon log reports trouble: " + trouble);
        assertFalse(log.isEmpty(), "the daemon logged something");
    }
}
