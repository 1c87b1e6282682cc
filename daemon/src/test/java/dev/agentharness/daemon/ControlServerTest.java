package dev.agentharness.daemon;

import dev.agentharness.supervisor.testing.Fakes;

import dev.agentharness.daemon.service.LocalHarnessService;
import dev.agentharness.service.SessionReads;
import dev.agentharness.service.reads.StoreReads;
import dev.agentharness.terminal.PromptRules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentharness.service.wire.ControlClient;
import dev.agentharness.service.wire.ControlProtocol;
import dev.agentharness.core.error.ErrorKind;
import dev.agentharness.service.wire.RemoteException;
import dev.agentharness.service.view.JsonViews.ReconcileView;
import dev.agentharness.core.QueuedStart;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.error.NoFreeSlotException;
import dev.agentharness.core.store.RunStore;
import dev.agentharness.core.store.SessionStore;
import dev.agentharness.core.store.StartQueue;
import dev.agentharness.supervisor.StartOutcome;
import dev.agentharness.supervisor.Supervisor;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The socket server and request validation, over fake supervisor and stores. */
@Timeout(30)
class ControlServerTest {
    @TempDir
    Path dir;

    private final ObjectMapper mapper = ControlProtocol.newMapper();
    private final AtomicReference<String> shutdownRequested = new AtomicReference<>();
    private final AtomicLong withdrawn = new AtomicLong(-1);
    private final CompletableFuture<Session> dequeued = new CompletableFuture<>();
    private final CountDownLatch queued = new CountDownLatch(1);
    private ControlServer server;
    private Path socket;

    private static Session session(String id, String name) {
        return Session.starting(id, SessionSpec.of(List.of("true"), "/").withName(name), 1, Instant.parse("2025-01-01T00:00:00Z"));
    }

    @BeforeEach
    void start() throws IOException {
        socket = dir.resolve("harness.sock");
        Session known = session("01JAAAAAAAAAAAAAAAAAAAAAAA", "known");
        SessionStore sessions = Fakes.of(SessionStore.class, Map.of(
                "slotCount", a -> 3,
                "get", a -> a[0].equals(known.id()) ? Optional.of(known) : Optional.empty(),
                "getByName", a -> a[0].equals("known") ? Optional.of(known) : Optional.empty(),
                "getByLegacyId", a -> Optional.empty(),
                "findByIdPrefix", a -> List.of()));
        RunStore runs = Fakes.of(RunStore.class, Map.of("getActiveRun", a -> Optional.empty()));
        StartQueue queue = Fakes.of(StartQueue.class, Map.of("remove", a -> {
            withdrawn.set((Long) a[0]);
            return true;
        }));
        Supervisor supervisor = Fakes.of(Supervisor.class, Map.of(
                "startSession", a -> {
                    throw new NoFreeSlotException(Map.of(1, "a", 2, "b", 3, "c"), null);
                },
                "startOrQueue", a -> {
                    queued.countDown();
                    return new StartOutcome(null, new QueuedStart(42, (SessionSpec) a[0], Instant.now()));
                },
                "whenDequeued", a -> dequeued,
                "pause", a -> known));
        DaemonControl control = new DaemonControl() {
            @Override
            public long pid() {
                return 4242;
            }

            @Override
            public Instant startedAt() {
                return Instant.EPOCH;
            }

            @Override
            public ReconcileView startupReport() {
                return new ReconcileView(0, List.of());
            }

            @Override
            public void requestShutdown(String why) {
                shutdownRequested.set(why);
            }

            @Override
            public boolean isShuttingDown() {
                return shutdownRequested.get() != null;
            }
        };
        SessionReads reads = new StoreReads(sessions, null, null, PromptRules.defaults());
        LocalHarnessService service = new LocalHarnessService(supervisor, sessions, runs, reads, null, Duration.ofSeconds(10));
        CommandHost delegating = new CommandHost() {
            @Override
            public void check(Call call) {
                host.check(call);
            }

            @Override
            public int run(Call call, java.io.OutputStream out, java.io.OutputStream err) {
                return host.run(call, out, err);
            }
        };
        RequestHandler handler = new RequestHandler(service, supervisor, queue, mapper, Clock.systemUTC(), control, delegating);
        this.handler = handler;
        server = new ControlServer(socket, handler);
        server.start();
    }

    private RequestHandler handler;
    /** What runs the {@code command} op's command lines; none unless a test sets one. */
    private volatile CommandHost host = CommandHost.NONE;

    private static final String COMMAND_LINE = "{\"op\":\"command\",\"args\":[\"ps\"],\"cwd\":\"/tmp\",\"env\":{\"A\":\"b\"},"
            + "\"jar\":{\"path\":\"/x/harness.jar\",\"size\":5,\"mtime\":7}}\n";

    @Test
    void aHostedCommandSendsWhatItPrintsAsItComesThenItsExit() throws IOException {
        List<CommandHost.Call> calls = new java.util.ArrayList<>();
        host = new CommandHost() {
            @Override
            public void check(Call call) {
                calls.add(call);
            }

            @Override
            public int run(Call call, java.io.OutputStream out, java.io.OutputStream err) {
                try {
                    out.write("table\n".getBytes(StandardCharsets.UTF_8));
                    err.write(new byte[] {(byte) 0xff, 0});
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return 4;
            }
        };
        try (SocketChannel ch = connect()) {
            ch.write(ByteBuffer.wrap(COMMAND_LINE.getBytes(StandardCharsets.UTF_8)));
            assertEquals("{\"out\":\"dGFibGUK\"}", readLine(ch));
            assertEquals("{\"err\":\"/wA=\"}", readLine(ch));
            assertEquals("{\"ok\":true,\"exit\":4}", readLine(ch));
        }
        assertEquals(List.of(new CommandHost.Call(List.of("ps"), Path.of("/tmp"), Map.of("A", "b"), Path.of("/x/harness.jar"), 5, 7)),
                calls);
    }

    @Test
    void aDaemonWithoutAHostRefusesCommandsAndMalformedOnesAreBadRequests() throws IOException {
        assertEquals("not_hosted", raw(COMMAND_LINE).path("error").path("code").asText());
        assertEquals("bad_request", raw(COMMAND_LINE.replace("\"/tmp\"", "\"tmp\"")).path("error").path("code").asText());
        assertEquals("bad_request", raw(COMMAND_LINE.replace("[\"ps\"]", "[7]")).path("error").path("code").asText());
        assertServing();
    }

    /** Serves the same handler again, with these limits. */
    private void restartWith(ControlLimits limits) throws IOException {
        server.close();
        server = new ControlServer(socket, handler, limits);
        server.start();
    }

    private SocketChannel connect() throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket));
        return ch;
    }

    /** Blocks until the server closes {@code ch} (the test's timeout bounds the wait); returns what it sent first. */
    private static String readUntilClosed(SocketChannel ch) throws IOException {
        StringBuilder b = new StringBuilder();
        ByteBuffer buf = ByteBuffer.allocate(4096);
        while (true) {
            buf.clear();
            int n;
            try {
                n = ch.read(buf);
            } catch (IOException reset) {
                return b.toString();
            }
            if (n < 0) {
                return b.toString();
            }
            b.append(new String(buf.array(), 0, n, StandardCharsets.UTF_8));
        }
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private ControlClient client() {
        return ControlClient.tryConnect(socket, mapper).orElseThrow();
    }

    private JsonNode raw(String... lines) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            for (String line : lines) {
                ch.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
            }
            return mapper.readTree(readLine(ch));
        }
    }

    private static String readLine(SocketChannel ch) throws IOException {
        StringBuilder b = new StringBuilder();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (true) {
            one.clear();
            if (ch.read(one) < 0) {
                return b.length() == 0 ? null : b.toString();
            }
            char c = (char) one.get(0);
            if (c == '\n') {
                return b.toString();
            }
            b.append(c);
        }
    }

    private void assertServing() {
        try (ControlClient c = client()) {
            assertEquals(4242, c.call(c.request(ControlProtocol.OP_PING)).path("pid").asLong());
        }
    }

    @Test
    void socketIsOwnerOnly() throws IOException {
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(socket));
    }

    @Test
    void pingAnswers() {
        assertServing();
    }

    @Test
    void malformedRequestsGetErrorsAndTheServerKeepsServing() throws IOException {
        for (String bad : List.of("not json\n", "[1,2]\n", "{\"op\":5}\n", "{}\n", "{\"op\":\"fly\"}\n",
                "{\"op\":\"start\"}\n", "{\"op\":\"start\",\"spec\":{\"command\":5,\"cwd\":\"/\"}}\n",
                "{\"op\":\"stop\",\"session\":[]}\n", "{\"op\":\"send\",\"session\":\"known\"}\n",
                "{\"op\":\"send\",\"session\":\"known\",\"base64\":\"***\"}\n")) {
            JsonNode r = raw(bad);
            assertFalse(r.path("ok").asBoolean(), bad);
            assertEquals("bad_request", r.path("error").path("code").asText(), bad + " -> " + r);
            assertFalse(r.path("error").path("message").asText().isBlank());
        }
        assertServing();
    }

    /**
     * Regression (torture: malformed control requests): a line with a duplicate key,
     * {"op":"ping","op":"shutdown"}, was taken as its last value and shut the daemon down; a valid
     * object followed by garbage was served as if the garbage were not there.
     */
    @Test
    void ambiguousJsonWithADuplicateOpShutsTheDaemonDown() throws IOException {
        for (String bad : List.of("{\"op\":\"ping\",\"op\":\"shutdown\"}\n", "{\"op\":\"ping\"} {\"op\":\"shutdown\"}\n",
                "{\"op\":\"ping\"} trailing garbage\n", "{\"op\":\"stop\",\"session\":\"known\",\"session\":\"other\"}\n")) {
            JsonNode r = raw(bad);
            assertEquals("bad_request", r.path("error").path("code").asText(), bad + " -> " + r);
        }
        assertEquals(null, shutdownRequested.get(), "nothing asked the daemon to shut down");
        assertServing();
    }

    @Test
    void badValuesAreUsageErrors() throws IOException {
        JsonNode r = raw("{\"op\":\"start\",\"spec\":{\"command\":[\"true\"],\"cwd\":\"/\",\"slot\":7}}\n");
        assertEquals("usage", r.path("error").path("code").asText(), r.toString());
        r = raw("{\"op\":\"stop\",\"session\":\"known\",\"grace\":\"a while\"}\n");
        assertEquals("usage", r.path("error").path("code").asText(), r.toString());
    }

    @Test
    void overlongLineIsRefusedAndTheServerKeepsServing() throws IOException {
        String huge = "{\"op\":\"ping\",\"pad\":\"" + "x".repeat(ControlProtocol.MAX_LINE_BYTES + 10) + "\"}\n";
        JsonNode r = raw(huge);
        assertEquals("bad_request", r.path("error").path("code").asText());
        assertServing();
    }

    @Test
    void clientThatDisconnectsMidRequestIsHarmless() throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap("{\"op\":\"pi".getBytes(StandardCharsets.UTF_8)));
        }
        assertServing();
    }

    @Test
    void errorsCarryTheirCodes() {
        try (ControlClient c = client()) {
            RemoteException e = assertThrows(RemoteException.class, () -> c.call(c.request("pause").put("session", "nope")));
            assertEquals(ErrorKind.NO_SUCH_SESSION, e.kind());
            assertEquals(4, e.kind().exitCode());
            var start = c.request("start");
            start.putObject("spec").put("cwd", "/").putArray("command").add("true");
            RemoteException busy = assertThrows(RemoteException.class, () -> c.call(start));
            assertEquals(ErrorKind.NO_FREE_SLOT, busy.kind());
            assertTrue(busy.getMessage().contains("all 3 slots are busy"), busy.getMessage());
            // The connection still serves after errors.
            assertNotNull(c.call(c.request("pause").put("session", "known")).get("session"));
        }
    }

    @Test
    void sessionAnswersNeverCarryEnvironmentValues() {
        try (ControlClient c = client()) {
            JsonNode s = c.call(c.request("pause").put("session", "known")).get("session");
            assertEquals("known", s.path("name").asText());
            assertTrue(s.has("envKeys"));
            assertFalse(s.has("env"));
        }
    }

    @Test
    void waitingStartIsWithdrawnWhenTheClientLeaves() throws Exception {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap("{\"op\":\"start\",\"wait\":true,\"spec\":{\"command\":[\"true\"],\"cwd\":\"/\"}}\n"
                    .getBytes(StandardCharsets.UTF_8)));
            assertTrue(queued.await(10, TimeUnit.SECONDS));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (withdrawn.get() != 42 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(42, withdrawn.get());
        assertServing();
    }

    @Test
    void waitingStartAnswersOnceDequeued() throws Exception {
        try (ControlClient c = client()) {
            var start = c.request("start").put("wait", true);
            start.putObject("spec").put("cwd", "/").putArray("command").add("true");
            CompletableFuture<JsonNode> answer = CompletableFuture.supplyAsync(() -> c.call(start));
            assertTrue(queued.await(10, TimeUnit.SECONDS));
            dequeued.complete(session("01JBBBBBBBBBBBBBBBBBBBBBBB", "late"));
            assertEquals("late", answer.get(10, TimeUnit.SECONDS).path("session").path("name").asText());
        }
        assertEquals(-1, withdrawn.get());
    }

    @Test
    void waitingStartIsAnsweredButNotWithdrawnWhenTheDaemonShutsDown() throws Exception {
        try (ControlClient c = client()) {
            var start = c.request("start").put("wait", true);
            start.putObject("spec").put("cwd", "/").putArray("command").add("true");
            CompletableFuture<JsonNode> answer = CompletableFuture.supplyAsync(() -> c.call(start));
            assertTrue(queued.await(10, TimeUnit.SECONDS));
            shutdownRequested.set("test");
            var e = assertThrows(java.util.concurrent.ExecutionException.class, () -> answer.get(10, TimeUnit.SECONDS));
            RemoteException remote = (RemoteException) e.getCause();
            assertEquals(ErrorKind.SHUTTING_DOWN, remote.kind());
            assertTrue(remote.getMessage().contains("stays queued"), remote.getMessage());
        }
        assertEquals(-1, withdrawn.get());
    }

    @Test
    void shutdownRequestIsPassedOnAndLaterRequestsAreRefused() {
        try (ControlClient c = client()) {
            assertEquals(4242, c.call(c.request("shutdown")).path("pid").asLong());
            assertEquals("harness shutdown", shutdownRequested.get());
            RemoteException e = assertThrows(RemoteException.class, () -> c.call(c.request("pause").put("session", "known")));
            assertEquals(ErrorKind.SHUTTING_DOWN, e.kind());
        }
    }

    @Test
    void closeRemovesTheSocketFile() {
        server.close();
        assertFalse(Files.exists(socket));
        assertTrue(ControlClient.tryConnect(socket, mapper).isEmpty());
    }

    // ------------------------------------------------------------ issue 16: what one client may cost

    @Test
    void connectionsOverTheCapAreAnsweredBusyAndClosed() throws IOException {
        restartWith(new ControlLimits(2, 1024, Duration.ofSeconds(30), Duration.ofSeconds(30)));
        try (SocketChannel a = connect(); SocketChannel b = connect()) {
            // Both are being served (each is answered), so the third is over the cap.
            a.write(ByteBuffer.wrap("{\"op\":\"ping\"}\n".getBytes(StandardCharsets.UTF_8)));
            assertTrue(readLine(a).contains("\"ok\":true"));
            b.write(ByteBuffer.wrap("{\"op\":\"ping\"}\n".getBytes(StandardCharsets.UTF_8)));
            assertTrue(readLine(b).contains("\"ok\":true"));
            try (ControlClient c = client()) {
                RemoteException e = assertThrows(RemoteException.class, () -> c.call(c.request(ControlProtocol.OP_PING)));
                assertEquals(ErrorKind.BUSY, e.kind());
                assertTrue(e.getMessage().contains("2 connections"), e.getMessage());
            }
        }
        // Once they are gone there is room again, as soon as the server has seen them close (its
        // reader threads notice the end of file on their own schedule, so this waits for it).
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                assertServing();
                return;
            } catch (RemoteException busy) {
                if (busy.kind() != ErrorKind.BUSY || System.nanoTime() > deadline) {
                    throw busy;
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw busy;
                }
            }
        }
    }

    @Test
    void aRequestLineIsLimitedBeforeItIsParsed() throws IOException {
        restartWith(new ControlLimits(4, 1024, Duration.ofSeconds(30), Duration.ofSeconds(30)));
        JsonNode r = raw("{\"op\":\"ping\",\"pad\":\"" + "x".repeat(2000) + "\"}\n");
        assertEquals("bad_request", r.path("error").path("code").asText(), r.toString());
        assertTrue(r.path("error").path("message").asText().contains("1024"), r.toString());
        assertServing();
    }

    @Test
    void aHalfSentRequestIsClosedAfterTheLineTimeout() throws IOException {
        restartWith(new ControlLimits(4, 1024, Duration.ofMillis(200), Duration.ofSeconds(60)));
        try (SocketChannel ch = connect()) {
            ch.write(ByteBuffer.wrap("{\"op\":\"pi".getBytes(StandardCharsets.UTF_8)));
            assertEquals("", readUntilClosed(ch), "closed without an answer");
        }
        assertServing();
    }

    @Test
    void aLineBeingSkippedIsClosedAfterTheLineTimeoutToo() throws IOException {
        restartWith(new ControlLimits(4, 1024, Duration.ofMillis(200), Duration.ofSeconds(60)));
        try (SocketChannel ch = connect()) {
            // Over the limit and never finished: skipping it must not take for ever either.
            ch.write(ByteBuffer.wrap("x".repeat(4000).getBytes(StandardCharsets.UTF_8)));
            readUntilClosed(ch);
        }
        assertServing();
    }

    @Test
    void anIdleConnectionIsClosed() throws IOException {
        restartWith(new ControlLimits(4, 1024, Duration.ofSeconds(60), Duration.ofMillis(200)));
        try (SocketChannel ch = connect()) {
            ch.write(ByteBuffer.wrap("{\"op\":\"ping\"}\n".getBytes(StandardCharsets.UTF_8)));
            String answered = readUntilClosed(ch);
            assertTrue(answered.contains("\"ok\":true"), "answered first, then closed when idle: " + answered);
        }
    }

    @Test
    void aWaitingRequestIsNeitherIdleNorHalfSent() throws Exception {
        restartWith(new ControlLimits(4, 1024, Duration.ofMillis(100), Duration.ofMillis(100)));
        try (SocketChannel ch = connect()) {
            ch.write(ByteBuffer.wrap("{\"op\":\"start\",\"spec\":{\"command\":[\"true\"],\"cwd\":\"/\"},\"wait\":true}\n"
                    .getBytes(StandardCharsets.UTF_8)));
            assertTrue(queued.await(10, TimeUnit.SECONDS));
            Thread.sleep(600); // several timeouts' worth: the reaper must leave a request being handled alone
            dequeued.complete(session("01JBBBBBBBBBBBBBBBBBBBBBBB", "late"));
            String line = readLine(ch);
            assertNotNull(line);
            assertTrue(line.contains("\"ok\":true"), line);
        }
    }

    /** Issue 16, item 2: the daemon checks its clients' user (SO_PEERCRED), whatever the socket's mode lets through. */
    @Test
    void aClientOfAnotherUserIsRefused() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "needs root to connect as another user");
        Path open = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "peer");
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path sock = open.resolve("harness.sock");
        ControlServer other = new ControlServer(sock, handler);
        other.start();
        try {
            Files.setPosixFilePermissions(sock, PosixFilePermissions.fromString("rw-rw-rw-")); // as a mistake would leave it
            String client = "import socket,sys\n"
                    + "s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.settimeout(10)\n"
                    + "try:\n  s.sendall(b'{\"op\":\"ping\"}\\n')\n  print(repr(s.recv(1000)))\n"
                    + "except Exception as e:\n  print('error', e)\n"; // closed on it: a broken pipe or nothing to read
            Process p = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3", "-c",
                    client, sock.toString()).redirectErrorStream(true).start();
            String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.waitFor();
            assertTrue(said.equals("b''") || said.startsWith("error"), "no answer for another user's client: " + said);
            // The owner is still served.
            try (ControlClient c = ControlClient.tryConnect(sock, mapper).orElseThrow()) {
                assertEquals(4242, c.call(c.request(ControlProtocol.OP_PING)).path("pid").asLong());
            }
        } finally {
            other.close();
            Files.deleteIfExists(sock);
            Files.deleteIfExists(open);
        }
    }
}
