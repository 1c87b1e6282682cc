package dev.agentharness.supervisor;

import dev.agentharness.supervisor.testing.TestHarness;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;

/**
 * The keeper contract against the native keeper (src/main/c/harness-keeper.c). Skips with a notice
 * when this build could not make it (no gcc or sqlite3.h: see src/main/c/build.sh).
 */
class NativeKeeperSessionTest extends KeeperContract {
    private Path keeper;

    @BeforeEach
    void requireNativeKeeper() {
        keeper = TestHarness.nativeKeeper();
        Assumptions.assumeTrue(keeper != null,
                "NOTICE: the native keeper was not built (target/harness-keeper; needs gcc and libsqlite3-dev): its contract tests skip");
    }

    @Override
    protected List<String> keeperCommand() {
        return List.of(keeper.toString());
    }
}
