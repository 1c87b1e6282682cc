package dev.agentharness.supervisor.internal.keeper;

import dev.agentharness.core.Session;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.StreamType;
import dev.agentharness.core.TerminalSize;
import dev.agentharness.core.error.SpawnException;
import dev.agentharness.core.store.OutputStore;
import dev.agentharness.supervisor.SupervisorConfig;
import dev.agentharness.supervisor.internal.capture.BackpressureGauge;
import dev.agentharness.supervisor.internal.capture.BatchWriter;
import dev.agentharness.supervisor.internal.capture.ByteBudget;
import dev.agentharness.supervisor.internal.capture.OutputPump;
import dev.agentharness.supervisor.internal.capture.OutputTail;
import dev.agentharness.supervisor.internal.process.ExitStatus;
import dev.agentharness.supervisor.internal.process.HarnessEnvironment;
import dev.agentharness.supervisor.internal.process.ProcInspector;
import dev.agentharness.supervisor.internal.process.ProcStat;
import dev.agentharness.supervisor.internal.process.ProcessGroupSignaller;
import dev.agentharness.supervisor.internal.process.Signal;
import dev.agentharness.supervisor.spawn.AgentExit;
import dev.agentharness.supervisor.spawn.AgentListener;
import dev.agentharness.supervisor.spawn.AgentProcess;
import dev.agentharness.supervisor.spawn.LaunchRequest;
import dev.agentharness.supervisor.spawn.Spawner;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One session's keeper: spawns the agent through the {@link Spawner} seam, is its parent, commits
 * its output straight into the store (docs/design/keeper.md: the daemon is off the capture path),
 * serves one daemon at a time on its socket, and leaves a durable {@link ExitRecord} when the agent
 * has ended and every byte is committed.
 */
public final class Keeper {
    private static final Logger LOG = LoggerFactory.getLogger(Keeper.class);
    private static final long ACTIVITY_EVERY_MS = 50;
    private final CommitNotice commitNotice = new CommitNotice();
    /** After the exit, quiet time after which pipes held open by someone outside the group no longer delay the end. */
    private static final long PIPE_HOLDER_CAP_MS = 700;
    private static final long ACK_WAIT_MS = 10_000;
    private static final int TAIL_BYTES = 4096;

    private final KeeperFiles files;
    private final Session row;
    private final Map<String, String> harnessEnv;
    private final Function<LaunchRequest, Spawner> spawners;
    private final OutputStore outputs;
    private final SupervisorConfig config;
    private final Clock clock;
    private final ProcInspector proc = new ProcInspector();
    /** Input frames (and {@link #CLOSE_STDIN}) in the order they came, for the input thread. */
    private final LinkedBlockingQueue<byte[]> inputs = new LinkedBlockingQueue<>();
    /** Stands for a CLOSE_STDIN frame in {@link #inputs} (compared by identity). */
    private static final byte[] CLOSE_STDIN = new byte[0];
    private final ProcessGroupSignaller signaller;

    private final CompletableFuture<ExitStatus> exited = new CompletableFuture<>();
    private final CountDownLatch acked = new CountDownLatch(1);
    private final Object connectionLock = new Object();
    private volatile boolean stdoutEnded;
    private volatile boolean stderrEnded;
    private volatile AgentProcess agent;
    private volatile long agentStart = -1;
    private volatile String spawnError = "";
    private volatile long detachedAtMillis;
    private volatile boolean everConnected;
    /** The DRAINED frame's payload once every byte is committed and the record written; null before. */
    private volatile byte[] drainedPayload;
    private SocketChannel connection;
    private DataOutputStream out;
    private OutputPump pump;

    public Keeper(KeeperFiles files, Session row, Map<String, String> harnessEnv, Function<LaunchRequest, Spawner> spawners,
                  OutputStore outputs, SupervisorConfig config, Clock clock,
                  ProcessGroupSignaller signaller) {
        this.signaller = signaller;
        this.files = files;
        this.row = row;
        this.harnessEnv = harnessEnv;
        this.spawners = spawners;
        this.outputs = outputs;
        this.config = config;
        this.clock = clock;
    }

    /** Runs until the agent has ended and its exit is recorded; returns the keeper's exit code. */
    public int run() throws IOException, InterruptedException {
        files.ensureDirectory();
        Files.deleteIfExists(files.socket());
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(files.socket()));
        Files.setPosixFilePermissions(files.socket(), PosixFilePermissions.fromString("rw-------"));

        BatchWriter writer = new BatchWriter(outputs, config, ids -> commitNotice.raise());
        writer.start();
        pump = new OutputPump(row.id(), writer, new ByteBudget(config.sessionBufferBytes(), new BackpressureGauge()),
                new OutputTail(TAIL_BYTES), clock);
        spawn();

        Thread acceptor = new Thread(() -> accept(server), "keeper-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        Thread commits = new Thread(this::sendCommits, "keeper-commits");
        commits.setDaemon(true);
        commits.start();
        Thread input = new Thread(this::relayInput, "keeper-input");
        input.setDaemon(true);
        input.start();
        Thread activity = new Thread(this::sendActivity, "keeper-activity");
        activity.setDaemon(true);
        activity.start();

        ExitStatus status = agent == null ? null : exited.join();
        if (status != null) {
            send(KeeperProtocol.EXITED, exitedPayload(status));
            awaitDrain();
        }
        pump.close();
        try {
            writer.flush().get();
        } catch (Exception e) {
            LOG.error("flushing the output failed", e);
        }
        writer.close();
        ExitRecord record = new ExitRecord(status, pump.stderrHead(), spawnError.isEmpty() ? null : spawnError);
        writeRecordEventually(record);
        drainedPayload = utf(pump.stderrHead());
        boolean told = send(KeeperProtocol.DRAINED, drainedPayload);
        // A keeper that never had a daemon (its agent ended, or could not be spawned, before the daemon
        // that started it connected) waits for that daemon, which is on its way: leaving would look to
        // it like a keeper that never started. Otherwise it goes at once when no daemon is connected.
        if (told || !everConnected) {
            acked.await(ACK_WAIT_MS, TimeUnit.MILLISECONDS);
        }
        server.close();
        Files.deleteIfExists(files.socket());
        LOG.info("keeper of session {} done ({})", row.id(), status == null ? "never spawned" : status.describe());
        return 0;
    }

    private void spawn() {
        SessionSpec spec = row.spec();
        Map<String, String> env = new HarnessEnvironment(harnessEnv).forAgent(spec.env(), row.id(), row.slot());
        TerminalSize terminal = spec.terminal();
        if (terminal != null && !spec.env().containsKey("TERM")) {
            // The daemon's TERM names whatever terminal started it; the agent's is the pty we emulate.
            env.put("TERM", "xterm-256color");
        }
        LaunchRequest request = new LaunchRequest(spec.command(), env, Path.of(spec.cwd()).toAbsolutePath(), terminal,
                terminal != null || spec.interactive());
        try {
            agent = spawners.apply(request).spawn(request, new Listener());
        } catch (SpawnException e) {
            spawnError = e.getMessage();
            return;
        } catch (RuntimeException e) {
            LOG.error("spawning failed", e);
            spawnError = "could not spawn " + spec.command().get(0) + ": " + e.getMessage();
            return;
        }
        agentStart = awaitOwnSession(agent.pid()).map(ProcStat::startTime).orElse(-1L);
        if (terminal == null) {
            return;
        }
        stderrEnded = true; // one stream only
    }

    private Optional<ProcStat> awaitOwnSession(int pid) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            Optional<ProcStat> stat = proc.stat(pid);
            if (stat.isEmpty() || stat.get().session() == pid || stat.get().hasExited() || System.nanoTime() > deadline) {
                return stat;
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return stat;
            }
        }
    }

    private final class Listener implements AgentListener {
        @Override
        public void onOutput(StreamType stream, ByteBuffer bytes) {
            pump.onBytes(stream, bytes);
        }

        @Override
        public void onEnd(StreamType stream) {
            pump.onEnd(stream);
            if (stream == StreamType.STDERR) {
                stderrEnded = true;
            } else {
                stdoutEnded = true;
            }
        }

        @Override
        public void onExit(AgentExit exit) {
            exited.complete(new ExitStatus(exit.code(), exit.signal(), exit.exact()));
        }
    }

    /** Both streams at end of file, or, after the exit, no output for a while (a grandchild holds the pipes). */
    private void awaitDrain() throws InterruptedException {
        long arrivals = pump.arrivals();
        long quietSince = System.nanoTime();
        while (!(stdoutEnded && stderrEnded)) {
            Thread.sleep(20);
            long now = pump.arrivals();
            if (now != arrivals || pump.budget().outstanding() > 0) {
                arrivals = now;
                quietSince = System.nanoTime();
            } else if (System.nanoTime() - quietSince > TimeUnit.MILLISECONDS.toNanos(PIPE_HOLDER_CAP_MS)) {
                LOG.info("output pipes still held open after the exit; ending without them");
                return;
            }
        }
    }

    private void writeRecordEventually(ExitRecord record) throws InterruptedException {
        for (int attempt = 0; ; attempt++) {
            try {
                record.writeDurably(files.exitRecord());
                return;
            } catch (IOException e) {
                if (!Files.isDirectory(files.dir())) {
                    LOG.error("the home is gone; the exit cannot be recorded: {}", e.getMessage());
                    return;
                }
                if (attempt % 50 == 0) {
                    LOG.warn("cannot write the exit record yet ({}); retrying", e.getMessage());
                }
                Thread.sleep(200);
            }
        }
    }

    private void accept(ServerSocketChannel server) {
        while (server.isOpen()) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (IOException e) {
                return;
            }
            DataOutputStream o = new DataOutputStream(new java.io.BufferedOutputStream(SocketStreams.out(ch), 65536));
            // The greeting first, then the connection is published: another thread's frame (a
            // COMMITTED notice, an activity report) written to a connection that has not been greeted
            // yet came before HELLO, and the daemon took the keeper for one that "did not greet"
            // (found by KeeperContract under load). Under the lock, so that an exit or the end that
            // happens meanwhile is either in the greeting or sent after it.
            synchronized (connectionLock) {
                try {
                    KeeperProtocol.write(o, KeeperProtocol.HELLO, hello());
                    if (exited.isDone()) {
                        KeeperProtocol.write(o, KeeperProtocol.EXITED, exitedPayload(exited.join()));
                    }
                    byte[] drained = drainedPayload;
                    if (drained != null) {
                        // connected after the end: all of it at once
                        KeeperProtocol.write(o, KeeperProtocol.DRAINED, drained);
                    }
                } catch (IOException e) {
                    closeQuietly(ch);
                    continue;
                }
                everConnected = true;
                if (connection != null) {
                    closeQuietly(connection); // a newer daemon takes over; the old one is gone or going
                }
                connection = ch;
                out = o;
            }
            Thread reader = new Thread(() -> serve(ch), "keeper-conn");
            reader.setDaemon(true);
            reader.start();
        }
    }

    private byte[] hello() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        d.writeInt(KeeperProtocol.VERSION);
        d.writeLong(ProcessHandle.current().pid());
        d.writeLong(proc.stat((int) ProcessHandle.current().pid()).map(ProcStat::startTime).orElse(-1L));
        d.writeInt(agent == null ? -1 : agent.pid());
        d.writeLong(agentStart);
        d.writeLong(detachedAtMillis);
        d.writeUTF(spawnError);
        return b.toByteArray();
    }

    private void serve(SocketChannel ch) {
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(SocketStreams.in(ch)))) {
            KeeperProtocol.Frame f;
            while ((f = KeeperProtocol.read(in)) != null) {
                handle(f);
            }
        } catch (IOException e) {
            // the daemon went away
        } finally {
            dropped(ch);
        }
    }

    private void handle(KeeperProtocol.Frame f) throws IOException {
        AgentProcess a = agent;
        switch (f.type()) {
            case KeeperProtocol.STDIN -> {
                pump.tail().clear(); // whatever prompt it showed has its answer now
                inputs.add(f.payload());
            }
            case KeeperProtocol.CLOSE_STDIN -> inputs.add(CLOSE_STDIN);
            case KeeperProtocol.RESIZE -> {
                DataInputStream d = new DataInputStream(new java.io.ByteArrayInputStream(f.payload()));
                int cols = d.readInt();
                int rows = d.readInt();
                if (a != null && a.tty()) {
                    a.resize(new TerminalSize(cols, rows));
                }
            }
            case KeeperProtocol.ACK_EXIT -> acked.countDown();
            case KeeperProtocol.SIGNAL -> send(KeeperProtocol.SIGNALLED,
                    new byte[] {(byte) (signalGroup(a, f.payload()) ? 1 : 0)});
            default -> LOG.warn("unknown frame type {} ignored", f.type());
        }
    }

    /**
     * A SIGNAL frame: its agent's group gets the signal. Until the agent is reaped its pid, and so
     * its group id, is still ours; after that only while the group has members that started no
     * earlier than the agent (the id cannot be reused while they live).
     *
     * @return whether anything received it
     */
    private boolean signalGroup(AgentProcess a, byte[] payload) {
        int number = payload.length >= 4 ? ByteBuffer.wrap(payload).getInt() : -1;
        Optional<Signal> signal = Arrays.stream(Signal.values())
                .filter(s -> s != Signal.NONE && s.number() == number).findFirst();
        if (signal.isEmpty()) {
            LOG.warn("signal {} refused", number);
            return false;
        }
        if (a == null) {
            return false;
        }
        if (exited.isDone() && proc.liveGroupMembers(a.pid(), a.pid(), agentStart).isEmpty()) {
            LOG.info("{}: nothing left in the agent's group", Signal.nameOf(number));
            return false;
        }
        LOG.info("{} to the agent's group", Signal.nameOf(number));
        return signaller.signalGroup(a.pid(), signal.get());
    }

    /**
     * Hands the agent its input one frame at a time, in order, and tells the daemon when the agent
     * has taken each frame ({@code INPUT_TAKEN}, protocol 2): the daemon sends the next request only
     * then (issue 16's bound on queued input, across the keeper), and the connection stays free for
     * signals and resizes meanwhile, so a deaf agent can still be paused or stopped.
     */
    private void relayInput() {
        while (true) {
            byte[] bytes;
            try {
                bytes = inputs.take();
            } catch (InterruptedException e) {
                return;
            }
            AgentProcess a = agent;
            if (a == null) {
                if (bytes != CLOSE_STDIN) {
                    send(KeeperProtocol.INPUT_TAKEN, new byte[0]); // nobody to take it: not waited for
                }
                continue;
            }
            if (bytes == CLOSE_STDIN) {
                try {
                    a.closeStdin();
                } catch (RuntimeException e) {
                    LOG.info("stdin: {}", e.getMessage());
                }
                continue;
            }
            try {
                awaitTaken(a);
                if (!exited.isDone()) {
                    a.writeStdin(bytes);
                    awaitTaken(a);
                }
            } catch (RuntimeException e) {
                LOG.info("stdin: {}", e.getMessage());
            } catch (InterruptedException e) {
                return;
            }
            send(KeeperProtocol.INPUT_TAKEN, new byte[0]);
        }
    }

    private void awaitTaken(AgentProcess a) throws InterruptedException {
        while (a.hasPendingWrites() && !exited.isDone()) {
            Thread.sleep(10);
        }
    }

    private void dropped(SocketChannel ch) {
        synchronized (connectionLock) {
            if (connection == ch) {
                connection = null;
                out = null;
                detachedAtMillis = clock.millis();
                LOG.info("daemon detached");
            }
        }
        closeQuietly(ch);
    }

    /** @return whether a daemon was connected to receive it */
    private boolean send(byte type, byte[] payload) {
        DataOutputStream o;
        SocketChannel ch;
        synchronized (connectionLock) {
            o = out;
            ch = connection;
        }
        if (o == null) {
            return false;
        }
        try {
            KeeperProtocol.write(o, type, payload);
            return true;
        } catch (IOException e) {
            dropped(ch);
            return false;
        }
    }

    /**
     * Tells the daemon that output was committed, so that its live bus reads and pushes it at once.
     * On a thread of its own, never the writer's: a daemon that is stopped or slow to read must not
     * hold up capture. Notices that pile up while one is sent become one.
     */
    private void sendCommits() {
        while (true) {
            try {
                commitNotice.await();
            } catch (InterruptedException e) {
                return;
            }
            send(KeeperProtocol.COMMITTED, new byte[0]);
        }
    }

    private void sendActivity() {
        long seen = 0;
        while (true) {
            try {
                Thread.sleep(ACTIVITY_EVERY_MS);
            } catch (InterruptedException e) {
                return;
            }
            long now = pump.arrivals();
            if (now != seen) {
                seen = now;
                send(KeeperProtocol.ACTIVITY, pump.tail().snapshot().text().getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private static byte[] exitedPayload(ExitStatus s) {
        ByteBuffer b = ByteBuffer.allocate(9);
        b.putInt(s.code() == null ? -1 : s.code());
        b.putInt(s.signal() == null ? -1 : s.signal());
        b.put((byte) (s.exact() ? 1 : 0));
        return b.array();
    }

    static ExitStatus parseExited(byte[] payload) {
        ByteBuffer b = ByteBuffer.wrap(payload);
        int code = b.getInt();
        int signal = b.getInt();
        boolean exact = b.get() != 0;
        return new ExitStatus(code < 0 ? null : code, signal < 0 ? null : signal, exact);
    }

    private static byte[] utf(String s) {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            new DataOutputStream(b).writeUTF(s.length() > 1000 ? s.substring(0, 1000) : s);
            return b.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
