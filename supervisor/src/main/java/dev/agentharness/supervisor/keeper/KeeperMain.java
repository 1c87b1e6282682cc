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
    private KeeperMain() {
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
        try (SqliteStores stores = SqliteStores.open(HarnessHome.at(home), clock)) {
            Session row = stores.sessions().get(id).orElse(null);
            if (row == null) {
                System.err.println("harness-keeper: no session " + id);
                System.exit(1);
                return;
            }
            Map<String, String> env = System.getenv();
            code = new Keeper(KeeperFiles.of(home, id), row, env, r -> Spawners.forRequest(r, env), stores.outputs(),
                    SupervisorConfig.defaults(), clock).run();
        }
        System.exit(code);
    }
}
