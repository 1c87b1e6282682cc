package dev.agentharness.cli.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A fresh home per test, and nothing left running after it. */
@Timeout(value = 180)
abstract class HarnessIT {
    static final Duration FUNCTIONAL = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    HarnessProcesses harness;

    @BeforeEach
    void newHome() throws Exception {
        Path scratch = Files.createDirectories(tmp.resolve("scratch"));
        harness = new HarnessProcesses(tmp.resolve("home"), scratch);
    }

    @AfterEach
    void cleanUp() {
        harness.cleanUp();
    }
}
