package dev.agentharness.supervisor.internal.keeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.supervisor.internal.lifecycle.AgentControl;
import dev.agentharness.supervisor.internal.process.ExitStatus;
import dev.agentharness.supervisor.internal.process.Signal;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon's end of the keeper protocol, against a stand-in keeper on a real Unix socket. */
class KeeperClientTest {
    @TempDir
    Path home;

    private static byte[] hello(int version) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        d.writeInt(version);
        d.writeLong(123);
        d.writeLong(456);
        d.writeInt(789);
        d.writeLong(1011);
        d.writeLong(0);
        d.writeUTF("");
        return b.toByteArray();
    }

    /** A keeper that greets with {@code version}, then runs {@code then} on the accepted connection. */
    private CompletableFuture<Void> standIn(KeeperFiles files, int version, ThrowingConsumer then) throws Exception {
        files.ensureDirectory();
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(files.socket()));
        return CompletableFuture.runAsync(() -> {
            try (server; SocketChannel ch = server.accept()) {
                DataOutputStream out = new DataOutputStream(SocketStreams.out(ch));
                KeeperProtocol.write(out, KeeperProtocol.HELLO, hello(version));
                then.accept(ch, out);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
    }

    interface ThrowingConsumer {
        void accept(SocketChannel ch, DataOutputStream out) throws Exception;
    }

    @Test
    void aKeeperOfAnotherProtocolVersionIsRefusedInOneLine() throws Exception {
        KeeperFiles files = KeeperFiles.of(home, "S1");
        CompletableFuture<Void> keeper = standIn(files, 99, (ch, out) -> { });
        KeeperClient.UnsupportedKeeperException e =
                assertThrows(KeeperClient.UnsupportedKeeperException.class, () -> KeeperClient.connect(files));
        assertEquals("the keeper of session S1 speaks protocol 99; this harness speaks 1 to 2: left it alone", e.getMessage());
        keeper.get(10, TimeUnit.SECONDS);
    }

    /** Regression (CI): a native keeper retrying its exit record on a full disk never greeted, and {@code harness start} hung. */
    @Test
    void aKeeperThatAcceptsButNeverGreetsIsGivenUp() throws Exception {
        KeeperFiles files = KeeperFiles.of(home, "S0");
        files.ensureDirectory();
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(files.socket()));
            // Never accepted: the kernel's backlog completes the connection, as for a keeper that is busy elsewhere.
            java.net.SocketTimeoutException e = assertThrows(java.net.SocketTimeoutException.class,
                    () -> KeeperClient.connect(files, java.time.Duration.ofMillis(300)));
            assertEquals("the keeper of session S0 did not greet within 300 ms", e.getMessage());
        }
    }

    /** The greeting is read without a byte too many: frames sent right behind it reach the listener. */
    @Test
    void theGreetingAndTheFramesArriveInOrder() throws Exception {
        KeeperFiles files = KeeperFiles.of(home, "S2");
        CompletableFuture<Void> keeper = standIn(files, KeeperProtocol.VERSION, (ch, out) -> {
            KeeperProtocol.write(out, KeeperProtocol.ACTIVITY, "tail".getBytes());
            KeeperProtocol.write(out, KeeperProtocol.EXITED, new byte[] {0, 0, 0, 3, -1, -1, -1, -1, 1});
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            new DataOutputStream(b).writeUTF("err head");
            KeeperProtocol.write(out, KeeperProtocol.DRAINED, b.toByteArray());
        });
        KeeperClient client = KeeperClient.connect(files);
        assertEquals(new KeeperClient.Hello(KeeperProtocol.VERSION, 123, 456, 789, 1011, 0, ""), client.hello());
        StringBuilder seen = new StringBuilder();
        CountDownLatch drained = new CountDownLatch(1);
        client.listen(new KeeperClient.Listener() {
            @Override
            public void activity(byte[] tail) {
                seen.append("activity:").append(new String(tail)).append(' ');
            }

            @Override
            public void exited(ExitStatus status) {
                seen.append(status).append(' ');
            }

            @Override
            public void drained(String stderrHead) {
                seen.append("drained:").append(stderrHead);
                drained.countDown();
            }

            @Override
            public void lost() {
                seen.append("lost");
            }
        }, "S2");
        assertTrue(drained.await(10, TimeUnit.SECONDS));
        keeper.get(10, TimeUnit.SECONDS);
        Thread.sleep(100);
        assertEquals("activity:tail " + new ExitStatus(3, null, true) + " drained:err head", seen.toString());
        client.close();
    }

    /** Regression: Channels.newInputStream/newOutputStream share the channel's blocking lock, so a blocked read stalled every write. */
    @Test
    void aBlockedReaderDoesNotHoldUpWrites() throws Exception {
        KeeperFiles files = KeeperFiles.of(home, "S3");
        CompletableFuture<byte[]> received = new CompletableFuture<>();
        CompletableFuture<Void> keeper = standIn(files, KeeperProtocol.VERSION, (ch, out) -> {
            DataInputStream in = new DataInputStream(SocketStreams.in(ch));
            KeeperProtocol.Frame f = KeeperProtocol.read(in);
            received.complete(f.payload());
        });
        KeeperClient client = KeeperClient.connect(files);
        client.listen(QUIET, "S3");
        Thread.sleep(100); // the reader thread now blocks in read
        client.writeStdin("hi\n".getBytes());
        assertEquals("hi\n", new String(received.get(10, TimeUnit.SECONDS)));
        keeper.get(10, TimeUnit.SECONDS);
        client.close();
    }

    @Test
    void theExitRecordSurvivesARoundTripAndIsOwnerOnly() throws Exception {
        KeeperFiles files = KeeperFiles.of(home, "S4");
        files.ensureDirectory();
        new ExitRecord(ExitStatus.killed(9), "héllo\nerr", null).writeDurably(files.exitRecord());
        ExitRecord back = ExitRecord.read(files.exitRecord()).orElseThrow();
        assertEquals(ExitStatus.killed(9), back.status());
        assertEquals("héllo\nerr", back.stderrHead());
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(files.exitRecord())));
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(files.dir())));
        files.removeAll();
        assertFalse(Files.exists(files.exitRecord()));
    }

    private static final KeeperClient.Listener QUIET = new KeeperClient.Listener() {
        @Override
        public void activity(byte[] tail) {
        }

        @Override
        public void exited(ExitStatus status) {
        }

        @Override
        public void drained(String stderrHead) {
        }

        @Override
        public void lost() {
        }
    };

    /** Protocol 2: each SIGNAL is answered in order, and the answer says whether anything received it. */
    @Test
    void aSignalWaitsForTheKeepersAnswer() throws Exception {
        KeeperFiles files = KeeperFiles.of(home, "S5");
        java.util.List<Integer> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        CompletableFuture<Void> keeper = standIn(files, KeeperProtocol.VERSION, (ch, out) -> {
            DataInputStream in = new DataInputStream(SocketStreams.in(ch));
            for (int i = 0; i < 2; i++) {
                KeeperProtocol.Frame f = KeeperProtocol.read(in);
                assertEquals(KeeperProtocol.SIGNAL, f.type());
                int number = java.nio.ByteBuffer.wrap(f.payload()).getInt();
                asked.add(number);
                KeeperProtocol.write(out, KeeperProtocol.SIGNALLED, new byte[] {(byte) (number == Signal.STOP.number() ? 1 : 0)});
            }
        });
        KeeperClient client = KeeperClient.connect(files);
        client.listen(QUIET, "S5");
        assertEquals(AgentControl.Relayed.RECEIVED, client.signal(Signal.STOP));
        assertEquals(AgentControl.Relayed.NOTHING_RECEIVED, client.signal(Signal.TERM));
        assertEquals(java.util.List.of(Signal.STOP.number(), Signal.TERM.number()), asked);
        keeper.get(10, TimeUnit.SECONDS);
        client.close();
    }

    /** A keeper of protocol 1 (kept across an upgrade) is sent no SIGNAL: the daemon signals the group itself. */
    @Test
    void aKeeperOfProtocol1IsNotAskedToSignal() throws Exception {
        KeeperFiles files = KeeperFiles.of(home, "S6");
        CompletableFuture<KeeperProtocol.Frame> first = new CompletableFuture<>();
        CompletableFuture<Void> keeper = standIn(files, 1, (ch, out) -> first.complete(KeeperProtocol.read(new DataInputStream(SocketStreams.in(ch)))));
        KeeperClient client = KeeperClient.connect(files);
        client.listen(QUIET, "S6");
        assertEquals(AgentControl.Relayed.NOT_RELAYED, client.signal(Signal.STOP));
        client.close();
        keeper.get(10, TimeUnit.SECONDS);
        assertEquals(null, first.get(10, TimeUnit.SECONDS), "nothing was sent");
    }

    /** The connection ends before the answer (a keeper that dies, a daemon reconnecting): the daemon signals the group itself. */
    @Test
    void aSignalWhoseAnswerNeverComesIsLeftToTheDaemon() throws Exception {
        KeeperFiles files = KeeperFiles.of(home, "S7");
        CompletableFuture<Void> keeper = standIn(files, KeeperProtocol.VERSION, (ch, out) -> {
            assertEquals(KeeperProtocol.SIGNAL, KeeperProtocol.read(new DataInputStream(SocketStreams.in(ch))).type());
            // and goes without answering
        });
        KeeperClient client = KeeperClient.connect(files);
        client.listen(QUIET, "S7");
        assertEquals(AgentControl.Relayed.NOT_RELAYED, client.signal(Signal.TERM));
        keeper.get(10, TimeUnit.SECONDS);
        assertEquals(AgentControl.Relayed.NOT_RELAYED, client.signal(Signal.KILL), "nor asked once the connection is gone");
        client.close();
    }
}
