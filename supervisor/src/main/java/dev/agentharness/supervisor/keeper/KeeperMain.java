package dev.agentharness.supervisor.keeper;

import dev.agentharness.core.Session;
import dev.agentharness.store.HarnessHome;
import dev.agentharness.store.SqliteStores;
import dev.agentharness.supervisor.SupervisorConfig;
import dev.agentharness.supervisor.internal.keeper.Keeper;
import dev.agentharness.supervisor.internal.keeper.KeeperFiles;
import dev.agentharness.supervisor.internal.process.LibC;
import dev.agentharness.supervisor.internal.process.LibcProcessGroupSignaller;
import dev.agentharness.supervisor.spawn.Spawners;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * The keeper process's entry point: {@code KeeperMain HOME SESSION_ID}. Started by the daemon, one
 * per session, in a session of its own (see docs/design/keeper.md). Its argv holds no secrets: the
 * agent's command, cwd and environment are read from the session's row.
 */
public final class KeeperMain {
    /** Variables the daemon set for the keeper's JVM only (e.g. MALLOC_ARENA_MAX), comma-separated; agents never see them. */
    public static final String KEEPER_ONLY_ENV = "HARNESS_KEEPER_ONLY_ENV";
    /** An append-only writer needs little page cache; the daemon's 16 MiB would be most of a keeper's RSS. */
    static final int CACHE_KIB = 1024;

    private KeeperMain() {
    }

    /**
     * Smaller buffers than the daemon's, so that a 16 MiB heap holds them: one session, so no
     * batching across sessions to pay for; still about 1 MiB per commit, and the same backpressure.
     */
    static SupervisorConfig config() {
        SupervisorConfig d = SupervisorConfig.defaults();
        return new SupervisorConfig(d.stopGrace(), d.stallTimeout(), d.escalationStop(), d.checkpointQuiet(),
                d.checkpointPatterns(), d.batchWindow(), 1 << 20, 4 << 20, d.orphanGrace(),
                d.restartBackoffInitial(), d.restartBackoffMax(), d.restartResetAfter());
    }

    /**
     * A spare keeper: started by the daemon ahead of the next session, so that a start does not
     * wait for a JVM to boot. It listens on {@code keepers/spare-PID.sock} until the daemon sends it
     * a session id; it goes away (returns null) if its daemon dies first.
     */
    static String awaitAdoption(Path home) throws Exception {
        Path socket = dev.agentharness.supervisor.internal.keeper.KeeperFiles.spareSocket(home, ProcessHandle.current().pid());
        dev.agentharness.supervisor.internal.keeper.KeeperFiles.of(home, "spare").ensureDirectory();
        java.util.concurrent.atomic.AtomicBoolean adopted = new java.util.concurrent.atomic.AtomicBoolean();
        // A spare whose daemon is gone will never be adopted: it leaves.
        ProcessHandle.current().parent().ifPresent(daemon -> daemon.onExit().thenRun(() -> {
            if (adopted.compareAndSet(false, true)) {
                try {
                    java.nio.file.Files.deleteIfExists(socket);
                } catch (java.io.IOException ignored) {
                    // leaving anyway
                }
                System.exit(0);
            }
        }));
        try (java.nio.channels.ServerSocketChannel server =
                     java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            server.bind(java.net.UnixDomainSocketAddress.of(socket));
            java.nio.file.Files.setPosixFilePermissions(socket, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            while (true) {
                try (java.nio.channels.SocketChannel ch = server.accept()) {
                    var in = new java.io.DataInputStream(java.nio.channels.Channels.newInputStream(ch));
                    int type = in.readUnsignedByte();
                    int length = in.readInt();
                    byte[] payload = in.readNBytes(Math.min(length, 4096));
                    if (type == dev.agentharness.supervisor.internal.keeper.KeeperProtocol.ADOPT
                            && adopted.compareAndSet(false, true)) {
                        return new java.io.DataInputStream(new java.io.ByteArrayInputStream(payload)).readUTF();
                    }
                } catch (java.io.IOException ignored) {
                    // not a daemon's adoption: keep waiting
                }
            }
        } finally {
            java.nio.file.Files.deleteIfExists(socket);
        }
    }

    /**
     * A spare spawns {@code true} once before it is needed: the first spawn of a JVM loads JNA, libc
     * and NuProcess and runs their code cold, which is most of what a keeper spends between its
     * adoption and its agent's start (measured ~300 ms on a loaded machine without this).
     */
    static void warmUp(Map<String, String> env) {
        try {
            java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
            dev.agentharness.supervisor.spawn.LaunchRequest request = new dev.agentharness.supervisor.spawn.LaunchRequest(
                    java.util.List.of("true"), env, Path.of("/"), null, false);
            Spawners.pipes(env).spawn(request, new dev.agentharness.supervisor.spawn.AgentListener() {
                @Override
                public void onOutput(dev.agentharness.core.StreamType stream, java.nio.ByteBuffer bytes) {
                    bytes.position(bytes.limit());
                }

                @Override
                public void onEnd(dev.agentharness.core.StreamType stream) {
                }

                @Override
                public void onExit(dev.agentharness.supervisor.spawn.AgentExit exit) {
                    done.countDown();
                }
            });
            done.await(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (RuntimeException | InterruptedException e) {
            // only a warm-up: the real spawn reports its own trouble
        }
    }

    static Map<String, String> agentEnvironment(Map<String, String> keeperEnv) {
        Map<String, String> env = new java.util.HashMap<>(keeperEnv);
        String only = env.remove(KEEPER_ONLY_ENV);
        if (only != null) {
            for (String key : only.split(",")) {
                env.remove(key);
            }
        }
        return env;
    }

    /**
     * Whether {@code home} is still the directory this keeper was started in (the daemon starts
     * keepers with the home as their working directory). A home deleted under a running harness, or
     * deleted and made anew by someone else, gets no files from a keeper: opening the stores would
     * create a database (and the home itself) there. Says why not in one line on stderr (the log).
     */
    static boolean homeIsOurs(Path home) {
        String problem;
        try {
            Path cwd = Path.of(".");
            if (((Number) java.nio.file.Files.getAttribute(cwd, "unix:nlink")).intValue() == 0
                    || !java.nio.file.Files.exists(home, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                problem = "was deleted";
            } else if (java.nio.file.Files.isSymbolicLink(home)) {
                problem = "is now a symbolic link";
            } else if (!java.util.Objects.equals(fileKey(cwd), fileKey(home))) {
                problem = "was replaced (it is not the directory this keeper was started in)";
            } else {
                return true;
            }
        } catch (java.io.IOException e) {
            problem = "cannot be checked (" + e.getMessage() + ")";
        }
        System.err.println("harness-keeper: the harness home " + home + " " + problem + "; leaving it untouched");
        return false;
    }

    private static Object fileKey(Path p) throws java.io.IOException {
        return java.nio.file.Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class,
                java.nio.file.LinkOption.NOFOLLOW_LINKS).fileKey();
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("harness-keeper: usage: KeeperMain HOME SESSION_ID|--spare");
            System.exit(2);
        }
        Path home = Path.of(args[0]);
        Clock clock = Clock.systemUTC();
        if (!homeIsOurs(home)) {
            System.exit(1);
        }
        int code;
        try (SqliteStores stores = SqliteStores.open(HarnessHome.at(home), clock).withCacheKib(CACHE_KIB)
                // As the native keeper: checkpoints on a thread of their own, never inside a commit
                // (where they held the other keepers' write turns and this session's next lines).
                .startBackgroundCheckpoints()) {
            String id = args[1];
            if ("--spare".equals(id)) {
                warmUp(agentEnvironment(System.getenv()));
                id = awaitAdoption(home);
                if (id != null && !id.isEmpty() && !homeIsOurs(home)) {
                    System.exit(1); // waited long enough for its home to go: makes nothing in what is there now
                }
            }
            // A spare told to go (an empty id: its daemon shuts down) closes the database on the way out,
            // so that the last connection's close removes the WAL as it would without keepers.
            Session row = id == null || id.isEmpty() ? null : stores.sessions().get(id).orElse(null);
            if (row == null) {
                if (id != null && !id.isEmpty()) {
                    System.err.println("harness-keeper: no session " + id);
                }
                code = id == null || id.isEmpty() ? 0 : 1;
            } else {
                Map<String, String> env = agentEnvironment(System.getenv());
                code = new Keeper(KeeperFiles.of(home, id), row, env, r -> Spawners.forRequest(r, env), stores.outputs(),
                        config(), clock, new LibcProcessGroupSignaller(LibC.load())).run();
            }
        }
        System.exit(code);
    }
}
