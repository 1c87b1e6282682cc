package dev.agentharness.supervisor;

import dev.agentharness.supervisor.testing.TestHarness;
import java.util.List;

/** The keeper contract against the JVM keeper ({@code KeeperMain}, this JVM's class path). */
class KeeperSessionTest extends KeeperContract {
    @Override
    protected List<String> keeperCommand() {
        return TestHarness.jvmKeeperCommand();
    }
}
