package dev.agentharness.supervisor.testing;

import static org.junit.jupiter.api.Assertions.fail;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.agentharness.core.EventType;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionEvent;
import dev.agentharness.core.SessionSpec;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.core.StreamType;
import dev.agentharness.core.UlidGenerator;
import dev.agentharness.core.store.EventStore;
import dev.agentharness.core.store.OutputStore;
import dev.agentharness.core.store.RunStore;
import dev.agentharness.core.store.SessionStore;
import dev.agentharness.core.store.StartQueue;
import dev.agentharness.core.store.Transactor;
import dev.agentharness.store.HarnessHome;
import dev.agentharness.store.SqliteStores;
import dev.agentharness.supervisor.Supervisor;
import dev.agentharness.supervisor.SupervisorConfig;
import dev.agentharness.supervisor.SupervisorModule;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * A supervisor over REAL SQLite stores in a temporary home, wired the way production wires it
 * (Guice, {@link SupervisorModule}), plus the waiting and reading helpers tests need.
 */
public final class TestHarness implements AutoCloseable {
    public static final Duration TIMEOUT = Duration.ofSeconds(30);

    public final HarnessHome home;
    public final SqliteStores stores;
    public final Clock clock;
    public final Injector injector;
    public final Supervisor supervisor;

    private TestHarness(Path dir, Clock clock, SupervisorConfig config, com.google.inject.Module... extra) {
        this(dir, clock, config, false, extra);
    }

    private TestHarness(Path dir, Clock clock, SupervisorConfig config, boolean keepers, com.google.inject.Module... extra) {
        this(dir, clock, config, keepers ? jvmKeeperCommand() : null, extra);
    }

    private TestHarness(Path dir, Clock clock, SupervisorConfig config, java.util.List<String> keeperCommand,
                        com.google.inject.Module... extra) {
        this.home = HarnessHome.at(dir);
        this.clock = clock;
        this.stores = SqliteStores.open(home.database(), clock, new UlidGenerator(clock), 3);
        dev.agentharness.supervisor.KeeperMode mode = keeperCommand != null
                ? dev.agentharness.supervisor.KeeperMode.keepers(keeperCommand, dir.toAbsolutePath())
                : dev.agentharness.supervisor.KeeperMode.inProcess();
        java.util.List<com.google.inject.Module> modules = new java.util.ArrayList<>(
                java.util.List.of(new SupervisorModule(config, mode), storesModule(home, stores, clock)));
        modules.addAll(java.util.List.of(extra));
        this.injector = Guice.createInjector(modules);
        this.supervisor = injector.getInstance(Supervisor.class);
    }

    /** A started supervisor whose agents run under real keeper processes (this JVM's class path). */
    public static TestHarness startedWithKeepers(Path dir) {
        TestHarness h = new TestHarness(dir, Clock.systemUTC(), fastConfig(), true);
        h.supervisor.start();
        return h;
    }

    /** A started supervisor whose agents run under real keeper processes started with {@code keeperCommand}. */
    public static TestHarness startedWithKeepers(Path dir, java.util.List<String> keeperCommand) {
        TestHarness h = new TestHarness(dir, Clock.systemUTC(), fastConfig(), keeperCommand);
        h.supervisor.start();
        return h;
    }

    /**
     * The native keeper this module's build made (target/harness-keeper; see scripts/build-native.sh), or
     * null when it was not built (no gcc or sqlite3.h): tests of it then skip with a notice.
     */
    public static Path nativeKeeper() {
        Path p = Path.of(System.getProperty("harness.nativeKeeper", "target/harness-keeper")).toAbsolutePath();
        return java.nio.file.Files.isRegularFile(p) && java.nio.file.Files.isExecutable(p) ? p : null;
    }

    /** The JVM keeper's command line, on this JVM's class path. */
    public static java.util.List<String> jvmKeeperCommand() {
        return java.util.List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx16m",
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                // the keeper logs what it does at INFO (its log is what the contract test reads); tests log WARN
                "-Dorg.slf4j.simpleLogger.log.dev.agentharness.supervisor.internal.keeper.Keeper=info", "-cp", System.getProperty("java.class.path"),
                "dev.agentharness.supervisor.keeper.KeeperMain");
    }

    /** Opened but not started. */
    public static TestHarness open(Path dir, Clock clock, SupervisorConfig config) {
        return new TestHarness(dir, clock, config);
    }

    /** Opened but not started, with more modules (a {@code NotifyModule}). */
    public static TestHarness open(Path dir, Clock clock, SupervisorConfig config, com.google.inject.Module... extra) {
        return new TestHarness(dir, clock, config, extra);
    }

    public static TestHarness started(Path dir) {
        return started(dir, Clock.systemUTC(), fastConfig());
    }

    public static TestHarness started(Path dir, Clock clock, SupervisorConfig config) {
        TestHarness h = new TestHarness(dir, clock, config);
        h.supervisor.start();
        return h;
    }

    /** Defaults, with a short stop grace so that failing tests do not hang for long. */
    public static SupervisorConfig fastConfig() {
        SupervisorConfig d = SupervisorConfig.defaults();
        return new SupervisorConfig(Duration.ofSeconds(2), d.stallTimeout(), d.escalationStop(), d.checkpointQuiet(),
                d.checkpointPatterns(), d.batchWindow(), d.batchMaxBytes(), d.sessionBufferBytes(), d.orphanGrace(),
                d.restartBackoffInitial(), d.restartBackoffMax(), d.restartResetAfter());
    }

    /** The bindings SessionManagerModule provides in production. */
    public static AbstractModule storesModule(HarnessHome home, SqliteStores stores, Clock clock) {
        return new AbstractModule() {
            @Override
            protected void configure() {
                bind(Clock.class).toInstance(clock);
                bind(HarnessHome.class).toInstance(home);
                bind(SqliteStores.class).toInstance(stores);
                bind(SessionStore.class).toInstance(stores.sessions());
                bind(OutputStore.class).toInstance(stores.outputs());
                bind(EventStore.class).toInstance(stores.events());
                bind(RunStore.class).toInstance(stores.runs());
                bind(StartQueue.class).toInstance(stores.queue());
                bind(Transactor.class).toInstance(stores.transactor());
                bind(dev.agentharness.core.store.NotificationOutbox.class).toInstance(stores.notifications());
            }
        };
    }

    public <T> T get(Class<T> type) {
        return injector.getInstance(type);
    }

    public static SessionSpec spec(Path cwd, String... argv) {
        return SessionSpec.of(List.of(argv), cwd.toString());
    }

    public static SessionSpec sh(Path cwd, String script) {
        return spec(cwd, "sh", "-c", script);
    }

    public Session session(String id) {
        return stores.sessions().get(id).orElseThrow(() -> new AssertionError("no session " + id));
    }

    public Session awaitEnded(String id) {
        try {
            return supervisor.whenEnded(id).get(TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("session " + id + " did not end within " + TIMEOUT + "; it is " + session(id).status(), e);
        }
    }

    public Session awaitStatus(String id, SessionStatus status) {
        await(() -> session(id).status() == status, "session " + id + " to become " + status);
        return session(id);
    }

    public static void await(BooleanSupplier condition, String what) {
        await(condition, what, TIMEOUT);
    }

    public static void await(BooleanSupplier condition, String what, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + within + " waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    public String output(String id) {
        return output(id, EnumSet.allOf(StreamType.class));
    }

    public String output(String id, Set<StreamType> streams) {
        StringWriter w = new StringWriter();
        try {
            stores.outputs().writeFull(id, streams, w);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    /** The stored bytes, exactly. */
    public byte[] outputBytes(String id, Set<StreamType> streams) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            stores.outputs().writeFull(id, streams, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public List<SessionEvent> events(String id) {
        return stores.events().list(id);
    }

    public List<EventType> eventTypes(String id) {
        return events(id).stream().map(SessionEvent::type).collect(Collectors.toList());
    }

    public SessionEvent event(String id, EventType type) {
        return events(id).stream().filter(e -> e.type() == type).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " event in " + eventTypes(id)));
    }

    @Override
    public void close() {
        try {
            supervisor.shutdown(Duration.ofSeconds(2));
        } finally {
            stores.close();
        }
    }

    /**
     * Whether nothing in process group {@code pgid} can run. The leader may show 'D' instead of 'T':
     * dash starts commands with vfork, and a parent whose vfork child was stopped before its exec
     * waits uninterruptibly for it (seen in CI as a 30 s timeout on a paused {@code sh} loop).
     */
    public static boolean groupStopped(dev.agentharness.supervisor.internal.process.ProcInspector proc, int pgid) {
        java.util.List<dev.agentharness.supervisor.internal.process.ProcStat> members = proc.liveGroupMembers(pgid, -1, 0);
        return members.stream().anyMatch(m -> m.pid() == pgid)
                && members.stream().allMatch(m -> m.state() == 'T'
                        || (m.state() == 'D' && members.stream().anyMatch(c -> c.ppid() == m.pid() && c.state() == 'T')));
    }
}
