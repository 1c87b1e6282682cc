package dev.agentharness.cli.torture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentharness.cli.it.HarnessProcesses;
import dev.agentharness.cli.it.Result;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input catalogue. One home holds a finished session, the keeper, whose stored output is
 * hashed first; every case below must leave it exactly as it was. Cases: every command with
 * malformed arguments and unknown ids (documented exit code, exactly one stderr line, no stack
 * trace); agent output that is not text (a 10 MB line without newline, NULs, invalid UTF-8); a home
 * on a full file system; a read-only home; a database file that is not SQLite; a database locked by
 * another process for longer than the busy timeout; malformed control-socket requests.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 240)
class BadInputTortureIT {
    private static final byte[] REPLACEMENT = "\uFFFD".getBytes(StandardCharsets.UTF_8);

    private Path tmp;

    private HarnessProcesses harness;
    private final Torture.Tally tally = new Torture.Tally("bad-input").put("storedOutputChanged", 0);
    private final String token = "TORTURE_TOKEN=" + UUID.randomUUID();
    private final List<String> failures = new ArrayList<>();
    private final List<String> skipped = new ArrayList<>();
    private final TreeMap<String, Long> tried = new TreeMap<>();
    private StoreReader.Digest keeper;
    private final List<Path> mounts = new ArrayList<>();

    // ---------------------------------------------------------------- shared home and bookkeeping

    @BeforeAll
    void keeper(@TempDir Path dir) throws Exception {
        tmp = dir;
        recording("setup", () -> {
            harness = new HarnessProcesses(tmp.resolve("home"), Files.createDirectories(tmp.resolve("scratch")));
            Torture.startDaemon(harness);
            keeper = makeKeeper(harness, "keeper");
            System.out.println("bad input: keeper " + keeper + ", seed " + Torture.SEED);
        });
    }

    /** A finished session of about a megabyte of known output; returns what it stored, checked against what it wrote. */
    private StoreReader.Digest makeKeeper(HarnessProcesses h, String name) throws IOException {
        Path count = h.scratch.resolve(name + ".count");
        long seed = Torture.SEED + name.hashCode();
        List<String> args = new ArrayList<>(List.of("run", "-q", "--name", name, "--env", token, "--"));
        args.addAll(Torture.generator(seed, 1 << 20, 1, count.toString(), ""));
        h.run(args.toArray(String[]::new)).ok();
        long written = Long.parseLong(Files.readString(count).strip().split(" ")[0]);
        byte[] stored = h.run("tail", name, "-n", "all").ok().stdoutBytes();
        assertArrayEquals(Generator.expected(seed, (int) written), stored, "the keeper stored what it wrote");
        return new StoreReader.Digest(Torture.sha256(stored), stored.length);
    }

    /** The keeper's stored output, read through the CLI and straight from the database, is what it was. */
    private void assertKeeperIntact(HarnessProcesses h, StoreReader.Digest expected, String name, String after) {
        byte[] viaCli = h.run("tail", name, "-n", "all").ok().stdoutBytes();
        StoreReader.Digest cli = new StoreReader.Digest(Torture.sha256(viaCli), viaCli.length);
        StoreReader.Digest db;
        try (StoreReader r = StoreReader.open(h.home.resolve("harness.db"))) {
            String id = r.query("SELECT id, name, slot, status, reason, pid, pid_start_time, output_bytes, output_chunks, created_at"
                    + " FROM sessions WHERE name = ?", name).get(0).id();
            db = r.digest(id, null);
            assertEquals(List.of("ok"), r.integrityCheck(), "integrity_check after " + after);
        }
        if (!expected.equals(cli) || !expected.equals(db)) {
            tally.add("storedOutputChanged", 1);
        }
        assertEquals(expected, cli, () -> name + "'s output (harness tail) changed after " + after);
        assertEquals(expected, db, () -> name + "'s output (database) changed after " + after);
        tally.add("keeperChecks", 1);
    }

    private void count(String category, long n) {
        synchronized (tried) {
            tried.merge(category, n, Long::sum);
        }
        tally.add("badInputs", n);
    }

    @AfterEach
    void keeperStillIntact(TestInfo info) {
        String name = info.getTestMethod().map(java.lang.reflect.Method::getName).orElse("?");
        try {
            if (Control.ping(harness.home.resolve("harness.sock")).isEmpty()) {
                Torture.startDaemon(harness);
            }
            assertKeeperIntact(harness, keeper, "keeper", name);
        } catch (Throwable t) {
            failures.add(name + ": " + t.getMessage());
            throw t;
        }
    }

    @AfterAll
    void cleanUp() {
        try {
            if (harness != null) {
                harness.cleanUp();
            }
            Procs.killAllWithEnvironment(token);
            for (Path m : mounts) {
                Mounts.unmount(m);
            }
        } finally {
            tally.put("tried", tried).put("skipped", skipped);
            tally.write(failures.isEmpty() ? null : new AssertionError(String.join("; ", failures)));
        }
    }

    /** Runs a case body, recording its failure for the tally. */
    private void recording(String name, ThrowingRunnable body) throws Exception {
        try {
            body.run();
        } catch (org.opentest4j.TestAbortedException skip) {
            skipped.add(name + ": " + skip.getMessage());
            throw skip;
        } catch (Throwable t) {
            failures.add(name + ": " + t.getMessage());
            throw t;
        }
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** One command line and the documented answer: exit code and a fragment of the one stderr line. */
    private record Case(int code, String fragment, List<String> args) {
    }

    private static Case c(int code, String fragment, String... args) {
        return new Case(code, fragment, List.of(args));
    }

    /** Runs the cases (three at a time) and checks each answer's shape. */
    private void expectAll(String category, List<Case> cases) {
        List<Result> results = Torture.runAll(harness, cases.stream().map(Case::args).toList());
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            Result r = results.get(i);
            expectOneLine(r, c.code(), c.fragment());
        }
        count(category, cases.size());
    }

    /** Exit code, exactly one stderr line {@code harness: ...} containing {@code fragment}, no stack trace, no internal error. */
    private static void expectOneLine(Result r, int code, String fragment) {
        r.expectOneLineError(code, fragment);
        assertFalse(r.stderr().contains("internal error"), r::toString);
    }

    // ---------------------------------------------------------------- 1. arguments and unknown ids

    @Test
    void everyCommandAnswersMalformedArgumentsAndUnknownIdsInOneLine() throws Exception {
        recording("arguments", () -> {
            harness.run("start", "--name", "live", "--slot", "3", "--", "sleep", "600").ok();
            Path badJson = Files.writeString(harness.scratch.resolve("bad.json"), "{not json");
            expectAll("arguments", List.of(
                    c(2, "CMD", "run"),
                    c(2, "invalid slot '0'", "run", "--slot", "0", "--", "true"),
                    c(2, "unknown restart policy 'sometimes'", "run", "--restart", "sometimes", "--", "true"),
                    c(2, "CMD", "start"),
                    c(2, "invalid slot '4'", "start", "--slot", "4", "--", "true"),
                    c(2, "NAME=VALUE", "start", "--env", "NOEQUALS", "--", "true"),
                    c(2, "invalid --env '=v'", "start", "--env", "=v", "--", "true"),
                    c(2, "invalid duration '-1s'", "start", "--stall-timeout", "-1s", "--", "true"),
                    c(2, "invalid number '-3'", "start", "--max-restarts", "-3", "--", "true"),
                    c(2, "no such run: NOSUCHRUN", "start", "--run", "NOSUCHRUN", "--", "true"),
                    c(2, "not a directory", "start", "--cwd", "/nonexistent/dir", "--", "true"),
                    c(2, "must not be blank", "start", "--name", "", "--", "true"),
                    c(2, "unknown status 'bogus'", "ps", "--status", "bogus"),
                    c(2, "invalid number '99999999999999999999'", "ps", "--limit", "99999999999999999999"),
                    c(2, "unknown option '--colour'", "ps", "--colour"),
                    c(2, "SESSION", "show"),
                    c(2, "is required", "show", ""),
                    c(2, "invalid number 'x'", "show", "keeper", "--events", "x"),
                    c(2, "invalid line count 'abc'", "tail", "keeper", "-n", "abc"),
                    c(2, "unknown stream 'both'", "tail", "keeper", "--stream", "both"),
                    c(2, "invalid --since 'yesterday'", "tail", "keeper", "--since", "yesterday"),
                    c(4, "no such session: extra", "tail", "keeper", "extra"),
                    c(2, "SESSION", "send"),
                    c(2, "invalid duration '5q'", "stop", "live", "--grace", "5q"),
                    c(2, "SESSION", "pause"),
                    c(2, "SESSION", "restart"),
                    c(2, "invalid number 'x'", "runs", "--limit", "x"),
                    c(2, "no such run: NOPE", "runs", "complete", "NOPE"),
                    c(2, "Unmatched argument", "runs", "frob"),
                    c(2, "unknown option '--bogus'", "stats", "--bogus"),
                    c(2, "purge needs", "purge"),
                    c(2, "invalid duration '3parsecs'", "purge", "--older-than", "3parsecs"),
                    c(2, "cannot purge running sessions", "purge", "--status", "running"),
                    c(2, "FILE", "import-legacy"),
                    c(2, "no such file", "import-legacy", "/nonexistent/sessions.json"),
                    c(2, "Unmatched argument", "recover", "extra"),
                    c(2, "invalid duration 'x'", "daemon", "--stop-grace", "x"),
                    c(2, "invalid duration 'x'", "shutdown", "--timeout", "x"),
                    c(2, "--home", "--home"),
                    c(2, "unknown command 'frobnicate'", "frobnicate"),
                    c(2, "unknown option '--debugx'", "--debugx", "ps"),
                    c(1, "already exists", "start", "--name", "keeper", "--", "true"),
                    c(1, "it is completed", "send", "keeper", "hi"),
                    c(1, "it is completed", "stop", "keeper"),
                    c(1, "it is completed", "pause", "keeper"),
                    c(1, "only a finished session can be restarted", "restart", "live"),
                    c(1, "is not JSON", "import-legacy", badJson.toString()),
                    c(1, "a daemon is already running", "daemon"),
                    c(3, "slot 3 is busy", "start", "--slot", "3", "--", "true")));
            expectAll("unknownIds", List.of(
                    c(4, "no such session: nosuch", "show", "nosuch"),
                    c(4, "no such session: nosuch", "tail", "nosuch"),
                    c(4, "no such session: nosuch", "send", "nosuch", "hi"),
                    c(4, "no such session: nosuch", "stop", "nosuch"),
                    c(4, "no such session: nosuch", "pause", "nosuch"),
                    c(4, "no such session: nosuch", "resume", "nosuch"),
                    c(4, "no such session: nosuch", "restart", "nosuch"),
                    c(4, "no such session: 01ZZZZZZZZZZZZZZZZZZZZZZZZ", "show", "01ZZZZZZZZZZZZZZZZZZZZZZZZ"),
                    c(4, "is ambiguous", "show", "0"),
                    c(4, "is ambiguous", "stop", "0")));

            // A command that cannot be spawned: the id on stdout, the reason on one stderr line, exit 1.
            Result spawn = harness.run("start", "--", "/no/such/binary");
            expectOneLine(spawn, 1, "no such executable");
            assertEquals(26, spawn.out().strip().length(), spawn::toString);
            count("arguments", 1);

            // Commands that need the daemon, without one: exit 1; an unknown session still exit 4.
            harness.run("shutdown").ok();
            expectAll("arguments", List.of(
                    c(1, "no daemon is running", "stop", "live"),
                    c(1, "no daemon is running", "send", "live", "hi"),
                    c(1, "no daemon is running", "pause", "live"),
                    c(1, "cannot resume session live: its command is not a known agent", "resume", "live")));
            expectAll("unknownIds", List.of(
                    c(4, "no such session: nosuch", "stop", "nosuch"),
                    c(4, "no such session: nosuch", "send", "nosuch", "hi"),
                    c(4, "no such session: nosuch", "pause", "nosuch")));
            assertFalse(harness.daemonAlive(), "no bad command started a daemon");
        });
    }

    // ---------------------------------------------------------------- 2. agent output that is not text

    @Test
    void outputThatIsNotTextIsStoredAsDocumented() throws Exception {
        recording("agentOutput", () -> {
            List<String> big = new ArrayList<>(List.of("run", "-q", "--name", "bigline", "--env", token, "--"));
            big.addAll(Torture.emitter("bigline"));
            Result printed = harness.run(big.toArray(String[]::new)).ok();
            byte[] line = Emitter.bigLine();
            assertArrayEquals(line, printed.stdoutBytes(), "run printed the 10 MB line exactly");
            assertArrayEquals(line, harness.run("tail", "bigline", "-n", "all").ok().stdoutBytes(), "stored byte for byte");
            assertArrayEquals(line, harness.run("tail", "bigline", "-n", "1").ok().stdoutBytes(), "it is one line");
            count("agentOutput", 1);

            List<String> nasty = new ArrayList<>(List.of("run", "-q", "--name", "nasty", "--env", token, "--"));
            nasty.addAll(Torture.emitter("nasty"));
            HarnessProcesses.Background runProcess = harness.start(nasty.toArray(String[]::new));
            Result run = runProcess.await(HarnessProcesses.DEFAULT_TIMEOUT).ok();
            byte[] out = harness.run("tail", "nasty", "-n", "all", "--stream", "stdout").ok().stdoutBytes();
            byte[] err = harness.run("tail", "nasty", "-n", "all", "--stream", "stderr").ok().stdoutBytes();
            for (int stream = 0; stream < 2; stream++) {
                byte[] written = Emitter.nasty(stream);
                byte[] stored = stream == 0 ? out : err;
                // Stored exactly (issue 16): invalid bytes, NULs, a character cut across reads, all as written.
                assertArrayEquals(written, stored, "stream " + stream + " stored byte for byte");
                assertEquals(indexOf(written, REPLACEMENT) >= 0, indexOf(stored, REPLACEMENT) >= 0, "no U+FFFD added");
            }
            // run keeps the streams apart, as docker run does (issue 16, item 9): -q leaves only the agent's stderr there.
            assertArrayEquals(out, run.stdoutBytes(), "run printed the agent's stdout on its stdout");
            assertArrayEquals(err, Files.readAllBytes(runProcess.err), "run printed the agent's stderr on its stderr");
            try (StoreReader r = StoreReader.open(harness.home.resolve("harness.db"))) {
                for (StoreReader.Row row : r.sessions()) {
                    assertEquals(null, r.seqProblem(row.id()));
                }
            }
            // NUL; FF; lone continuation; overlong; surrogate; beyond U+10FFFF; five bytes; a character cut across reads
            // (three times); cut then ASCII (twice); ending in half a character; FE FF; NULs on stderr.
            count("agentOutput", 14);
        });
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    // ---------------------------------------------------------------- 3. a home on a full file system

    /**
     * The flood's rate and seconds. Fast enough to fill the small file system in about a second, and
     * bounded in all ({@link Generator#maxBytes}): the disk may be full for only part of the flood's
     * seconds (about 2 s of 5 on a quiet machine), and what it still writes once there is room must
     * leave room. At full rate it once wrote 437 MB more after the remount, filled the grown file
     * system too, and nothing could end any more.
     */
    private static final long FLOOD_RATE = 32L << 20;
    private static final long FLOOD_SECONDS = 5;
    private static final long GROWN_BYTES = 512L << 20;

    @Test
    void aHomeOnAFullFileSystem() throws Exception {
        // Stored twice at worst (the WAL, then the database), with room to spare for the keeper after it.
        assertTrue(3 * Generator.maxBytes(FLOOD_RATE, FLOOD_SECONDS) < GROWN_BYTES, "the flood fits into the grown file system");
        recording("fullFilesystem", () -> {
            Path fs = tmp.resolve("fullfs");
            String why = Mounts.tmpfs(fs, "32m");
            Assumptions.assumeTrue(why == null, () -> "cannot mount a small file system here (" + why + ")");
            mounts.add(fs);
            HarnessProcesses h = new HarnessProcesses(fs.resolve("home"), Files.createDirectories(tmp.resolve("scratch-full")));
            try {
                StoreReader.Digest kept = makeKeeper(h, "keeper");

                // An agent writes fast until its output fills the file system, and goes on writing.
                Path count = h.scratch.resolve("flood.count");
                long seed = Torture.SEED + 77;
                List<String> flood = new ArrayList<>(List.of("start", "--name", "flood", "--env", token, "--"));
                flood.addAll(Torture.generator(seed, FLOOD_RATE, FLOOD_SECONDS, count.toString(), ""));
                h.run(flood.toArray(String[]::new)).ok();
                HarnessProcesses.awaitTrue("the file system to fill up", Torture.FUNCTIONAL,
                        () -> fs.toFile().getUsableSpace() < (1 << 20));
                long ballast = Mounts.fill(fs.resolve("ballast"));
                tally.put("fullFilesystemBallastBytes", ballast);

                // Commands that must write: done, or one line that says the disk is full.
                List<Result> results = Torture.runAll(h, List.of(List.of("start", "--", "true"), List.of("runs", "new", "while full"),
                        List.of("purge", "--status", "crashed"), List.of("import-legacy", writeLegacy(h).toString())));
                for (Result r : results) {
                    if (r.code() != 0) {
                        expectOneLine(r, 1, "disk full");
                    }
                }
                // Reading still works, and a home that cannot even be created says why.
                assertKeeperIntact(h, kept, "keeper", "commands on a full file system");
                Result fresh = new HarnessProcesses(fs.resolve("another-home"), h.scratch).run("ps");
                expectOneLine(fresh, 1, "another-home");
                count("fullFilesystem", 7);

                // Space again: the harness takes up where it was, everything stored before is intact.
                Files.delete(fs.resolve("ballast"));
                assertEquals(null, Mounts.remount(fs, "size=" + GROWN_BYTES), "grow the file system");
                // The agent ends by itself; its end is stored once there is room (it may have ended while there was none).
                HarnessProcesses.awaitTrue("the flood to be recorded completed", Torture.FUNCTIONAL,
                        () -> h.status("flood").equals("completed"));
                long written = Long.parseLong(Files.readString(count).strip().split(" ")[0]);
                long stored = h.session("flood").path("bytes").asLong();
                // While the disk was full the output writer waited, and the agent with it (its pipe
                // filled up): everything it wrote is stored once there is room.
                tally.put("fullFilesystemFloodWritten", written).put("fullFilesystemFloodStored", stored)
                        .put("fullFilesystemFloodNotStored", written - stored);
                assertEquals(written, stored, "bytes the flood wrote against bytes stored");
                // Whatever the flood wrote after the remount, it left room (else the keeper below waits for it).
                long usable = fs.toFile().getUsableSpace();
                assertTrue(usable > GROWN_BYTES / 8, "room left after the flood: " + usable + " bytes");
                // (daemon.log is in the home too: what the daemon said while the disk was full is not necessarily there.)
                assertKeeperIntact(h, kept, "keeper", "the file system filled up and emptied again");
                StoreReader.Digest after = makeKeeper(h, "after");
                assertTrue(after.length() > 0);
                try (StoreReader r = StoreReader.open(h.home.resolve("harness.db"))) {
                    for (StoreReader.Row row : r.sessions()) {
                        assertEquals(null, r.seqProblem(row.id()));
                    }
                }
            } finally {
                h.cleanUp();
                Files.deleteIfExists(fs.resolve("ballast"));
            }
        });
    }

    private static Path writeLegacy(HarnessProcesses h) throws IOException {
        return Files.writeString(h.scratch.resolve("sessions.json"), "[{\"id\":\"legacy-1\",\"command\":\"echo hi\","
                + "\"workingDir\":\"/tmp\",\"status\":\"completed\",\"createdAt\":\"2024-01-01T00:00:00Z\"}]");
    }

    // ---------------------------------------------------------------- 4. a read-only home

    @Test
    void aReadOnlyHome() throws Exception {
        recording("readOnlyHome", () -> {
            Path fs = tmp.resolve("rofs");
            String why = Mounts.tmpfs(fs, "64m");
            Assumptions.assumeTrue(why == null, () -> "cannot mount here, and chmod does not stop root (" + why + ")");
            mounts.add(fs);
            HarnessProcesses h = new HarnessProcesses(fs.resolve("home"), Files.createDirectories(tmp.resolve("scratch-ro")));
            try {
                StoreReader.Digest kept = makeKeeper(h, "keeper");
                h.run("shutdown").ok();
                byte[] before = Files.readAllBytes(h.home.resolve("harness.db"));
                String ro = Mounts.remount(fs, "ro");
                assertEquals(null, ro, "remount read-only");
                // Issue 12: what only reads opens the database read-only and works.
                for (List<String> reader : List.of(List.of("ps", "--all"), List.of("tail", "keeper"), List.of("show", "keeper"),
                        List.of("stats"), List.of("runs"), List.of("queue"), List.of("wait", "keeper"))) {
                    Result r = h.run(reader.toArray(String[]::new));
                    assertEquals(0, r.code(), r::toString);
                    if (List.of("ps", "show", "wait").contains(reader.get(0))) {
                        assertTrue(r.out().contains("keeper") || r.stderr().contains("keeper"), r::toString);
                    }
                }
                List<List<String>> commands = List.of(List.of("start", "--", "true"), List.of("run", "--", "true"),
                        List.of("runs", "new"), List.of("purge", "--all"), List.of("recover"),
                        List.of("import-legacy", writeLegacy(h).toString()));
                List<Result> results = Torture.runAll(h, commands);
                for (Result r : results) {
                    expectOneLine(r, 1, "");
                    String line = r.errLines().get(0);
                    assertTrue(line.contains("writable") || line.contains("Read-only") || line.contains("read-only"), r::toString);
                }
                // send reads the store (read-only) to name the session it cannot reach.
                h.run("send", "keeper", "x").expectOneLineError(1, "no daemon is running");
                Result daemon = h.run("daemon");
                assertEquals(1, daemon.code(), daemon::toString);
                String last = daemon.errLines().get(daemon.errLines().size() - 1);
                assertTrue(last.startsWith("harness: ") && last.contains("writable"), daemon::toString);
                assertFalse(daemon.stderr().contains("\tat "), daemon::toString);
                count("readOnlyHome", commands.size() + 1);

                assertArrayEquals(before, Files.readAllBytes(h.home.resolve("harness.db")), "the database is untouched");
                assertEquals(null, Mounts.remount(fs, "rw"), "remount read-write");
                assertKeeperIntact(h, kept, "keeper", "a read-only spell");
                h.run("run", "-q", "--", "true").ok();
            } finally {
                Mounts.remount(fs, "rw");
                h.cleanUp();
            }
        });
    }

    // ---------------------------------------------------------------- 5. a database that is not SQLite

    @Test
    void aDatabaseThatIsNotSqliteIsRefusedAndLeftUntouched() throws Exception {
        recording("notSqlite", () -> {
            Path real = tmp.resolve("real.db");
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + harness.home.resolve("harness.db"));
                 Statement st = c.createStatement()) {
                st.execute("VACUUM INTO '" + real + "'");
            }
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + real); Statement st = c.createStatement()) {
                st.execute("PRAGMA journal_mode = WAL"); // as the harness keeps its databases
            }
            byte[] realBytes = Files.readAllBytes(real);
            Random random = new Random(Torture.SEED);
            byte[] noise = new byte[100_000];
            random.nextBytes(noise);
            byte[] header = Arrays.copyOf("SQLite format 3\0".getBytes(StandardCharsets.US_ASCII), 65_536);
            for (int i = 16; i < header.length; i++) {
                header[i] = (byte) random.nextInt();
            }
            byte[] future = realBytes.clone();
            future[60] = 0;
            future[61] = 0;
            future[62] = 0;
            future[63] = 99; // user_version 99
            byte[] torn = realBytes.clone();
            for (int i = 32768 * 2; i < torn.length; i += 1024) {
                torn[i] = (byte) ~torn[i]; // pages past the schema scribbled over
            }
            record Variant(String name, byte[] content, String fragment) {
            }
            List<Variant> variants = List.of(
                    new Variant("text", "this is not a database, it is a grocery list\n".repeat(300).getBytes(StandardCharsets.UTF_8),
                            "not an SQLite database"),
                    new Variant("random", noise, "not an SQLite database"),
                    new Variant("zeros", new byte[8192], "not an SQLite database"),
                    new Variant("header-then-garbage", header, ""),
                    new Variant("truncated", Arrays.copyOf(realBytes, realBytes.length / 3), ""),
                    new Variant("newer-schema", future, "newer agent-harness"),
                    new Variant("scribbled", torn, ""));
            List<List<String>> allCommands = List.of(List.of("ps"), List.of("ps", "--all", "--json"), List.of("show", "x"),
                    List.of("tail", "x"), List.of("tail", "-f", "x"), List.of("stats"), List.of("runs"), List.of("runs", "new"),
                    List.of("runs", "complete"), List.of("purge", "--all"), List.of("import-legacy", writeLegacy(harness).toString()),
                    List.of("start", "--", "true"), List.of("run", "--", "true"), List.of("restart", "x"), List.of("recover"));
            List<List<String>> someCommands = List.of(List.of("ps", "--all"), List.of("start", "--", "true"), List.of("runs", "new"));
            for (Variant v : variants) {
                Path home = tmp.resolve("notsqlite-" + v.name());
                Files.createDirectories(home);
                Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
                Path db = home.resolve("harness.db");
                Files.write(db, v.content());
                HarnessProcesses h = new HarnessProcesses(home, Files.createDirectories(tmp.resolve("scratch-" + v.name())));
                try {
                    List<List<String>> commands = v.name().equals("text") ? allCommands : someCommands;
                    List<Result> results = Torture.runAll(h, commands);
                    boolean sqlite = v.name().equals("scribbled");
                    for (Result r : results) {
                        if (sqlite && r.code() == 0) {
                            continue; // an SQLite database with broken pages: what does not touch them may work
                        }
                        expectOneLine(r, 1, v.fragment());
                    }
                    count("notSqlite", commands.size());
                    if (!sqlite) {
                        // Not SQLite, or not ours: refused before SQLite may write anything.
                        assertArrayEquals(v.content(), Files.readAllBytes(db), v.name() + ": the file is byte for byte what it was");
                        assertFalse(h.daemonAlive(), v.name() + ": no daemon runs on a database it cannot use");
                    }
                } finally {
                    h.cleanUp();
                }
            }
            Path dir = tmp.resolve("notsqlite-dir");
            Files.createDirectories(dir.resolve("harness.db"));
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            expectOneLine(new HarnessProcesses(dir, harness.scratch).run("ps"), 1, "is a directory");
            count("notSqlite", 1);
        });
    }

    // ---------------------------------------------------------------- 6. a database locked by another process

    @Test
    void aDatabaseLockedLongerThanTheBusyTimeout() throws Exception {
        recording("lockedDatabase", () -> {
            Path count = harness.scratch.resolve("writer.count");
            long seed = Torture.SEED + 6;
            List<String> writer = new ArrayList<>(List.of("start", "--name", "writer", "--env", token, "--"));
            writer.addAll(Torture.generator(seed, 256 << 10, 4, count.toString(), "stderr"));
            harness.run(writer.toArray(String[]::new)).ok();
            Torture.sleep(1000);

            Path legacy = writeLegacy(harness);
            List<Result> results;
            List<Result> reads;
            try (Connection holder = DriverManager.getConnection("jdbc:sqlite:" + harness.home.resolve("harness.db"));
                 Statement st = holder.createStatement()) {
                st.execute("PRAGMA busy_timeout = 10000");
                st.execute("BEGIN EXCLUSIVE");
                long held = System.nanoTime();
                reads = Torture.runAll(harness, List.of(List.of("ps"), List.of("tail", "keeper", "-n", "1"), List.of("stats")));
                results = Torture.runAll(harness, List.of(List.of("purge", "--all"), List.of("runs", "new", "locked"),
                        List.of("start", "--", "true"), List.of("import-legacy", legacy.toString()), List.of("runs", "complete")), 5);
                long heldMs = (System.nanoTime() - held) / 1_000_000;
                tally.put("lockHeldMs", heldMs);
                st.execute("ROLLBACK");
            }
            for (Result r : reads) {
                r.ok(); // WAL: reading never waits for a writer
            }
            for (Result r : results) {
                if (r.args().equals(List.of("runs", "complete")) && r.code() == 1 && r.stderr().contains("no active run")) {
                    continue; // answered from a read before it needed the lock
                }
                expectOneLine(r, 1, "locked");
            }
            count("lockedDatabase", results.size());

            // Nothing was lost meanwhile: the writer's output waited and is all there.
            HarnessProcesses.awaitTrue("the writer to finish", Torture.FUNCTIONAL, () -> Files.exists(count)
                    && harness.status("writer").equals("completed"));
            String[] written = Files.readString(count).strip().split(" ");
            try (StoreReader r = StoreReader.open(harness.home.resolve("harness.db"))) {
                String id = r.query("SELECT id, name, slot, status, reason, pid, pid_start_time, output_bytes, output_chunks, created_at"
                        + " FROM sessions WHERE name = 'writer'").get(0).id();
                assertEquals(null, r.seqProblem(id));
                long out = Long.parseLong(written[0]);
                long err = Long.parseLong(written[1]);
                assertArrayEquals(Generator.expected(seed, (int) out), r.output(id, "stdout"), "the writer's stdout, complete");
                assertArrayEquals(Generator.expected(seed + 1, (int) err), r.output(id, "stderr"), "the writer's stderr, complete");
                tally.add("lockedDatabaseWriterBytes", out + err);
            }
            assertEquals(0, harness.json("runs", "--json").size(), "runs new did not happen");
        });
    }

    // ---------------------------------------------------------------- 7. malformed control-socket requests

    @Test
    void malformedControlRequestsGetAnErrorAndTheDaemonKeepsServing() throws Exception {
        recording("controlSocket", () -> {
            if (!harness.run("show", "live", "--json").out().contains("\"running\"")) {
                harness.run("start", "--name", "live2", "--", "sleep", "600").ok();
            }
            Path socket = harness.home.resolve("harness.sock");
            long pid = Control.ping(socket).orElseThrow();
            Set<String> codes = Set.of("bad_request", "usage", "no_such_session", "ambiguous_session", "not_active", "duplicate_name",
                    "no_free_slot", "illegal_transition", "error");
            StringBuilder deep = new StringBuilder();
            deep.append("[".repeat(100_000)).append("]".repeat(100_000)).append('\n');
            String nearlyHuge = "{\"op\":\"ping\",\"pad\":\"" + "x".repeat((1 << 20) - 100) + "\"}\n";
            List<byte[]> requests = new ArrayList<>();
            for (String s : List.of("{not json\n", "null\n", "[]\n", "42\n", "\"just a string\"\n", "{}\n",
                    "{\"op\":42}\n", "{\"op\":null}\n", "{\"op\":\"launch-missiles\"}\n", "{\"op\":\"PING\"}\n",
                    "{\"op\":\"start\"}\n", "{\"op\":\"start\",\"spec\":42}\n", "{\"op\":\"start\",\"spec\":{\"command\":\"ls\"}}\n",
                    "{\"op\":\"start\",\"spec\":{\"command\":[]}}\n", "{\"op\":\"start\",\"spec\":{\"command\":[1,2]}}\n",
                    "{\"op\":\"start\",\"spec\":{\"command\":[\"true\"],\"cwd\":\"relative\"}}\n",
                    "{\"op\":\"start\",\"spec\":{\"command\":[\"true\"],\"cwd\":\"/\",\"slot\":\"two\"}}\n",
                    "{\"op\":\"start\",\"spec\":{\"command\":[\"true\"],\"cwd\":\"/\",\"slot\":99}}\n",
                    "{\"op\":\"start\",\"spec\":{\"command\":[\"true\"],\"cwd\":\"/\",\"slot\":-1}}\n",
                    "{\"op\":\"start\",\"spec\":{\"command\":[\"true\"],\"cwd\":\"/\",\"env\":[\"A=1\"]}}\n",
                    "{\"op\":\"start\",\"spec\":{\"command\":[\"true\"],\"cwd\":\"/\",\"env\":{\"A\":1}}}\n",
                    "{\"op\":\"start\",\"spec\":{\"command\":[\"true\"],\"cwd\":\"/\",\"name\":{\"x\":1}}}\n",
                    "{\"op\":\"start\",\"spec\":{\"command\":[\"true\"],\"cwd\":\"/\",\"maxRuntime\":\"forever\"}}\n",
                    "{\"op\":\"start\",\"spec\":{\"command\":[\"true\"],\"cwd\":\"/\"},\"wait\":\"yes\"}\n",
                    "{\"op\":\"stop\"}\n", "{\"op\":\"stop\",\"session\":42}\n", "{\"op\":\"stop\",\"session\":\"keeper\",\"grace\":\"5q\"}\n",
                    "{\"op\":\"stop\",\"session\":\"keeper\",\"force\":\"very\"}\n", "{\"op\":\"stop\",\"session\":\"nosuch\"}\n",
                    "{\"op\":\"pause\",\"session\":[\"keeper\"]}\n", "{\"op\":\"send\",\"session\":\"keeper\"}\n",
                    "{\"op\":\"send\",\"session\":\"keeper\",\"base64\":\"***not base64***\"}\n",
                    "{\"op\":\"send\",\"session\":\"nosuch\",\"text\":\"hi\"}\n", "{\"op\":\"restart\",\"session\":\"\"}\n",
                    "{\"op\":\"ping\"} trailing garbage\n", "{\"op\":\"ping\",\"op\":\"shutdown\"}\n", deep.toString(), nearlyHuge)) {
                requests.add(s.getBytes(StandardCharsets.UTF_8));
            }
            requests.add(new byte[] {(byte) 0xFF, (byte) 0xFE, 0, 1, 2, '{', (byte) 0xC3, '\n'});
            requests.add(new byte[] {'{', '"', 'o', 'p', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}', '\n'});

            try (Control conn = Control.connect(socket)) {
                // Blank lines are no requests: skipped without an answer, and the connection goes on.
                conn.send("\n   \n\t\r\n");
                assertTrue(conn.request("{\"op\":\"ping\"}\n").path("ok").asBoolean(), "served after blank lines");
                count("controlSocket", 3);
                for (byte[] req : requests) {
                    JsonNode answer = conn.request(req);
                    String shown = new String(req, 0, Math.min(req.length, 120), StandardCharsets.UTF_8);
                    if (answer.path("ok").asBoolean()) {
                        // A ping with extra fields is a ping; a duplicate key must not have shut the daemon down.
                        assertTrue(shown.startsWith("{\"op\":\"ping\""), () -> "accepted: " + shown + " -> " + answer);
                    } else {
                        assertTrue(codes.contains(answer.path("error").path("code").asText()), () -> shown + " -> " + answer);
                        assertFalse(answer.path("error").path("message").asText().isBlank(), () -> shown + " -> " + answer);
                    }
                    assertEquals(pid, Control.ping(socket).orElse(-1L), () -> "the daemon answers after " + shown);
                }
            }
            count("controlSocket", requests.size());

            // Over 1 MiB without a newline: an error answer; the connection may then be closed.
            try (Control conn = Control.connect(socket)) {
                byte[] huge = new byte[(1 << 20) + 100];
                Arrays.fill(huge, (byte) 'x');
                conn.send(huge);
                conn.send("\n");
                JsonNode answer = conn.answer();
                assertEquals("bad_request", answer.path("error").path("code").asText(), answer::toString);
            } catch (IOException closed) {
                fail("a line over 1 MiB must get an error answer, not a dropped connection: " + closed.getMessage());
            }
            // Half a line, then gone; garbage without a newline, then gone; a request then gone before the answer.
            for (String half : List.of("{\"op\":\"start\",\"spec\":{\"comm", "\u0000\u0001garbage", "{\"op\":\"stop\",\"session\":\"nosuch\"}\n")) {
                try (Control conn = Control.connect(socket)) {
                    conn.send(half);
                }
            }
            // Many idle connections at once, and one that trickles a byte at a time: others are still served.
            List<Control> idle = new ArrayList<>();
            try {
                for (int i = 0; i < 24; i++) { // under the connection cap (32 served at once, issue 16)
                    idle.add(Control.connect(socket));
                }
                try (Control slow = Control.connect(socket)) {
                    for (byte b : "{\"op\":\"ping\"}".getBytes(StandardCharsets.UTF_8)) {
                        slow.send(new byte[] {b});
                        assertEquals(pid, Control.ping(socket).orElse(-1L), "served while another connection trickles");
                        Torture.sleep(20);
                    }
                    slow.send("\n");
                    assertTrue(slow.answer().path("ok").asBoolean());
                }
                // Over the cap: a clear "busy" answer, not a hang and not a bigger heap.
                for (int i = 0; i < 16; i++) {
                    idle.add(Control.connect(socket));
                }
                Torture.sleep(200);
                try (Control over = Control.connect(socket)) {
                    JsonNode busy = over.request("{\"op\":\"ping\"}\n");
                    assertEquals("busy", busy.path("error").path("code").asText(), busy::toString);
                } catch (IOException closedFirst) {
                    // Refused and closed before the request was written: also fine.
                }
            } finally {
                for (Control c : idle) {
                    c.close();
                }
            }
            HarnessProcesses.awaitTrue("room again after the idle connections close", Torture.FUNCTIONAL,
                    () -> Control.ping(socket).isPresent());
            count("controlSocket", 7);

            assertEquals(pid, Control.ping(socket).orElse(-1L), "the same daemon still serves");
            assertEquals("completed", harness.status("keeper"));
            JsonNode active = harness.json("ps", "--json");
            assertTrue(active.size() >= 1, "the live session still runs: " + active);
            harness.run("start", "--name", "after-socket", "--", "true").ok();
        });
    }


    // ---------------------------------------------------------------- 8. issue 16: an adversarial run

    /** The daemon's own JVM options (DaemonLauncher.DEFAULT_JVM_OPTIONS), not the tests' roomier heap. */
    private static final List<String> REAL_DAEMON_JVM = List.of("-Xmx96m", "-Xmn48m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError");

    /** A home of its own with a daemon started as the launcher starts one, behind {@code prefix}. */
    private HarnessProcesses ownHome(String name, List<String> prefix) throws Exception {
        HarnessProcesses h = new HarnessProcesses(tmp.resolve(name), Files.createDirectories(tmp.resolve("scratch-" + name)));
        HarnessProcesses.Background daemon = h.startWith(prefix, REAL_DAEMON_JVM, "daemon");
        Path socket = h.home.resolve("harness.sock");
        HarnessProcesses.awaitTrue("the daemon to answer", Torture.FUNCTIONAL,
                () -> Control.ping(socket).isPresent() || !daemon.process.isAlive());
        assertTrue(daemon.process.isAlive(), () -> "the daemon did not start: " + daemon.stderrSoFar());
        return h;
    }

    /**
     * Issue 16, item 1, at CI scale: three agents write while 200 connections each send a megabyte
     * without a newline and hold on. Before the fix, the 96 MiB daemon died of OutOfMemoryError in its
     * output writer and NuProcess threads: slots stayed running for ever, output was lost.
     */
    @Test
    void aFloodOfHalfLinesCannotWedgeTheDaemon() throws Exception {
        recording("halfLineFlood", () -> {
            HarnessProcesses h = ownHome("wedge", List.of());
            try {
                Path socket = h.home.resolve("harness.sock");
                long pid = Control.ping(socket).orElseThrow();
                List<long[]> seeds = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    long seed = Torture.SEED + 1600 + i;
                    Path count = h.scratch.resolve("agent" + i + ".count");
                    List<String> args = new ArrayList<>(List.of("start", "--name", "agent" + i, "--env", token, "--"));
                    args.addAll(Torture.generator(seed, 1L << 20, 6, count.toString(), ""));
                    h.run(args.toArray(String[]::new)).ok();
                    seeds.add(new long[] {seed, i});
                }
                byte[] head = "{\"op\":\"ping\",\"pad\":\"".getBytes(StandardCharsets.UTF_8);
                byte[] pad = new byte[1_000_000];
                Arrays.fill(pad, (byte) 'a');
                java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(200);
                java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
                try {
                    List<java.util.concurrent.Future<?>> attacks = new ArrayList<>();
                    for (int i = 0; i < 200; i++) {
                        attacks.add(pool.submit(() -> {
                            try (Control c = Control.connect(socket)) {
                                c.send(head);
                                c.send(pad);
                                Torture.sleep(5000);
                            } catch (IOException closedOnUs) {
                                refused.incrementAndGet(); // refused (busy) or cut off: either is fine
                            }
                            return null;
                        }));
                    }
                    for (java.util.concurrent.Future<?> f : attacks) {
                        f.get(120, java.util.concurrent.TimeUnit.SECONDS);
                    }
                } finally {
                    pool.shutdownNow();
                }
                tally.put("halfLineFloodConnections", 200).put("halfLineFloodCutOff", refused.get());
                for (int i = 0; i < 3; i++) {
                    String name = "agent" + i;
                    HarnessProcesses.awaitTrue(name + " to complete", Torture.FUNCTIONAL, () -> h.status(name).equals("completed"));
                }
                assertEquals(pid, Control.ping(socket).orElse(-1L), "the same daemon still serves");
                long stored = 0;
                for (long[] seed : seeds) {
                    String name = "agent" + seed[1];
                    long written = Long.parseLong(Files.readString(h.scratch.resolve(name + ".count")).strip().split(" ")[0]);
                    byte[] out = h.run("tail", name, "-n", "all").ok().stdoutBytes();
                    assertArrayEquals(Generator.expected(seed[0], (int) written), out, name + " stored everything it wrote");
                    stored += out.length;
                }
                tally.put("halfLineFloodAgentBytes", stored);
                // Slots free, stop and start work.
                h.run("start", "--name", "after", "--", "sleep", "600").ok();
                h.run("stop", "after", "--grace", "1s").ok();
                assertEquals("stopped", h.status("after"));
                count("halfLineFlood", 200);

                // The variant: 20 MB to an agent that never reads its stdin. Refused in one line, not OOM.
                h.run("start", "-i", "--name", "deaf", "--", "sleep", "600").ok();
                byte[] lots = new byte[20 << 20];
                Arrays.fill(lots, (byte) 'x');
                Path input = Files.write(h.scratch.resolve("lots"), lots);
                Result send = h.startWith(List.of("sh", "-c", "exec \"$0\" \"$@\" < " + input), List.of(), "send", "deaf", "-")
                        .await(HarnessProcesses.DEFAULT_TIMEOUT);
                expectOneLine(send, 1, "has not read the input sent before");
                assertEquals(pid, Control.ping(socket).orElse(-1L), "the same daemon still serves after the send");
                h.run("stop", "deaf", "--force").ok();
                count("stdinFlood", 1);
            } finally {
                h.cleanUp();
            }
        });
    }

    /** Issue 16, item 5, at CI scale (53 MB there): random bytes are stored byte for byte. */
    @Test
    void randomBytesAreStoredExactly() throws Exception {
        recording("randomBytes", () -> {
            byte[] random = new byte[4 << 20];
            new Random(Torture.SEED).nextBytes(random);
            Path file = Files.write(harness.scratch.resolve("random.bin"), random);
            HarnessProcesses.Background run = harness.start("run", "-q", "--name", "random", "--", "cat", file.toString());
            Result r = run.await(HarnessProcesses.DEFAULT_TIMEOUT).ok();
            assertArrayEquals(random, r.stdoutBytes(), "run printed them exactly");
            assertArrayEquals(random, harness.run("tail", "random", "-n", "all").ok().stdoutBytes(), "tail printed them exactly");
            assertEquals(random.length, harness.session("random").path("bytes").asLong(), "counted as written");
            try (StoreReader reader = StoreReader.open(harness.home.resolve("harness.db"))) {
                String id = harness.session("random").path("id").asText();
                assertEquals(new StoreReader.Digest(Torture.sha256(random), random.length), reader.digest(id, null));
            }
            // The views that show text decode leniently and do not fail.
            harness.run("show", "random").ok();
            harness.run("ps", "--all").ok();
            tally.put("randomBytesStored", random.length);
            count("agentOutput", 1);
        });
    }

    /** Issue 16, item 8: tail --escape shows what a raw tail would make the terminal do; names are escaped in status lines. */
    @Test
    void terminalEscapesInOutputAndNamesAreShownNotObeyed() throws Exception {
        recording("terminalEscapes", () -> {
            String name = "evil\u001b]0;pwned\u0007";
            String printf = "printf 'a\\033]52;c;ZXZpbA==\\007b\\033[6n\\n'";
            harness.run("run", "-q", "--name", name, "--", "sh", "-c", printf).ok();
            byte[] raw = harness.run("tail", name, "-n", "all").ok().stdoutBytes();
            assertArrayEquals("a\u001b]52;c;ZXZpbA==\u0007b\u001b[6n\n".getBytes(StandardCharsets.UTF_8), raw, "raw by default");
            assertEquals("a\\e]52;c;ZXZpbA==\\x07b\\e[6n\n", harness.run("tail", name, "-n", "all", "--escape").ok().out());
            Result follow = harness.run("tail", "-f", "-n", "0", name).ok();
            assertEquals(List.of("harness: session evil\\e]0;pwned\\x07 completed (exit 0)"), follow.errLines(), follow::toString);
            assertFalse(follow.stderr().contains("\u001b"), "no escape character on stderr");
            Result run = harness.run("run", "--name", "evil2\u001b[2J", "--", "true").ok();
            assertFalse(run.stderr().contains("\u001b"), run::toString);
            count("terminalEscapes", 4);
        });
    }

    /** Issue 16, item 9: harness run keeps the agent's stderr on its own stderr, as docker run does. */
    @Test
    void runKeepsTheAgentsStderrOnItsOwnStderr() throws Exception {
        recording("runStderr", () -> {
            Result r = harness.run("run", "-q", "--", "sh", "-c", "echo out; echo err >&2; echo out2").ok();
            assertEquals("out\nout2\n", r.out());
            assertEquals("err\n", r.stderr());
            count("runStderr", 1);
        });
    }

    /** Issue 16, items 6 and 7: NUL and newlines in requests; NUL in env, command and cwd. */
    @Test
    void aNewlineInAnOpCannotSplitALogLineAndNulIsRefusedInOneLine() throws Exception {
        recording("logInjection", () -> {
            HarnessProcesses h = new HarnessProcesses(tmp.resolve("logs"), Files.createDirectories(tmp.resolve("scratch-logs")));
            HarnessProcesses.Background daemon = Torture.startDaemon(h);
            try {
                Path socket = h.home.resolve("harness.sock");
                try (Control c = Control.connect(socket)) {
                    JsonNode a = c.request("{\"op\":\"ping\\nFORGED ERROR line\\u0000\"}\n");
                    assertEquals("bad_request", a.path("error").path("code").asText(), a::toString);
                    for (String spec : List.of("{\"command\":[\"true\"],\"cwd\":\"/\",\"env\":{\"SECRET\":\"a\\u0000b\"}}",
                            "{\"command\":[\"tr\\u0000ue\"],\"cwd\":\"/\"}", "{\"command\":[\"true\"],\"cwd\":\"/tmp\\u0000/etc\"}")) {
                        JsonNode r = c.request("{\"op\":\"start\",\"spec\":" + spec + "}\n");
                        assertEquals("usage", r.path("error").path("code").asText(), r::toString);
                        assertTrue(r.path("error").path("message").asText().contains("contains a NUL byte"), r::toString);
                    }
                }
                h.run("shutdown").ok();
                daemon.await(Torture.FUNCTIONAL);
                String log = new String(Files.readAllBytes(daemon.err), StandardCharsets.UTF_8);
                assertFalse(log.contains("\nFORGED"), "a request cannot start a log line:\n" + log);
                assertFalse(log.contains("\u0000"), "no NUL reaches the log");
                assertFalse(log.contains("\tat "), "no stack trace:\n" + log);
                assertTrue(log.contains("ping\\nFORGED"), "the op is logged, escaped:\n" + log);
                assertFalse(log.contains("a\u0000b") || log.contains("a\\x00b"), "the env value is never logged");
                count("logInjection", 4);
            } finally {
                h.cleanUp();
            }
        });
    }

    /** Issue 16, item 2 (a): a home that is a symbolic link, or under a directory others may write to, is refused untouched. */
    @Test
    void aSymlinkedHomeIsRefused() throws Exception {
        recording("homePath", () -> {
            Path target = Files.createDirectories(tmp.resolve("victim"));
            Files.setPosixFilePermissions(target, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            Path link = Files.createSymbolicLink(tmp.resolve("linked-home"), target);
            Path open = Files.createDirectories(tmp.resolve("open"));
            Files.setPosixFilePermissions(open, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
            List<List<String>> commands = List.of(List.of("ps"), List.of("start", "--env", "SECRET=x", "--", "true"), List.of("daemon"));
            for (List<String> cmd : commands) {
                expectOneLine(new HarnessProcesses(link, harness.scratch).run(cmd.toArray(String[]::new)), 1, "is a symbolic link");
                expectOneLine(new HarnessProcesses(open.resolve("home"), harness.scratch).run(cmd.toArray(String[]::new)), 1,
                        "others may write to");
            }
            assertEquals(java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"), Files.getPosixFilePermissions(target));
            try (var listing = Files.list(target)) {
                assertEquals(List.of(), listing.toList(), "nothing created in the link's target");
            }
            assertFalse(Files.exists(open.resolve("home")));
            count("homePath", 2 * commands.size());
        });
    }

    /**
     * Issue 16, item 2 (b): the socket in the home is served by another user. The client checks the
     * peer (SO_PEERCRED) before it sends anything, so the secret never leaves.
     */
    @Test
    void aSocketServedByAnotherUserGetsNothing() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root to run a listener as another user");
        recording("peerCredentials", () -> {
            Path home = Files.createDirectories(tmp.resolve("peer-home"));
            Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            // Outside the test's own 0700 directory, so that the other user can bind there; same file system (/tmp).
            Path theirs = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "theirs");
            Files.setPosixFilePermissions(theirs, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
            Path received = theirs.resolve("received");
            String listener = "import socket,sys\n"
                    + "s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(5)\n"
                    + "open(sys.argv[1]+'.ready','w').close()\n"
                    + "f=open(sys.argv[2],'ab')\n"
                    + "while True:\n"
                    + "  c,_=s.accept(); c.settimeout(3)\n"
                    + "  try:\n"
                    + "    d=c.recv(65536)\n"
                    + "    f.write(d); f.flush()\n"
                    + "  except Exception: pass\n"
                    + "  c.close()\n";
            Path sock = theirs.resolve("s.sock");
            Process p = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3", "-c", listener,
                    sock.toString(), received.toString()).redirectErrorStream(true).start();
            try {
                HarnessProcesses.awaitTrue("the other user's listener", Torture.FUNCTIONAL, () -> Files.exists(Path.of(sock + ".ready")));
                Files.move(sock, home.resolve("harness.sock")); // as a symlink flip would have put it there
                HarnessProcesses h = new HarnessProcesses(home, harness.scratch);
                Result r = h.run("start", "--env", "SECRET=" + token, "--", "true");
                expectOneLine(r, 1, "runs as user nobody");
                Result send = h.run("send", "x", "hi");
                assertTrue(send.code() != 0, send::toString);
                Torture.sleep(500);
                assertEquals(0, Files.exists(received) ? Files.size(received) : 0, "the other user's socket received nothing");
                count("peerCredentials", 2);
            } finally {
                p.destroyForcibly();
                p.waitFor();
                try (var files = Files.list(theirs)) {
                    for (Path f : files.toList()) {
                        Files.deleteIfExists(f);
                    }
                }
                Files.deleteIfExists(theirs);
            }
        });
    }

    /** Issue 16, item 3: with descriptors running out, the accept loop backs off and says so once, not megabytes a second. */
    @Test
    void acceptBacksOffWhenDescriptorsRunOut() throws Exception {
        recording("descriptors", () -> {
            // 40 descriptors: the idle daemon uses about 17, so accepting fails before the connection cap (32)
            // is reached. (With the 128 the cap alone keeps descriptors from running out.) 60
            // connections fit the listen backlog, so that every connect returns.
            HarnessProcesses h = ownHome("fd", List.of("bash", "-c", "ulimit -n 40; exec \"$0\" \"$@\""));
            try {
                Path socket = h.home.resolve("harness.sock");
                long pid = Control.ping(socket).orElseThrow();
                List<java.nio.channels.SocketChannel> held = new ArrayList<>();
                try {
                    for (int i = 0; i < 60; i++) {
                        java.nio.channels.SocketChannel ch = java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX);
                        ch.connect(java.net.UnixDomainSocketAddress.of(socket));
                        held.add(ch);
                    }
                    Torture.sleep(3000); // what used to write megabytes of log and spin a core
                } finally {
                    for (java.nio.channels.SocketChannel ch : held) {
                        ch.close();
                    }
                }
                HarnessProcesses.awaitTrue("the daemon to serve again", Torture.FUNCTIONAL, () -> Control.ping(socket).isPresent());
                assertEquals(pid, Control.ping(socket).orElse(-1L));
                assertEquals("ok\n", h.run("run", "-q", "--", "echo", "ok").ok().out());
                h.run("shutdown").ok();
                String log = Files.readString(h.scratch.resolve("out-1").resolveSibling("err-1"));
                long failures = log.lines().filter(l -> l.contains("accept failed")).count();
                tally.put("descriptorsAcceptFailedLines", failures).put("descriptorsLogBytes", log.length());
                assertTrue(failures >= 1, "descriptors ran out (else this test tests nothing):\n" + log);
                assertTrue(failures <= 3, "accept failures logged once per episode, not per attempt: " + failures + " lines");
                assertTrue(log.contains("accepting connections again"), "and the end of the episode:\n" + log);
                count("descriptors", 60);
            } finally {
                h.cleanUp();
            }
        });
    }

    /** Issue 16, item 4: bursts of starts that end at once (status commits, no output) keep the WAL within its bound. */
    @Test
    void statusCommitsCountTowardTheWalBound() throws Exception {
        recording("walBound", () -> {
            HarnessProcesses h = new HarnessProcesses(tmp.resolve("wal"), Files.createDirectories(tmp.resolve("scratch-wal")));
            Torture.startDaemon(h);
            try {
                Path socket = h.home.resolve("harness.sock");
                Path wal = h.home.resolve("harness.db-wal");
                long largest = 0;
                int started = 0;
                try (Control c = Control.connect(socket)) {
                    for (int attempt = 0; started < 150 && attempt < 20_000; attempt++) {
                        JsonNode r = c.request("{\"op\":\"start\",\"spec\":{\"command\":[\"true\"],\"cwd\":\"/\"}}\n");
                        if (r.path("ok").asBoolean()) {
                            started++;
                        } else {
                            assertEquals("no_free_slot", r.path("error").path("code").asText(), r::toString);
                            Torture.sleep(5);
                        }
                        if (Files.exists(wal)) {
                            largest = Math.max(largest, Files.size(wal));
                        }
                    }
                }
                tally.put("walBoundStarts", started).put("walBoundLargestWalBytes", largest);
                assertEquals(150, started, "sessions started");
                // 32 MiB bound, plus what a pass may lag behind; 157 MB in the 100 cycles.
                assertTrue(largest < 48L << 20, "largest WAL: " + (largest >> 20) + " MiB");
                count("walBound", 150);
            } finally {
                h.cleanUp();
            }
        });
    }
}
