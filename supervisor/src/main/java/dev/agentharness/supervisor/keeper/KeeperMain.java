package dev.agentharness.supervisor.keeper;

import dev.agentharness.core.Session;
import dev.agentharness.store.HarnessHome;
import dev.agentharness.store.SqliteStores;
import dev.agentharness.supervisor.SupervisorConfig;
import dev.agentharness.supervisor.internal.keeper.Keeper;
import dev.agentharness.supervisor.internal.keeper.KeeperFiles;
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

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("harness-keeper: usage: KeeperMain HOME SESSION_ID");
            System.exit(2);
        }
        Path home = Path.of(args[0]);
        String id = args[1];
        Clock clock = Clock.systemUTC();
        int code;
        try (SqliteStores stores = SqliteStores.open(HarnessHome.at(home), clock).withCacheKib(CACHE_KIB)) {
            Session row = stores.sessions().get(id).orElse(null);
            if (row == null) {
                System.err.println("harness-keeper: no session " + id);
                System.exit(1);
                return;
            }
            Map<String, String> env = agentEnvironment(System.getenv());
            code = new Keeper(KeeperFiles.of(home, id), row, env, r -> Spawners.forRequest(r, env), stores.outputs(),
                    config(), clock).run();
        }
        System.exit(code);
    }
}
