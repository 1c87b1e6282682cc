package dev.agentharness.supervisor.internal.keeper;

import dev.agentharness.core.TerminalSize;
import dev.agentharness.supervisor.internal.lifecycle.AgentControl;
import dev.agentharness.supervisor.internal.lifecycle.AgentControl.Relayed;
import dev.agentharness.supervisor.internal.process.ExitStatus;
import dev.agentharness.supervisor.internal.process.Signal;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The daemon's end of one keeper's socket. */
public final class KeeperClient implements AgentControl, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KeeperClient.class);
    /** How long a stop, pause or resume waits for the keeper to say whether anything received it. */
    private static final Duration SIGNAL_ANSWER_TIMEOUT = Duration.ofSeconds(5);
    /** How long a keeper that accepted a connection may take to greet: it does so at once unless stuck. */
    public static final Duration GREETING_TIMEOUT = Duration.ofSeconds(10);

    /** A keeper that speaks another protocol version; the message is the one line to log. */
    public static final class UnsupportedKeeperException extends IOException {
        public UnsupportedKeeperException(String message) {
            super(message);
        }
    }

    /** What the keeper says first. {@code agentStart} is -1 when unknown, {@code detachedAtMillis} 0 when it never lost a daemon. */
    public record Hello(int version, long keeperPid, long keeperStart, int agentPid, long agentStart, long detachedAtMillis,
                        String spawnError) {
    }

    /** Called on the client's reader thread, in the order the keeper sent them. */
    public interface Listener {
        void activity(byte[] tail);

        void exited(ExitStatus status);

        void drained(String stderrHead);

        /** The connection ended without {@link #drained} and without {@link #close()}. */
        void lost();

        /** The keeper committed output to the store. Default: nothing. */
        default void committed() {
        }
    }

    private final SocketChannel channel;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final Hello hello;
    private final String sessionId;
    private volatile boolean closed;
    private volatile boolean drained;
    /** Input frames acknowledged (INPUT_TAKEN) and sent; guarded by itself. */
    private final Object acks = new Object();
    private long acked;
    private long sentInput;
    private boolean ended;
    /** Answers awaited for SIGNAL frames, oldest first (the keeper answers in order); guarded by itself. */
    private final ArrayDeque<CompletableFuture<Boolean>> signalAnswers = new ArrayDeque<>();
    private boolean answersEnded; // guarded by signalAnswers
    private volatile Thread reader;
    private volatile java.util.concurrent.Future<?> pendingInput = CompletableFuture.completedFuture(null);
    private java.util.concurrent.ExecutorService inputWriter; // guarded by this; made on first input

    private KeeperClient(SocketChannel channel, DataInputStream in, DataOutputStream out, Hello hello, String sessionId) {
        this.sessionId = sessionId;
        this.channel = channel;
        this.in = in;
        this.out = out;
        this.hello = hello;
    }

    /**
     * Connects and reads the keeper's greeting.
     *
     * @throws UnsupportedKeeperException for another protocol version (the connection is closed, the keeper left alone)
     * @throws IOException when nothing answers, or the keeper does not greet within {@link #GREETING_TIMEOUT}
     */
    public static KeeperClient connect(KeeperFiles files) throws IOException {
        return connect(files, GREETING_TIMEOUT);
    }

    /** As {@link #connect(KeeperFiles)}, waiting at most {@code greetingTimeout} for the greeting. */
    public static KeeperClient connect(KeeperFiles files, Duration greetingTimeout) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(files.socket()));
            KeeperProtocol.Frame f = readGreeting(ch, greetingTimeout, files.sessionId());
            DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(SocketStreams.in(ch), 65536));
            DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(SocketStreams.out(ch), 65536));
            if (f == null || f.type() != KeeperProtocol.HELLO || f.payload().length < 4) {
                throw new IOException("the keeper of session " + files.sessionId() + " did not greet");
            }
            DataInputStream d = new DataInputStream(new ByteArrayInputStream(f.payload()));
            int version = d.readInt();
            if (version < KeeperProtocol.OLDEST_VERSION || version > KeeperProtocol.VERSION) {
                throw new UnsupportedKeeperException("the keeper of session " + files.sessionId() + " speaks protocol " + version
                        + "; this harness speaks " + (KeeperProtocol.OLDEST_VERSION == KeeperProtocol.VERSION ? ""
                        : KeeperProtocol.OLDEST_VERSION + " to ") + KeeperProtocol.VERSION + ": left it alone");
            }
            Hello hello = new Hello(version, d.readLong(), d.readLong(), d.readInt(), d.readLong(), d.readLong(), d.readUTF());
            return new KeeperClient(ch, in, out, hello, files.sessionId());
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * The first frame, read with a deadline; the channel is blocking again afterwards, and nothing
     * beyond the frame has been read. A keeper's socket accepts (the kernel's backlog) before the
     * keeper greets, so a keeper that is alive but stuck held its daemon here for good: a native
     * keeper retrying its exit record on a full disk hung {@code harness start} (CI,
     * BadInputTortureIT.aHomeOnAFullFileSystem). Its callers treat the timeout like a refused connection.
     */
    private static KeeperProtocol.Frame readGreeting(SocketChannel ch, Duration timeout, String sessionId) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ch.configureBlocking(false);
        try (java.nio.channels.Selector selector = java.nio.channels.Selector.open()) {
            ch.register(selector, java.nio.channels.SelectionKey.OP_READ);
            ByteBuffer header = ByteBuffer.allocate(5);
            if (!fill(ch, selector, header, deadline)) {
                if (header.position() == 0) {
                    return null;
                }
                throw new java.io.EOFException("the keeper of session " + sessionId + " closed the connection in its greeting");
            }
            header.flip();
            byte type = header.get();
            int length = header.getInt();
            if (length < 0 || length > KeeperProtocol.MAX_FRAME) {
                throw new IOException("the keeper of session " + sessionId + " sent a frame of " + length + " bytes");
            }
            ByteBuffer payload = ByteBuffer.allocate(length);
            if (!fill(ch, selector, payload, deadline)) {
                throw new java.io.EOFException("the keeper of session " + sessionId + " closed the connection in its greeting");
            }
            return new KeeperProtocol.Frame(type, payload.array());
        } catch (java.net.SocketTimeoutException e) {
            throw new java.net.SocketTimeoutException("the keeper of session " + sessionId + " did not greet within "
                    + (timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms"));
        } finally {
            if (ch.isOpen()) {
                // Deregistered when the selector closed; a channel still registered cannot block again.
                ch.configureBlocking(true);
            }
        }
    }

    /** Reads until {@code buf} is full: true; at end of stream: false. */
    private static boolean fill(SocketChannel ch, java.nio.channels.Selector selector, ByteBuffer buf, long deadline)
            throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf);
            if (n < 0) {
                return false;
            }
            if (n == 0) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new java.net.SocketTimeoutException();
                }
                selector.select(left);
                selector.selectedKeys().clear();
            }
        }
        return true;
    }

    public Hello hello() {
        return hello;
    }

    /** Starts reading the keeper's frames on a thread of its own. */
    public void listen(Listener listener, String label) {
        Thread t = new Thread(() -> read(listener), "harness-keeper-" + label);
        t.setDaemon(true);
        reader = t;
        t.start();
    }

    private void read(Listener listener) {
        try {
            KeeperProtocol.Frame f;
            while ((f = KeeperProtocol.read(in)) != null) {
                switch (f.type()) {
                    case KeeperProtocol.ACTIVITY -> listener.activity(f.payload());
                    case KeeperProtocol.COMMITTED -> listener.committed();
                    case KeeperProtocol.EXITED -> {
                        ByteBuffer b = ByteBuffer.wrap(f.payload());
                        int code = b.getInt();
                        int signal = b.getInt();
                        boolean exact = b.get() != 0;
                        listener.exited(new ExitStatus(code < 0 ? null : code, signal < 0 ? null : signal, exact));
                    }
                    case KeeperProtocol.INPUT_TAKEN -> {
                        synchronized (acks) {
                            acked++;
                            acks.notifyAll();
                        }
                    }
                    case KeeperProtocol.SIGNALLED -> {
                        CompletableFuture<Boolean> answer;
                        synchronized (signalAnswers) {
                            answer = signalAnswers.poll();
                        }
                        if (answer != null) {
                            answer.complete(f.payload().length > 0 && f.payload()[0] != 0);
                        }
                    }
                    case KeeperProtocol.DRAINED -> {
                        drained = true;
                        listener.drained(new DataInputStream(new ByteArrayInputStream(f.payload())).readUTF());
                    }
                    default -> LOG.debug("unknown keeper frame {} ignored", f.type());
                }
            }
        } catch (IOException e) {
            // the keeper went away
        } catch (RuntimeException e) {
            LOG.error("handling a keeper frame failed", e);
        }
        synchronized (acks) {
            ended = true; // no acknowledgement comes any more: an input writer waiting for one goes
            acks.notifyAll();
        }
        endSignalAnswers();
        if (!closed && !drained) {
            listener.lost();
        }
    }

    /**
     * Hands the bytes to this client's input writer and returns. The keeper reads the next frame only
     * once its agent has taken the last one, so a deaf agent stalls this writer, not the caller: the
     * supervisor sees {@link #hasPendingWrites()} and lets the next send wait, then refuses it, as it
     * does for an agent on its own pipes. At most one request's bytes wait here.
     */
    @Override
    public void writeStdin(byte[] bytes) {
        byte[] copy = bytes.clone();
        pendingInput = inputWriter().submit(() -> {
            for (int at = 0; at < copy.length; at += KeeperProtocol.MAX_FRAME) {
                sendInput(Arrays.copyOfRange(copy, at, Math.min(copy.length, at + KeeperProtocol.MAX_FRAME)));
            }
            if (copy.length == 0) {
                sendInput(copy);
            }
            return null;
        });
    }

    /**
     * One input frame, then (protocol 2) the wait for the keeper's word that the agent took it; a
     * keeper of protocol 1 reads the next frame only after its agent took the last, so there the
     * socket's own backpressure does the waiting.
     */
    private void sendInput(byte[] frame) throws InterruptedException {
        send(KeeperProtocol.STDIN, frame);
        if (hello.version() < 2) {
            return;
        }
        synchronized (acks) {
            long target = ++sentInput;
            while (acked < target && !ended && !closed) {
                acks.wait(1000);
            }
        }
    }

    @Override
    public boolean hasPendingWrites() {
        return !pendingInput.isDone();
    }

    /** After the input before it, as the agent would see it on a pipe. */
    @Override
    public void closeStdin() {
        pendingInput = inputWriter().submit(() -> send(KeeperProtocol.CLOSE_STDIN, new byte[0]));
    }

    private synchronized java.util.concurrent.ExecutorService inputWriter() {
        if (inputWriter == null) {
            inputWriter = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "keeper-input-" + hello.agentPid());
                t.setDaemon(true);
                return t;
            });
        }
        return inputWriter;
    }

    @Override
    public void resize(TerminalSize size) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try {
            DataOutputStream d = new DataOutputStream(b);
            d.writeInt(size.cols());
            d.writeInt(size.rows());
        } catch (IOException impossible) {
            throw new IllegalStateException(impossible);
        }
        send(KeeperProtocol.RESIZE, b.toByteArray());
    }

    /**
     * Asks the keeper to signal its agent's process group (protocol 2 on) and waits for its answer.
     *
     * @return {@link Relayed#NOT_RELAYED} when this keeper cannot (protocol 1) or is out of reach, and
     *         when the connection ends before it answered: the caller then signals the group itself,
     *         as it did before keepers took signals (a signal the keeper sent just before it went may
     *         so arrive twice; TERM, KILL, STOP and CONT all bear that)
     */
    @Override
    public Relayed signal(Signal signal) {
        if (hello.version() < 2 || closed || Thread.currentThread() == reader) {
            // The reader thread cannot wait for an answer only it can read.
            return Relayed.NOT_RELAYED;
        }
        CompletableFuture<Boolean> answer = new CompletableFuture<>();
        synchronized (signalAnswers) { // the order of the queue is the order of the frames
            if (answersEnded) {
                return Relayed.NOT_RELAYED;
            }
            try {
                send(KeeperProtocol.SIGNAL, ByteBuffer.allocate(4).putInt(signal.number()).array());
            } catch (IllegalStateException outOfReach) {
                return Relayed.NOT_RELAYED;
            }
            signalAnswers.add(answer);
        }
        try {
            Boolean received = answer.get(SIGNAL_ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return received == null ? Relayed.NOT_RELAYED : received ? Relayed.RECEIVED : Relayed.NOTHING_RECEIVED;
        } catch (TimeoutException e) {
            // It was sent on a live connection, and the keeper acts on it as it reads it; a second
            // signal from here could reach the group twice.
            LOG.warn("session {}: its keeper did not answer {} within {} s; taken as delivered", sessionId,
                    Signal.nameOf(signal.number()), SIGNAL_ANSWER_TIMEOUT.toSeconds());
            return Relayed.RECEIVED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Relayed.RECEIVED;
        } catch (ExecutionException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** No answer comes any more: whoever waits for one signals the group itself. */
    private void endSignalAnswers() {
        synchronized (signalAnswers) {
            answersEnded = true;
            for (CompletableFuture<Boolean> a; (a = signalAnswers.poll()) != null; ) {
                a.complete(null);
            }
        }
    }

    /** The terminal status is stored and the exit record gone: the keeper may exit. */
    public void acknowledgeExit() {
        try {
            send(KeeperProtocol.ACK_EXIT, new byte[0]);
        } catch (IllegalStateException gone) {
            // it did not wait
        }
    }

    private void send(byte type, byte[] payload) {
        try {
            synchronized (out) { // the input writer and the supervisor's threads share the stream
                KeeperProtocol.write(out, type, payload);
            }
        } catch (IOException e) {
            throw new IllegalStateException("its keeper is out of reach (" + e.getMessage() + ")");
        }
    }

    /** Closes the connection; the keeper and its agent run on (a detach). */
    @Override
    public void close() {
        closed = true;
        endSignalAnswers();
        synchronized (this) {
            if (inputWriter != null) {
                inputWriter.shutdownNow();
            }
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
