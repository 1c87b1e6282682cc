package dev.agentharness.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.core.Session;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.StreamType;
import dev.agentharness.core.TerminalSize;
import dev.agentharness.core.error.HarnessException;
import dev.agentharness.supervisor.testing.TestHarness;
import dev.agentharness.supervisor.internal.keeper.ExitRecord;
import dev.agentharness.supervisor.internal.keeper.KeeperClient;
import dev.agentharness.supervisor.internal.keeper.KeeperFiles;
import dev.agentharness.supervisor.internal.keeper.KeeperProtocol;
import dev.agentharness.supervisor.internal.lifecycle.AgentControl;
import dev.agentharness.supervisor.internal.process.ProcInspector;
import dev.agentharness.supervisor.internal.process.Signal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The keeper contract: sessions run by the supervisor through real keeper processes (pipes and
 * terminals, input, resize, spawn failures, every byte, the exit record, the greeting), run against
 * each keeper (jdbi style: one contract, a subclass per backend). The JVM keeper
 * ({@link KeeperSessionTest}) and the native one ({@link NativeKeeperSessionTest}) must pass the same
 * tests: the native keeper is a second implementation of the protocol, and this is what keeps the
 * two the same.
 */
abstract class KeeperContract {
    @TempDir
    Path dir;

    private TestHarness h;

    /** The keeper's command line up to its arguments (HOME SESSION_ID are appended). */
    protected abstract List<String> keeperCommand();

    private void assertCompleted(Session ended) {
        assertEquals(SessionStatus.COMPLETED, ended.status(), "ended " + ended.status() + " (" + ended.reason() + ", exit code "
                + ended.exitCode() + "): " + h.output(ended.id()));
    }

    private TestHarness started() {
        return TestHarness.startedWithKeepers(dir, keeperCommand());
    }

    @AfterEach
    void close() {
        if (h != null) {
            h.close();
        }
    }

    private SessionSpec.Builder spec(String script) {
        return SessionSpec.builder(List.of("sh", "-c", script), dir.toString());
    }

    @Test
    void aPipeSessionKeepsItsStreamsApartAndEndsWithItsExactCode() {
        h = started();
        Session s = h.supervisor.startSession(spec("echo out; echo err >&2; sleep 0.3; exit 5").build());
        String keeperProgram = keeperCommand().get(0);
        assertTrue(ProcessHandle.current().children().anyMatch(p -> p.info().command().map(keeperProgram::equals).orElse(false)),
                "the session runs under the keeper under test, " + keeperProgram);
        Session ended = h.awaitEnded(s.id());
        assertEquals(SessionStatus.FAILED, ended.status());
        assertEquals(5, ended.exitCode());
        assertEquals("out\n", h.output(s.id(), EnumSet.of(StreamType.STDOUT)));
        assertEquals("err\n", h.output(s.id(), EnumSet.of(StreamType.STDERR)));
    }

    @Test
    void stdinIsAtEndOfFileUnlessInteractive() {
        h = started();
        Session s = h.supervisor.startSession(spec("cat; echo done").interactive(false).build());
        assertCompleted(h.awaitEnded(s.id()));
        assertEquals("done\n", h.output(s.id()));

        Session i = h.supervisor.startSession(spec("read x; echo got-$x").interactive(true).build());
        h.supervisor.send(i.id(), "hi\n".getBytes(StandardCharsets.UTF_8));
        assertCompleted(h.awaitEnded(i.id()));
        assertEquals("got-hi\n", h.output(i.id()));
    }

    @Test
    void aTerminalSessionIsStoredAsPtyAndResizeDeliversSigwinch() {
        h = started();
        Session s = h.supervisor.startSession(spec(
                "[ -t 0 ] && [ -t 1 ] && echo tty; stty size; trap 'stty size; [ \"$(stty size)\" = \"24 80\" ] && exit 4' WINCH;"
                        + " echo ready; while :; do sleep 0.05; done")
                .terminal(new TerminalSize(100, 30)).build());
        // Only the resize to 80x24 ends it: the terminal may get its first size (and a SIGWINCH) just
        // after the agent started, which is no resize of ours.
        TestHarness.await(() -> h.output(s.id()).contains("ready"), "the agent to be ready");
        h.supervisor.resize(s.id(), new TerminalSize(80, 24));
        Session ended = h.awaitEnded(s.id());
        assertEquals(4, ended.exitCode());
        String out = h.output(s.id());
        assertTrue(out.startsWith("tty\r\n30 100\r\n"), "the agent sees its size from its first instruction on: " + out);
        assertTrue(out.contains("24 80\r\n"), out);
        assertEquals(out, h.output(s.id(), EnumSet.of(StreamType.PTY)), "everything is stream pty");
    }

    @Test
    void aTerminalTakesInputAsTyped() {
        h = started();
        Session s = h.supervisor.startSession(spec("read x; echo got-$x").terminal(TerminalSize.DEFAULT).build());
        h.supervisor.send(s.id(), "typed\r".getBytes(StandardCharsets.UTF_8));
        assertCompleted(h.awaitEnded(s.id()));
        assertTrue(h.output(s.id()).contains("got-typed"), h.output(s.id()));
    }

    @Test
    void aPipeSessionCannotBeResized() {
        h = started();
        Session s = h.supervisor.startSession(spec("sleep 5").build());
        HarnessException e = assertThrows(HarnessException.class, () -> h.supervisor.resize(s.id(), new TerminalSize(80, 24)));
        assertTrue(e.getMessage().contains("pipes"), e.getMessage());
    }

    @Test
    void aSpawnFailureIsOneLine() {
        h = started();
        Session s = h.supervisor.startSession(SessionSpec.builder(List.of("/no/such/agent"), dir.toString()).build());
        Session ended = h.awaitEnded(s.id());
        assertEquals(SessionStatus.FAILED, ended.status());
        assertTrue(ended.reason() != null && !ended.reason().contains("\n"), String.valueOf(ended.reason()));
    }

    /**
     * An exec failure the pre-flight cannot see reads the same whichever keeper runs it, on pipes and
     * on a terminal, and as in-process (LaunchFailureTest): the pre-flight's words. The native keeper
     * said "could not spawn X: No such file or directory" where the JVM said "no such executable: X".
     * The agent passes the daemon's pre-flight (an executable file) and fails at exec: its interpreter
     * is missing.
     */
    @Test
    void anExecFailureIsWordedAsThePreflightWordsIt() throws Exception {
        Path agent = dir.resolve("agent");
        Files.writeString(agent, "#!/no/such/interpreter\n");
        Files.setPosixFilePermissions(agent, PosixFilePermissions.fromString("rwx------"));
        h = started();
        for (TerminalSize terminal : java.util.Arrays.asList(null, TerminalSize.DEFAULT)) {
            Session s = h.supervisor.startSession(SessionSpec.builder(List.of(agent.toString()), dir.toString()).terminal(terminal).build());
            Session ended = h.awaitEnded(s.id());
            assertEquals(SessionStatus.FAILED, ended.status());
            assertEquals("no such executable: " + agent, ended.reason(), terminal == null ? "on pipes" : "on a terminal");
        }
    }

    @Test
    void everyByteIsStoredInOrderWithItsSeqWhateverTheBytes() throws Exception {
        // Random bytes (not UTF-8: stored as BLOBs) between text with multi-byte characters, 6 MiB in
        // all: more than the 4 MiB the keeper may hold uncommitted, so backpressure takes part.
        java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < 48; i++) {
            byte[] noise = new byte[64 * 1024 + i];
            random.nextBytes(noise);
            expected.write(noise);
            expected.write(("Grüße, 世界 🌍 line " + i + "\n").repeat(900).getBytes(StandardCharsets.UTF_8));
        }
        Path file = dir.resolve("flood.bin");
        Files.write(file, expected.toByteArray());
        h = started();
        Session s = h.supervisor.startSession(spec("cat " + file + "; echo err >&2").build());
        assertCompleted(h.awaitEnded(s.id()));

        List<dev.agentharness.core.OutputChunk> chunks = new java.util.ArrayList<>(h.stores.outputs().getBySession(s.id(), 0));
        chunks.sort(java.util.Comparator.comparingLong(dev.agentharness.core.OutputChunk::seq));
        java.io.ByteArrayOutputStream stdout = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < chunks.size(); i++) {
            assertEquals(i + 1, chunks.get(i).seq(), "seq has no gap and no double");
            assertTrue(chunks.get(i).data().length <= 64 * 1024 + 3, "a chunk stays within 64 KiB");
            if (chunks.get(i).stream() == StreamType.STDOUT) {
                stdout.write(chunks.get(i).data());
            }
        }
        assertTrue(java.util.Arrays.equals(expected.toByteArray(), stdout.toByteArray()), "every byte, in order");
        assertEquals("err\n", h.output(s.id(), EnumSet.of(StreamType.STDERR)));
        Session row = h.session(s.id());
        assertEquals(chunks.size(), row.outputChunks());
        assertEquals(expected.size() + 4, row.outputBytes());
    }

    @Test
    void aDetachedKeeperGreetsWithItsVersionAndKeepsTheExitRecordUntilAcknowledged() throws Exception {
        h = started();
        Path go = dir.resolve("go");
        Session s = h.supervisor.startSession(spec("echo started; while [ ! -e " + go + " ]; do sleep 0.05; done; echo bye; exit 7").build());
        TestHarness.await(() -> h.output(s.id()).contains("started"), "the agent to start");
        int agentPid = h.session(s.id()).pid();
        h.supervisor.shutdownKeepingAgents(java.time.Duration.ofSeconds(2));
        h.stores.close();
        h = null;

        KeeperFiles files = KeeperFiles.of(dir, s.id());
        try (KeeperClient client = KeeperClient.connect(files)) {
            KeeperClient.Hello hello = client.hello();
            assertEquals(KeeperProtocol.VERSION, hello.version());
            assertEquals(agentPid, hello.agentPid());
            assertEquals(new ProcInspector().stat(agentPid).orElseThrow().startTime(), hello.agentStart());
            assertEquals(new ProcInspector().stat((int) hello.keeperPid()).orElseThrow().startTime(), hello.keeperStart());
            assertTrue(hello.detachedAtMillis() > 0, "it knows when it lost its daemon");
            assertEquals("", hello.spawnError());
        }
        Files.createFile(go);
        // No daemon: the keeper makes the record durable and leaves; the record stays.
        TestHarness.await(() -> Files.exists(files.exitRecord()) && !Files.exists(files.socket()), "the exit record");
        ExitRecord record = ExitRecord.read(files.exitRecord()).orElseThrow();
        assertEquals(7, record.status().code());
        assertEquals(null, record.status().signal());
        assertTrue(record.status().exact());
        assertEquals("", record.stderrHead());
        assertEquals(null, record.spawnError());
        assertEquals(java.util.Set.of(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                java.nio.file.attribute.PosixFilePermission.OWNER_WRITE), Files.getPosixFilePermissions(files.exitRecord()));

        h = started();
        Session ended = h.awaitEnded(s.id());
        assertEquals(SessionStatus.FAILED, ended.status());
        assertEquals(7, ended.exitCode());
        assertTrue(h.output(s.id()).endsWith("bye\n"), h.output(s.id()));
        TestHarness.await(() -> !Files.exists(files.exitRecord()), "the acknowledged record to go");
    }

    @Test
    void keepersTakeTurnsToWriteInsteadOfSleepingInTheBusyHandler() throws Exception {
        // Regression: three flooding keepers spent seconds each in SQLite's busy-handler sleeps
        // (up to 100 ms a try, not woken when the lock is freed). They now queue on a record lock of
        // write.lock; holding it here must hold a keeper's commit back, and releasing it let
        // the commit through.
        h = started();
        Path lockFile = dir.resolve("write.lock"); // beside harness.db: every writer of the home takes turns there
        assertCompleted(h.awaitEnded(h.supervisor.startSession(spec("printf first").build()).id()));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(lockFile)), "made by the keeper");
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(lockFile,
                java.nio.file.StandardOpenOption.WRITE)) {
            Session s;
            try (java.nio.channels.FileLock held = channel.lock()) {
                // The agent stays: a keeper whose agent ended would wait for its last commit before
                // it greets the daemon, and the start would wait with it.
                s = h.supervisor.startSession(spec("printf 'waits for its turn'; exec sleep 30").build());
                Thread.sleep(500); // many times what a commit takes once the writer may go
                assertEquals(0, h.stores.outputs().size(s.id()).bytes(), "nothing is committed while another writer has the turn");
            }
            TestHarness.await(() -> "waits for its turn".equals(h.output(s.id())), "the output once the turn is free");
            h.supervisor.stop(s.id(), java.time.Duration.ofSeconds(5), false).get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @Test
    void aKeepersSocketIsOwnerOnly() throws Exception {
        h = started();
        Session s = h.supervisor.startSession(spec("sleep 5").build());
        Path socket = KeeperFiles.of(dir, s.id()).socket();
        TestHarness.await(() -> Files.exists(socket), "the keeper's socket");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())));
    }

    @Test
    void theAgentRunsInItsOwnSessionWithSigpipeRestoredAndTheSessionsEnvironment() throws Exception {
        h = started();
        Session s = h.supervisor.startSession(spec(
                "ps -o sid= -o pgid= -p $$; echo pid=$$; yes | head -n 1; echo id=$HARNESS_SESSION_ID slot=$HARNESS_SLOT"
                        + " own=$OWN arena=${MALLOC_ARENA_MAX-unset} only=${HARNESS_KEEPER_ONLY_ENV-unset} pwd=$(pwd)")
                .env(java.util.Map.of("OWN", "value")).build());
        assertCompleted(h.awaitEnded(s.id()));
        String out = h.output(s.id());
        String[] lines = out.split("\n");
        String pid = lines[1].substring("pid=".length());
        assertEquals(List.of(pid, pid), List.of(lines[0].trim().split("\\s+")), "its own session and process group: " + out);
        assertEquals("y", lines[2], "yes ended quietly of SIGPIPE: " + out);
        assertEquals("id=" + s.id() + " slot=" + s.slot() + " own=value arena=" + (System.getenv("MALLOC_ARENA_MAX") == null
                ? "unset" : System.getenv("MALLOC_ARENA_MAX")) + " only=unset pwd=" + dir.toRealPath(), lines[3]);
    }

    @Test
    void aTerminalHasTermXterm256colorUnlessTheSpecSetsIt() {
        h = started();
        Session s = h.supervisor.startSession(spec("echo term=$TERM").terminal(TerminalSize.DEFAULT).build());
        h.awaitEnded(s.id());
        assertTrue(h.output(s.id()).contains("term=xterm-256color"), h.output(s.id()));
        Session own = h.supervisor.startSession(spec("echo term=$TERM").terminal(TerminalSize.DEFAULT)
                .env(java.util.Map.of("TERM", "vt100")).build());
        h.awaitEnded(own.id());
        assertTrue(h.output(own.id()).contains("term=vt100"), h.output(own.id()));
    }

    /**
     * Regression: a fast agent ended, and the native keeper wrote its record and left, before the
     * daemon that had started it connected; the daemon then reported "its keeper did not start" for
     * a session whose output was all there. A keeper that never had a daemon waits for one, and tells
     * a daemon that connects after the end everything at once (greeting, exit, drained).
     */
    @Test
    void aKeeperWhoseAgentEndedBeforeAnyDaemonConnectedWaitsToTellIt() throws Exception {
        Session row = claimedWithoutAKeeper("echo quick; echo oops >&2; exit 3");
        KeeperFiles files = KeeperFiles.of(dir, row.id());
        Process keeper = detachedKeeper(row);
        try {
            TestHarness.await(() -> Files.exists(files.exitRecord()), "the agent to end and its record to be written");
            assertTrue(keeper.isAlive(), "the keeper waits for the daemon that started it");
            RecordingListener told = new RecordingListener();
            try (KeeperClient client = KeeperClient.connect(files)) {
                assertEquals("", client.hello().spawnError());
                client.listen(told, "test");
                assertEquals(3, told.exited.get(30, java.util.concurrent.TimeUnit.SECONDS).code());
                assertEquals("oops\n", told.drained.get(30, java.util.concurrent.TimeUnit.SECONDS));
                assertLeavesOnceAcknowledged(client, keeper);
            }
            assertTrue(!Files.exists(files.socket()), "its socket is gone");
            assertEquals("quick\n", h.output(row.id(), EnumSet.of(StreamType.STDOUT)));
            assertEquals("oops\n", h.output(row.id(), EnumSet.of(StreamType.STDERR)));
        } finally {
            keeper.destroyForcibly();
        }
    }

    /**
     * Regression (CI, BadInputTortureIT.aHomeOnAFullFileSystem): the native keeper retried its exit
     * record (the disk was full) without serving its socket, so the daemon that had just connected
     * waited for a greeting, and {@code harness start} hung until there was room again. A keeper that
     * cannot write its record yet still greets a daemon and tells it the exit; the end follows once
     * the record is written. The record is kept from being written by a directory where its
     * temporary file goes, with a file in it so that it cannot be removed.
     */
    @Test
    void aKeeperThatCannotWriteItsExitRecordYetStillGreetsAndTellsTheExit() throws Exception {
        Path go = dir.resolve("go");
        Session row = claimedWithoutAKeeper("echo quick; while [ ! -e " + go + " ]; do sleep 0.05; done; exit 3");
        KeeperFiles files = KeeperFiles.of(dir, row.id());
        files.ensureDirectory();
        Path blocker = files.exitRecord().resolveSibling(files.exitRecord().getFileName() + ".tmp");
        Files.createFile(Files.createDirectory(blocker).resolve("in-the-way"));
        Process keeper = detachedKeeper(row);
        Path log = dir.resolve("keeper.log");
        try {
            TestHarness.await(() -> "quick\n".equals(h.output(row.id())), "the agent to start");
            Files.createFile(go);
            TestHarness.await(() -> readLog(log).contains("cannot write the exit record yet"), "the keeper to retry its record");
            RecordingListener told = new RecordingListener();
            try (KeeperClient client = KeeperClient.connect(files, java.time.Duration.ofSeconds(5))) {
                client.listen(told, "test");
                assertEquals(3, told.exited.get(30, java.util.concurrent.TimeUnit.SECONDS).code());
                Thread.sleep(300);
                assertTrue(!told.drained.isDone(), "the end waits for the record");
                Files.delete(blocker.resolve("in-the-way"));
                Files.delete(blocker);
                assertEquals("", told.drained.get(30, java.util.concurrent.TimeUnit.SECONDS));
                assertTrue(Files.exists(files.exitRecord()), "the record, written before the end was told");
                assertLeavesOnceAcknowledged(client, keeper);
            }
        } finally {
            keeper.destroyForcibly();
        }
    }

    /**
     * Live followers depend on it (issue 15): after each commit the keeper tells the daemon, and
     * what it tells of is already in the store when the notice arrives.
     */
    @Test
    void eachCommitIsToldToTheDaemonOnceItIsStored() throws Exception {
        Path go = dir.resolve("go");
        Session row = claimedWithoutAKeeper("echo first; while [ ! -e '" + go + "' ]; do sleep 0.05; done; echo second");
        KeeperFiles files = KeeperFiles.of(dir, row.id());
        Process keeper = detachedKeeper(row);
        try {
            java.util.concurrent.LinkedBlockingQueue<String> storedAtNotice = new java.util.concurrent.LinkedBlockingQueue<>();
            RecordingListener told = new RecordingListener(() -> storedAtNotice.add(h.output(row.id())));
            try (KeeperClient client = connectWhenListening(files)) {
                client.listen(told, "test");
                Files.createFile(go);
                String stored;
                do {
                    stored = storedAtNotice.poll(30, java.util.concurrent.TimeUnit.SECONDS);
                    assertNotNull(stored, "a commit notice after the agent wrote again");
                } while (!stored.contains("second"));
                assertEquals("first\nsecond\n", stored, "what a notice tells of is in the store");
                told.drained.get(30, java.util.concurrent.TimeUnit.SECONDS);
                assertLeavesOnceAcknowledged(client, keeper);
            }
        } finally {
            keeper.destroyForcibly();
        }
    }

    /** A session's row, claimed in a store opened here, with no keeper yet (the test starts its own). */
    private Session claimedWithoutAKeeper(String script) {
        h = TestHarness.open(dir, java.time.Clock.systemUTC(), TestHarness.fastConfig());
        return h.stores.sessions().claimSlot(spec(script).build());
    }

    /** A keeper for {@code row} with no daemon, logging to keeper.log in the home. */
    private Process detachedKeeper(Session row) throws java.io.IOException {
        return keeperProcess(dir, dir, row.id(), dir.resolve("keeper.log"));
    }

    /** Acknowledges the end as a daemon does, after which the keeper exits 0. */
    private static void assertLeavesOnceAcknowledged(KeeperClient client, Process keeper) throws InterruptedException {
        client.acknowledgeExit();
        assertTrue(keeper.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "it leaves once acknowledged");
        assertEquals(0, keeper.exitValue());
    }

    private Process keeperProcess(Path cwd, Path home, String argument, Path log) throws java.io.IOException {
        List<String> command = new java.util.ArrayList<>(keeperCommand());
        command.add(home.toString());
        command.add(argument);
        return new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    }

    /** A home deleted under a running harness and made anew (by someone else, or a new harness) gets nothing from an old keeper. */
    @Test
    void aKeeperMakesNothingInAHomeThatWasReplaced() throws Exception {
        Path home = Files.createDirectory(dir.resolve("home"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        h = TestHarness.open(home, java.time.Clock.systemUTC(), TestHarness.fastConfig());
        Session row = h.stores.sessions().claimSlot(spec("echo hi").build());
        Files.move(home, dir.resolve("old"));
        Files.createDirectory(home, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));

        Process keeper = keeperProcess(dir.resolve("old"), home, row.id(), dir.resolve("keeper.log"));
        assertTrue(keeper.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "it leaves");
        assertEquals(1, keeper.exitValue());
        try (var files = Files.list(home)) {
            assertEquals(List.of(), files.toList(), "nothing made in the new home");
        }
        String log = Files.readString(dir.resolve("keeper.log"));
        assertTrue(log.contains("was replaced") && log.strip().lines().count() == 1, log);
    }

    /** A spare booted in a home that is replaced while it waits makes nothing there when it is adopted. */
    @Test
    void aSpareAdoptedAfterItsHomeWasReplacedMakesNothingThere() throws Exception {
        Path home = Files.createDirectory(dir.resolve("home"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        h = TestHarness.open(home, java.time.Clock.systemUTC(), TestHarness.fastConfig());
        Session row = h.stores.sessions().claimSlot(spec("echo hi").build());
        Process spare = keeperProcess(home, home, "--spare", dir.resolve("spare.log"));
        try {
            Path socket = KeeperFiles.spareSocket(home, spare.pid());
            // Listening, not only bound: the spare sets its socket's mode by path just after bind, and a
            // home moved in between makes it leave (a race of this test, not the scenario under test).
            TestHarness.await(() -> {
                try (var ch = java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
                    ch.connect(java.net.UnixDomainSocketAddress.of(socket));
                    return true; // closed without a frame: the spare keeps waiting
                } catch (java.io.IOException notYet) {
                    return false;
                }
            }, "the spare to listen");
            Files.move(home, dir.resolve("old"));
            Files.createDirectory(home, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path moved = KeeperFiles.spareSocket(dir.resolve("old"), spare.pid());
            java.io.ByteArrayOutputStream id = new java.io.ByteArrayOutputStream();
            new java.io.DataOutputStream(id).writeUTF(row.id());
            TestHarness.await(() -> {
                try (var ch = java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
                    ch.connect(java.net.UnixDomainSocketAddress.of(moved));
                    KeeperProtocol.write(new java.io.DataOutputStream(java.nio.channels.Channels.newOutputStream(ch)), KeeperProtocol.ADOPT,
                            id.toByteArray());
                    return true;
                } catch (java.io.IOException notYetListening) {
                    return false;
                }
            }, "the spare to take the adoption");
            assertTrue(spare.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "it leaves");
            assertEquals(1, spare.exitValue());
            try (var files = Files.list(home)) {
                assertEquals(List.of(), files.toList(), "nothing made in the new home");
            }
            assertTrue(Files.readString(dir.resolve("spare.log")).contains("was replaced"), Files.readString(dir.resolve("spare.log")));
        } finally {
            spare.destroyForcibly();
        }
    }

    /**
     * A daemon killed while a session's keeper booted left the row {@code starting}; the next daemon
     * waited a fixed 3 s for the keeper's socket and then called the session lost. The keeper the
     * daemon recorded (keepers/ID.keeper: pid and start time) is waited for while it lives, however
     * slowly it boots (here it starts listening after 4 s).
     */
    @Test
    void aStartingSessionWhoseRecordedKeeperBootsSlowlyIsTakenOverNotCrashed() throws Exception {
        String id;
        try (dev.agentharness.store.SqliteStores stores = dev.agentharness.store.SqliteStores.open(dir.resolve("harness.db"),
                java.time.Clock.systemUTC(), new dev.agentharness.core.UlidGenerator(java.time.Clock.systemUTC()), 3)) {
            id = stores.sessions().claimSlot(spec("echo hi; sleep 1").build()).id();
        }
        KeeperFiles files = KeeperFiles.of(dir, id);
        Files.createDirectories(files.dir(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        List<String> command = new java.util.ArrayList<>(List.of("sh", "-c", "sleep 4; exec \"$@\"", "sh"));
        command.addAll(keeperCommand());
        command.add(dir.toString());
        command.add(id);
        Process keeper = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("keeper.log").toFile()).start();
        try {
            long start = new ProcInspector().stat((int) keeper.pid()).orElseThrow().startTime();
            Files.writeString(files.keeperIdentity(), keeper.pid() + " " + start + "\n");
            h = started();
            Session ended = h.awaitEnded(id);
            assertEquals(SessionStatus.COMPLETED, ended.status(), ended.reason() + "; the keeper's log: " + readLog(dir.resolve("keeper.log")));
            assertEquals("hi\n", h.output(id));
        } finally {
            keeper.destroyForcibly();
        }
    }

    /** Each commit is told to a connected daemon (COMMITTED), whose live bus then pushes the output to followers. */
    @Test
    void aConnectedDaemonIsToldOfCommits() throws Exception {
        Path go = dir.resolve("go");
        Session row = claimedWithoutAKeeper("while [ ! -e " + go + " ]; do sleep 0.02; done; echo one");
        KeeperFiles files = KeeperFiles.of(dir, row.id());
        Process keeper = detachedKeeper(row);
        try {
            RecordingListener told = new RecordingListener();
            try (KeeperClient c = connectWhenListening(files)) {
                c.listen(told, "test");
                Files.createFile(go);
                told.drained.get(30, java.util.concurrent.TimeUnit.SECONDS);
                assertTrue(told.commitsAtDrain >= 1, "told of the commit before the end");
                assertEquals("one\n", h.output(row.id()));
                assertLeavesOnceAcknowledged(c, keeper);
            }
        } finally {
            keeper.destroyForcibly();
        }
    }

    private static String readLog(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }

    /** A keeper's socket file appears at bind(2), a moment before it listens: a refusal is tried again. */
    private static KeeperClient connectWhenListening(KeeperFiles files) throws Exception {
        long deadline = System.nanoTime() + TestHarness.TIMEOUT.toNanos();
        while (true) {
            try {
                return KeeperClient.connect(files);
            } catch (java.io.IOException notYetListening) {
                assertTrue(System.nanoTime() < deadline, "the keeper listens: " + notYetListening);
                Thread.sleep(10);
            }
        }
    }

    /**
     * Protocol 2: stop, pause and resume reach the agent's whole group through its keeper (the agent's
     * parent), not from the daemon; a stop's TERM (with the CONT after it) reaches a paused group.
     */
    @Test
    void stopPauseAndResumeReachTheWholeGroupThroughTheKeeper() {
        h = started();
        Session s = h.supervisor.startSession(spec("trap 'echo got-term; exit 3' TERM; sleep 300 & echo ready child=$!;"
                + " while :; do sleep 0.05; done").build());
        TestHarness.await(() -> h.output(s.id()).contains("ready"), "the agent to be ready");
        int pid = h.session(s.id()).pid();
        int child = Integer.parseInt(h.output(s.id()).replaceAll("(?s).*child=(\\d+).*", "$1"));
        // An adopted spare logs where it was started: keepers/spares.log.
        java.util.function.Supplier<String> logs = () -> readLog(KeeperFiles.of(dir, s.id()).log())
                + readLog(KeeperFiles.of(dir, "spares").log());
        ProcInspector proc = new ProcInspector();

        h.supervisor.pause(s.id());
        TestHarness.await(() -> logs.get().contains("SIGSTOP to the agent's group"), "the keeper to stop the group");
        TestHarness.await(() -> TestHarness.groupStopped(proc, pid), "the agent's group to be stopped");
        assertEquals('T', proc.stat(child).orElseThrow().state(), "the background child too");
        h.supervisor.resume(s.id());
        TestHarness.await(() -> logs.get().contains("SIGCONT to the agent's group"), "the keeper to continue the group");
        TestHarness.await(() -> proc.liveGroupMembers(pid, -1, 0).stream().noneMatch(m -> m.state() == 'T'), "the group to run again");

        h.supervisor.pause(s.id());
        TestHarness.await(() -> TestHarness.groupStopped(proc, pid), "the agent's group to be stopped again");
        h.supervisor.stop(s.id(), java.time.Duration.ofSeconds(10), false);
        Session ended = h.awaitEnded(s.id());
        assertEquals(SessionStatus.STOPPED, ended.status(), String.valueOf(ended.reason()));
        assertTrue(h.output(s.id()).contains("got-term"), "the paused agent acted on its TERM: " + h.output(s.id()));
        TestHarness.await(() -> logs.get().contains("SIGTERM to the agent's group"), "the keeper's log of the TERM");
        TestHarness.await(() -> proc.stat(child).map(st -> st.hasExited()).orElse(true), "the background child to have gone");
    }

    /** Protocol 2: a signal asked of a keeper whose agent has ended (nothing left in its group) is answered "nothing received". */
    @Test
    void aSignalAfterTheAgentEndedIsAnsweredNothingReceived() throws Exception {
        Session row = claimedWithoutAKeeper("echo bye; exit 3");
        KeeperFiles files = KeeperFiles.of(dir, row.id());
        Process keeper = detachedKeeper(row);
        try (KeeperClient client = connectWhenListening(files)) {
            RecordingListener told = new RecordingListener();
            client.listen(told, "test");
            told.drained.get(30, java.util.concurrent.TimeUnit.SECONDS);
            for (Signal signal : List.of(Signal.TERM, Signal.CONT, Signal.KILL)) {
                assertEquals(AgentControl.Relayed.NOTHING_RECEIVED, client.signal(signal), signal.name());
            }
            assertTrue(keeper.isAlive(), "the keeper is unharmed: " + readLog(dir.resolve("keeper.log")));
            assertLeavesOnceAcknowledged(client, keeper);
        } finally {
            keeper.destroyForcibly();
        }
    }

    /**
     * A keeper ignores frames it does not know and refuses signals the daemon never sends (and a
     * SIGNAL too short to hold one), answering each SIGNAL all the same, so that the daemon's
     * answers stay in step; the connection stays usable.
     */
    @Test
    void unknownFramesAndSignalsAreRefusedSafely() throws Exception {
        Session row = claimedWithoutAKeeper("echo ready; sleep 60");
        KeeperFiles files = KeeperFiles.of(dir, row.id());
        Process keeper = detachedKeeper(row);
        try {
            connectWhenListening(files).close(); // listening
            try (java.nio.channels.SocketChannel ch = java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
                ch.connect(java.net.UnixDomainSocketAddress.of(files.socket()));
                java.io.DataInputStream in = new java.io.DataInputStream(java.nio.channels.Channels.newInputStream(ch));
                java.io.DataOutputStream out = new java.io.DataOutputStream(java.nio.channels.Channels.newOutputStream(ch));
                assertEquals(KeeperProtocol.HELLO, KeeperProtocol.read(in).type());
                KeeperProtocol.write(out, (byte) 99, new byte[] {1, 2, 3});
                KeeperProtocol.write(out, KeeperProtocol.SIGNAL, java.nio.ByteBuffer.allocate(4).putInt(1).array()); // SIGHUP
                KeeperProtocol.write(out, KeeperProtocol.SIGNAL, new byte[] {0, 0});
                KeeperProtocol.write(out, KeeperProtocol.SIGNAL, java.nio.ByteBuffer.allocate(4).putInt(Signal.KILL.number()).array());
                List<Byte> answers = new java.util.ArrayList<>();
                KeeperProtocol.Frame f;
                Integer killedBy = null;
                while (killedBy == null || answers.size() < 3) {
                    f = KeeperProtocol.read(in);
                    assertNotNull(f, "the connection stays open: " + readLog(dir.resolve("keeper.log")));
                    if (f.type() == KeeperProtocol.SIGNALLED) {
                        answers.add(f.payload()[0]);
                    } else if (f.type() == KeeperProtocol.EXITED) {
                        killedBy = java.nio.ByteBuffer.wrap(f.payload()).getInt(4);
                    }
                }
                assertEquals(List.of((byte) 0, (byte) 0, (byte) 1), answers, "refused, refused, received");
                assertEquals(Signal.KILL.number(), killedBy, "only the KILL reached the agent");
            }
        } finally {
            keeper.destroyForcibly();
        }
    }

    /**
     * Protocol 2 reads frames while input waits for the agent, so that a stop never waits behind input
     * a deaf agent does not take (in protocol 1 the keeper stopped reading its socket until the agent
     * took the last input; with signals over the socket, that would have made such an agent unstoppable).
     */
    @Test
    void anAgentThatTakesNoInputCanStillBeStoppedWhileInputWaits() {
        h = started();
        Session s = h.supervisor.startSession(spec("echo ready; sleep 60").interactive(true).build());
        TestHarness.await(() -> h.output(s.id()).contains("ready"), "the agent to be ready");
        h.supervisor.send(s.id(), "x".repeat(200_000).getBytes(StandardCharsets.UTF_8)); // more than a pipe holds
        h.supervisor.stop(s.id(), java.time.Duration.ofSeconds(10), false);
        Session ended = h.awaitEnded(s.id());
        assertEquals(SessionStatus.STOPPED, ended.status(), String.valueOf(ended.reason()));
    }

    /** Records what a keeper tells its client: the agent's exit, the drain (or the lost connection), each commit. */
    private static final class RecordingListener implements KeeperClient.Listener {
        final java.util.concurrent.CompletableFuture<dev.agentharness.supervisor.internal.process.ExitStatus> exited =
                new java.util.concurrent.CompletableFuture<>();
        final java.util.concurrent.CompletableFuture<String> drained = new java.util.concurrent.CompletableFuture<>();
        private final Runnable onCommit;
        private int commits; // the client's reader thread alone calls the listener
        volatile int commitsAtDrain;

        RecordingListener() {
            this(() -> { });
        }

        RecordingListener(Runnable onCommit) {
            this.onCommit = onCommit;
        }

        @Override
        public void activity(byte[] tail) {
        }

        @Override
        public void committed() {
            commits++;
            onCommit.run();
        }

        @Override
        public void exited(dev.agentharness.supervisor.internal.process.ExitStatus status) {
            exited.complete(status);
        }

        @Override
        public void drained(String stderrHead) {
            commitsAtDrain = commits;
            drained.complete(stderrHead);
        }

        @Override
        public void lost() {
            exited.completeExceptionally(new AssertionError("lost"));
            drained.completeExceptionally(new AssertionError("lost"));
        }
    }
}
