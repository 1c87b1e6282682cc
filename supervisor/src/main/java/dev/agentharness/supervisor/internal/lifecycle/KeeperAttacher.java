package dev.agentharness.supervisor.internal.lifecycle;

import static dev.agentharness.supervisor.internal.lifecycle.StatusRecorder.event;

import dev.agentharness.core.EventType;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.StreamType;
import dev.agentharness.supervisor.KeeperMode;
import dev.agentharness.supervisor.SessionObserver;
import dev.agentharness.supervisor.ReconcileReport;
import dev.agentharness.supervisor.SupervisorConfig;
import dev.agentharness.supervisor.internal.capture.BackpressureGauge;
import dev.agentharness.supervisor.internal.capture.ByteBudget;
import dev.agentharness.supervisor.internal.capture.OutputPump;
import dev.agentharness.supervisor.internal.capture.OutputTail;
import dev.agentharness.supervisor.internal.keeper.ExitRecord;
import dev.agentharness.supervisor.internal.keeper.KeeperClient;
import dev.agentharness.supervisor.internal.keeper.KeeperFiles;
import dev.agentharness.supervisor.internal.process.ExitStatus;
import dev.agentharness.supervisor.internal.process.ExitWatcher;
import dev.agentharness.supervisor.internal.process.LibC;
import dev.agentharness.supervisor.internal.process.ProcInspector;
import dev.agentharness.supervisor.internal.process.ProcessGroupSignaller;
import dev.agentharness.supervisor.internal.process.ProcStat;
import dev.agentharness.supervisor.internal.process.ProcessIdentity;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's side of keepers: starts a session's keeper and connects to it, takes over the
 * sessions whose keepers outlived a previous daemon, ends a session from its keeper's exit record,
 * and treats a keeper that died before its agent as today's crash (the agent's group terminated,
 * {@code crashed}). Output never passes through here: the keeper commits it (docs/design/keeper.md);
 * the daemon only mirrors what the watchdog needs.
 */
@Singleton
public final class KeeperAttacher {
    private static final Logger LOG = LoggerFactory.getLogger(KeeperAttacher.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration LOST_GRACE = Duration.ofSeconds(2);
    private static final long POLL_MS = 25;

    private final KeeperMode mode;
    private final LiveSessions live;
    private final SessionFinisher finisher;
    private final StatusRecorder recorder;
    private final SupervisorThreads threads;
    private final SupervisorConfig config;
    private final BackpressureGauge backpressure;
    private final ProcInspector proc;
    private final ProcessGroupSignaller signaller;
    private final LibC libc;
    private final Clock clock;
    private volatile boolean detaching;
    private volatile boolean closed;
    /** The keeper started ahead for the next session (a JVM takes longer to boot than a start may). */
    private final AtomicReference<CompletableFuture<Spare>> spare = new AtomicReference<>();

    private record Spare(Process process, Path socket) {
    }

    /** Hear of each commit a keeper reports (the daemon's live bus). */
    private final Set<SessionObserver> observers;

    @Inject
    public KeeperAttacher(KeeperMode mode, LiveSessions live, SessionFinisher finisher, StatusRecorder recorder,
                          SupervisorThreads threads, SupervisorConfig config, BackpressureGauge backpressure, ProcInspector proc,
                          ProcessGroupSignaller signaller, LibC libc, Clock clock, Set<SessionObserver> observers) {
        this.observers = Set.copyOf(observers);
        this.mode = mode;
        this.live = live;
        this.finisher = finisher;
        this.recorder = recorder;
        this.threads = threads;
        this.config = config;
        this.backpressure = backpressure;
        this.proc = proc;
        this.signaller = signaller;
        this.libc = libc;
        this.clock = clock;
    }

    public boolean enabled() {
        return mode.enabled();
    }

    /** The daemon's view of a keeper session's output: activity only, nothing stored here. */
    public OutputPump mirrorPump(String sessionId) {
        return OutputPump.mirror(sessionId, new ByteBudget(config.sessionBufferBytes(), backpressure),
                new OutputTail(SessionStarter.TAIL_BYTES), clock);
    }

    public LiveSession newLiveSession(Session row) {
        return new LiveSession(row.id(), row.spec(), row.slot(), mirrorPump(row.id()), new ExitWatcher(libc), signaller, proc);
    }

    /** The outcome of {@link #launch}: the agent runs, or why it does not. */
    public record Launched(ProcessIdentity agent, int pid, String failure) {
    }

    /**
     * Starts the session's keeper and waits until it has spawned the agent. Called with the
     * session's lock held (the row says {@code starting}).
     */
    public Launched launch(LiveSession session) {
        KeeperFiles files = KeeperFiles.of(mode.home(), session.id());
        Process process = adoptSpare(session.id(), files);
        prepareSpare();
        try {
            if (process == null) {
                process = startKeeper(session.id(), files.log());
                recordKeeper(files, process.pid());
            }
        } catch (IOException e) {
            return new Launched(null, -1, "could not start its keeper: " + e.getMessage());
        }
        return connect(session, files, process);
    }

    /** Starts a spare keeper in the background, unless one is there or coming; from start-up on. */
    public void prepareSpare() {
        if (!mode.enabled() || closed) {
            return;
        }
        CompletableFuture<Spare> next = new CompletableFuture<>();
        if (!spare.compareAndSet(null, next)) {
            return;
        }
        Thread t = new Thread(() -> {
            try {
                KeeperFiles any = KeeperFiles.of(mode.home(), "spares");
                Process p = startKeeper("--spare", any.log());
                Path socket = KeeperFiles.spareSocket(mode.home(), p.pid());
                long deadline = System.nanoTime() + CONNECT_TIMEOUT.toNanos();
                while (!Files.exists(socket) && p.isAlive() && System.nanoTime() < deadline) {
                    sleep(5);
                }
                if (!Files.exists(socket) || closed) {
                    p.destroy();
                    next.complete(null);
                } else {
                    next.complete(new Spare(p, socket));
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("could not start a spare keeper: {}", e.getMessage());
                next.complete(null);
            }
        }, "harness-spare-keeper");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Writes {@link KeeperFiles#keeperIdentity}: which process is (or is about to be) this session's
     * keeper, so that a daemon killed before the keeper serves leaves the next one something to check.
     */
    private void recordKeeper(KeeperFiles files, long pid) {
        long start = proc.stat((int) pid).map(ProcStat::startTime).orElse(-1L);
        Path tmp = files.dir().resolve(files.sessionId() + ".keeper.tmp");
        try {
            Files.deleteIfExists(tmp);
            Files.writeString(Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
                    pid + " " + start + "\n");
            Files.move(tmp, files.keeperIdentity(), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            // Only a shortcut for a later reattach, which then waits for the socket as it did before.
            LOG.debug("session {}: cannot record its keeper's pid: {}", files.sessionId(), e.getMessage());
        }
    }

    /** The keeper recorded for a session, if any ({@link #recordKeeper}). */
    private static Optional<ProcessIdentity> recordedKeeper(KeeperFiles files) {
        try {
            String[] f = Files.readString(files.keeperIdentity()).trim().split(" ");
            return Optional.of(new ProcessIdentity(Integer.parseInt(f[0]), Long.parseLong(f[1])));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The spare keeper, told that it is {@code sessionId}'s now; null when there is none to adopt. */
    private Process adoptSpare(String sessionId, KeeperFiles files) {
        CompletableFuture<Spare> f = spare.getAndSet(null);
        if (f == null) {
            return null;
        }
        Spare s;
        try {
            s = f.get(CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            return null;
        }
        if (s == null || !s.process().isAlive()) {
            return null;
        }
        recordKeeper(files, s.process().pid());
        try (java.nio.channels.SocketChannel ch = connectToSpare(s)) {
            java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
            new java.io.DataOutputStream(b).writeUTF(sessionId);
            java.io.DataOutputStream out = new java.io.DataOutputStream(java.nio.channels.Channels.newOutputStream(ch));
            dev.agentharness.supervisor.internal.keeper.KeeperProtocol.write(out,
                    dev.agentharness.supervisor.internal.keeper.KeeperProtocol.ADOPT, b.toByteArray());
            return s.process();
        } catch (IOException e) {
            // Nothing is lost: the session gets a keeper of its own, only a little later.
            LOG.info("the spare keeper (pid {}) did not take session {} ({}); starting a keeper for it",
                    s.process().pid(), sessionId, e.getMessage());
            s.process().destroy();
            return null;
        }
    }

    /**
     * The spare's socket file appears at bind(2), a moment before it listens; a connection in
     * between is refused. So a refusal is tried again for a short while before the spare is given up.
     */
    private static java.nio.channels.SocketChannel connectToSpare(Spare s) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
        while (true) {
            java.nio.channels.SocketChannel ch = java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX);
            try {
                ch.connect(java.net.UnixDomainSocketAddress.of(s.socket()));
                return ch;
            } catch (IOException refused) {
                ch.close();
                if (System.nanoTime() > deadline || !s.process().isAlive()) {
                    throw refused;
                }
                sleep(10);
            }
        }
    }

    /**
     * Sends the spare keeper away (an empty adoption: it closes the database and exits) and waits
     * for it, so that a shut-down harness leaves the database as it did before keepers: closed by
     * everyone, its WAL gone. The supervisor is shutting down.
     */
    public void close() {
        closed = true;
        CompletableFuture<Spare> f = spare.getAndSet(null);
        if (f == null) {
            return;
        }
        Spare s;
        try {
            s = f.get(CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            return;
        }
        if (s == null) {
            return;
        }
        try (java.nio.channels.SocketChannel ch = java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            ch.connect(java.net.UnixDomainSocketAddress.of(s.socket()));
            java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
            new java.io.DataOutputStream(b).writeUTF("");
            dev.agentharness.supervisor.internal.keeper.KeeperProtocol.write(
                    new java.io.DataOutputStream(java.nio.channels.Channels.newOutputStream(ch)),
                    dev.agentharness.supervisor.internal.keeper.KeeperProtocol.ADOPT, b.toByteArray());
        } catch (IOException e) {
            s.process().destroy();
        }
        try {
            if (!s.process().waitFor(5, TimeUnit.SECONDS)) {
                s.process().destroy();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Process startKeeper(String argument, Path log) throws IOException {
            KeeperFiles.of(mode.home(), "x").ensureDirectory();
            if (!Files.exists(log)) {
                try {
                    Files.createFile(log, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                } catch (java.nio.file.FileAlreadyExistsException raced) {
                    // another keeper's start made it
                }
            }
            List<String> command = new ArrayList<>(mode.command());
            command.add(mode.home().toString());
            command.add(argument);
            ProcessBuilder pb = new ProcessBuilder(command);
            if (!pb.environment().containsKey("MALLOC_ARENA_MAX")) {
                // glibc gives each thread that mallocs an arena of its own; a keeper has a few threads and little to allocate.
                pb.environment().put("MALLOC_ARENA_MAX", "1");
                pb.environment().put(dev.agentharness.supervisor.keeper.KeeperMain.KEEPER_ONLY_ENV, "MALLOC_ARENA_MAX");
            }
            return pb
                    .directory(mode.home().toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectErrorStream(true)
                    .start();
    }

    private Launched connect(LiveSession session, KeeperFiles files, Process process) {
        KeeperClient client = null;
        long deadline = System.nanoTime() + CONNECT_TIMEOUT.toNanos();
        while (client == null) {
            try {
                client = KeeperClient.connect(files);
            } catch (KeeperClient.UnsupportedKeeperException e) {
                process.destroyForcibly();
                return new Launched(null, -1, e.getMessage());
            } catch (IOException notYet) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    process.destroyForcibly();
                    return new Launched(null, -1, "its keeper did not start" + lastLine(files.log()).map(l -> ": " + l).orElse(""));
                }
                sleep(5);
            }
        }
        KeeperClient.Hello hello = client.hello();
        if (!hello.spawnError().isEmpty()) {
            client.acknowledgeExit();
            client.close();
            files.removeAll();
            return new Launched(null, -1, hello.spawnError());
        }
        ProcessIdentity who = hello.agentStart() >= 0 ? new ProcessIdentity(hello.agentPid(), hello.agentStart()) : null;
        attach(session, client, files, who);
        return new Launched(who, hello.agentPid(), null);
    }

    private void attach(LiveSession session, KeeperClient client, KeeperFiles files, ProcessIdentity who) {
        session.spawned(client, who, clock.instant());
        finisher.watch(session);
        AtomicReference<KeeperClient> current = new AtomicReference<>(client);
        listen(session, client, files, current);
        session.ended().whenComplete((ended, error) -> {
            if (error == null) {
                // Stored: the exit record has served its purpose; the keeper may go.
                files.removeAll();
                KeeperClient c = current.get();
                c.acknowledgeExit();
                c.close();
            }
        });
    }

    private void listen(LiveSession session, KeeperClient client, KeeperFiles files, AtomicReference<KeeperClient> current) {
        KeeperClient.Hello hello = client.hello();
        if (hello.version() < 2) {
            LOG.info("session {}: its keeper speaks protocol {} (started by an older build): stop, pause and resume"
                    + " signal the agent's group from the daemon", session.label(), hello.version());
        }
        client.listen(new KeeperClient.Listener() {
            @Override
            public void activity(byte[] tail) {
                OutputPump pump = session.pump();
                pump.tail().clear();
                pump.onBytes(StreamType.STDOUT, ByteBuffer.wrap(tail));
            }

            @Override
            public void exited(ExitStatus status) {
                session.exitWatcher().exited().complete(status);
            }

            @Override
            public void committed() {
                for (SessionObserver o : observers) {
                    o.outputCommitted(session.id());
                }
            }

            @Override
            public void drained(String stderrHead) {
                drainedWith(session, stderrHead);
            }

            @Override
            public void lost() {
                if (!detaching) {
                    threads.work().execute(() -> onLost(session, files, hello, current));
                }
            }
        }, session.label());
    }

    private static void drainedWith(LiveSession session, String stderrHead) {
        session.pump().reportStderrHead(stderrHead);
        session.outputEnded().complete(null);
        session.reaped().complete(null);
    }

    private void finishFromRecord(LiveSession session, ExitRecord record) {
        session.exitWatcher().exited().complete(record.status());
        drainedWith(session, record.stderrHead() == null ? "" : record.stderrHead());
    }

    /** The connection ended before the agent's end was told: an exit record, a reconnect, or a lost keeper. */
    private void onLost(LiveSession session, KeeperFiles files, KeeperClient.Hello hello, AtomicReference<KeeperClient> current) {
        ProcessIdentity keeper = new ProcessIdentity((int) hello.keeperPid(), hello.keeperStart());
        long deadline = System.nanoTime() + LOST_GRACE.toNanos();
        while (true) {
            Optional<ExitRecord> record = ExitRecord.read(files.exitRecord());
            if (record.isPresent() && record.get().status() != null) {
                finishFromRecord(session, record.get());
                return;
            }
            if (proc.isAlive(keeper)) {
                try {
                    KeeperClient again = KeeperClient.connect(files);
                    current.set(again);
                    session.spawned(again, session.identity(), session.startedAt() == null ? clock.instant() : session.startedAt());
                    listen(session, again, files, current);
                    return;
                } catch (IOException e) {
                    // dying, or not yet listening again
                }
            } else if (System.nanoTime() > deadline) {
                break;
            }
            sleep(POLL_MS);
        }
        LOG.warn("session {}: its keeper (pid {}) died before the agent; terminating the agent", session.label(), keeper.pid());
        session.lock().lock();
        try {
            session.requestStop(StopCause.keeperLost());
            session.terminate(config.orphanGrace(), threads.timer());
        } finally {
            session.lock().unlock();
        }
        ProcessIdentity agent = session.identity();
        ScheduledFuture<?>[] poll = new ScheduledFuture<?>[1];
        poll[0] = threads.timer().scheduleWithFixedDelay(() -> {
            if (agent == null || (!proc.isAlive(agent) && proc.liveGroupMembers(agent.pid(), agent.pid(), agent.startTime()).isEmpty())) {
                session.exitWatcher().exited().complete(new ExitStatus(null, null, false));
                drainedWith(session, "");
                files.removeAll();
                poll[0].cancel(false);
            }
        }, POLL_MS, POLL_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * At start-up or {@code recover}: takes over an active session that no live supervisor owns, if
     * its keeper is still there or left an exit record.
     *
     * @return what was done; empty when the session has lost its keeper (the caller's crash path)
     */
    public Optional<ReconcileReport.Item> reattach(Session row) {
        if (!mode.enabled()) {
            return Optional.empty();
        }
        KeeperFiles files = KeeperFiles.of(mode.home(), row.id());
        if (row.status() == SessionStatus.STARTING) {
            // A daemon killed while a keeper was booting (or a spare taking the session) left a row
            // that its keeper is about to serve. The keeper the daemon recorded tells whether one is
            // coming: alive, it is waited for (as long as a launch would wait); gone, the session has
            // lost it now. Without a record (killed between the keeper's start and the record), the
            // socket is waited for a moment, as before there were records.
            Optional<ProcessIdentity> keeper = recordedKeeper(files);
            long deadline = System.nanoTime() + (keeper.isPresent() ? CONNECT_TIMEOUT : Duration.ofSeconds(3)).toNanos();
            while (!Files.exists(files.socket()) && !Files.exists(files.exitRecord()) && System.nanoTime() < deadline
                    && keeper.map(proc::isAlive).orElse(true)) {
                sleep(keeper.isPresent() ? 10 : 50);
            }
        }
        if (Files.exists(files.socket())) {
            KeeperClient client = null;
            // The socket file appears at bind(2), a moment before the keeper listens: a refusal is
            // tried again while the keeper recorded for the session lives (or for 500 ms without a
            // record), not taken for a lost keeper (found by KeeperContract under load).
            Optional<ProcessIdentity> recorded = recordedKeeper(files);
            long retryUntil = System.nanoTime() + (recorded.isPresent() ? CONNECT_TIMEOUT : Duration.ofMillis(500)).toNanos();
            while (client == null) {
                try {
                    client = KeeperClient.connect(files);
                } catch (KeeperClient.UnsupportedKeeperException e) {
                    LOG.warn("session {}: {}", row.label(), e.getMessage());
                    return Optional.of(item(row, ReconcileReport.Finding.KEEPER_UNSUPPORTED, e.getMessage()));
                } catch (IOException e) {
                    if (System.nanoTime() > retryUntil || !recorded.map(proc::isAlive).orElse(true)
                            || Files.exists(files.exitRecord()) || !Files.exists(files.socket())) {
                        break; // gone: look for its exit record below
                    }
                    sleep(10);
                }
            }
            if (client != null) {
                return Optional.of(takeOver(row, client, files));
            }
        }
        Optional<ExitRecord> record = ExitRecord.read(files.exitRecord());
        if (record.isEmpty()) {
            return Optional.empty();
        }
        if (record.get().status() == null) {
            String why = record.get().spawnError() == null ? "its keeper could not spawn it" : record.get().spawnError();
            recorder.change(row.id(), SessionStatus.FAILED, why, b -> b, event(EventType.SPAWN_FAILED, "reason", why));
            files.removeAll();
            return Optional.of(item(row, ReconcileReport.Finding.ENDED_WHILE_DETACHED, why));
        }
        LiveSession s = live.register(() -> newLiveSession(row));
        s.lock().lock();
        try {
            ProcessIdentity who = row.pid() != null && row.pidStartTime() != null
                    ? new ProcessIdentity(row.pid(), row.pidStartTime()) : null;
            s.spawned(deadControl(), who, row.startedAt() == null ? clock.instant() : row.startedAt());
            s.statusChanged(row.status());
            finisher.watch(s);
        } finally {
            s.lock().unlock();
        }
        s.ended().whenComplete((e, error) -> {
            if (error == null) {
                files.removeAll();
            }
        });
        finishFromRecord(s, record.get());
        String why = record.get().status().describe() + " while no daemon was connected";
        LOG.info("session {}: {}", row.label(), why);
        return Optional.of(item(row, ReconcileReport.Finding.ENDED_WHILE_DETACHED, why));
    }

    private ReconcileReport.Item takeOver(Session row, KeeperClient client, KeeperFiles files) {
        KeeperClient.Hello hello = client.hello();
        ProcessIdentity who = hello.agentStart() >= 0 ? new ProcessIdentity(hello.agentPid(), hello.agentStart()) : null;
        long detachedAt = hello.detachedAtMillis();
        long gapMs = detachedAt > 0 ? Math.max(0, clock.millis() - detachedAt) : 0;
        LiveSession s = live.register(() -> newLiveSession(row));
        s.lock().lock();
        try {
            attach(s, client, files, who);
            List<StatusRecorder.Event> events = List.of(
                    event(EventType.DETACHED, "at", detachedAt > 0 ? Instant.ofEpochMilli(detachedAt).toString() : null),
                    event(EventType.REATTACHED, "gapMs", gapMs, "keeperPid", hello.keeperPid(), "pid", hello.agentPid()));
            if (row.status() == SessionStatus.STARTING) {
                recorder.change(row.id(), SessionStatus.RUNNING, null,
                        b -> b.pid(hello.agentPid()).pidStartTime(who == null ? null : who.startTime()).startedAt(clock.instant()),
                        events);
                s.statusChanged(SessionStatus.RUNNING);
            } else {
                for (StatusRecorder.Event e : events) {
                    recorder.record(row.id(), e.type(), e.data());
                }
                s.statusChanged(row.status());
            }
        } finally {
            s.lock().unlock();
        }
        String why = "reattached to its keeper (pid " + hello.keeperPid() + ") after " + gapMs + " ms";
        LOG.info("session {}: {}", row.label(), why);
        return item(row, ReconcileReport.Finding.REATTACHED, why);
    }

    /** A session ended crashed without its keeper: whatever the keeper left in the home goes. */
    public void forget(String sessionId) {
        if (mode.enabled()) {
            KeeperFiles.of(mode.home(), sessionId).removeAll();
        }
    }

    /** Shutting down with the agents kept: close every keeper connection; keepers and agents run on. */
    public void detachAll() {
        detaching = true;
        for (LiveSession s : live.all()) {
            if (s.process() instanceof KeeperClient c) {
                c.close();
            }
            live.remove(s);
        }
    }

    private static AgentControl deadControl() {
        return new AgentControl() {
            @Override
            public void writeStdin(byte[] bytes) {
                throw new IllegalStateException("the agent has ended");
            }

            @Override
            public void closeStdin() {
            }

            @Override
            public void resize(dev.agentharness.core.TerminalSize size) {
                throw new IllegalStateException("the agent has ended");
            }
        };
    }

    private static ReconcileReport.Item item(Session row, ReconcileReport.Finding finding, String reason) {
        return new ReconcileReport.Item(row.id(), row.label(), row.status().wireName(), finding, reason);
    }

    private static Optional<String> lastLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (!lines.get(i).isBlank()) {
                    return Optional.of(lines.get(i).strip());
                }
            }
        } catch (IOException ignored) {
            // no log
        }
        return Optional.empty();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
