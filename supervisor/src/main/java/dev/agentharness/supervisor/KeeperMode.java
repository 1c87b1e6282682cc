package dev.agentharness.supervisor;

import java.nio.file.Path;
import java.util.List;

/**
 * Whether agents run under a keeper process each (docs/design/keeper.md), the daemon's mode, or
 * inside the supervisor's own JVM (embedded use and the supervisor's unit tests).
 *
 * @param command the keeper's command line up to its arguments (the home and the session id are
 *                appended), e.g. {@code setsid java -Xmx16m ... KeeperMain}; null: no keepers
 * @param home    the harness home whose {@code keepers/} directory holds their sockets
 */
public record KeeperMode(List<String> command, Path home) {
    public KeeperMode {
        command = command == null ? null : List.copyOf(command);
    }

    public static KeeperMode inProcess() {
        return new KeeperMode(null, null);
    }

    public static KeeperMode keepers(List<String> command, Path home) {
        return new KeeperMode(command, home);
    }

    public boolean enabled() {
        return command != null;
    }
}
