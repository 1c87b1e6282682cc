package dev.agentharness.supervisor.internal.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SpawnFailureClassifierTest {
    private final SpawnFailureClassifier classifier = new SpawnFailureClassifier();

    @Test
    void envReportingAMissingProgramIsNoSuchExecutable() {
        assertEquals(Optional.of("no such executable: fooagent"), classifier.classify(ExitStatus.exited(127),
                Duration.ofMillis(30), "env: ‘fooagent’: No such file or directory\n", "fooagent"));
    }

    @Test
    void envInvokedByAbsolutePathIsRecognised() {
        // Regression: the launcher runs /usr/bin/env, which then prefixes its messages with that path.
        assertEquals(Optional.of("no such executable: ./agent"), classifier.classify(ExitStatus.exited(127),
                Duration.ofMillis(30), "/usr/bin/env: ‘./agent’: No such file or directory\n", "./agent"));
    }

    @Test
    void envReportingPermissionIsPermissionDenied() {
        assertEquals(Optional.of("permission denied: ./x"), classifier.classify(ExitStatus.exited(126),
                Duration.ofMillis(30), "env: './x': Permission denied\n", "./x"));
    }

    @Test
    void theAgentsOwn127IsNotALaunchFailure() {
        assertEquals(Optional.empty(), classifier.classify(ExitStatus.exited(127), Duration.ofMillis(30),
                "sh: 1: nonexistent: not found\n", "sh"));
        assertEquals(Optional.empty(), classifier.classify(ExitStatus.exited(127), Duration.ofSeconds(30),
                "env: ‘fooagent’: No such file or directory\n", "fooagent"));
        assertEquals(Optional.empty(), classifier.classify(ExitStatus.killed(9), Duration.ofMillis(30),
                "env: ‘fooagent’: No such file or directory\n", "fooagent"));
    }
}
