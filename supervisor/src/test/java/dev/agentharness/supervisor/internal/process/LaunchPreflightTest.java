package dev.agentharness.supervisor.internal.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LaunchPreflightTest {
    @TempDir
    Path dir;

    private final LaunchPreflight preflight = new LaunchPreflight();
    private final Map<String, String> env = Map.of("PATH", "/usr/bin:/bin");

    @Test
    void findsExecutablesOnThePath() {
        assertEquals(Optional.empty(), preflight.check(List.of("sh", "-c", "true"), dir.toString(), env));
    }

    @Test
    void aMissingExecutableIsOneLine() {
        assertEquals(Optional.of("no such executable: fooagent"), preflight.check(List.of("fooagent"), dir.toString(), env));
        assertEquals(Optional.of("no such executable: ./fooagent"), preflight.check(List.of("./fooagent"), dir.toString(), env));
    }

    @Test
    void usesTheAgentsPathOverride() throws Exception {
        Path bin = Files.createDirectory(dir.resolve("bin"));
        Path tool = Files.writeString(bin.resolve("mytool"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertEquals(Optional.of("no such executable: mytool"), preflight.check(List.of("mytool"), dir.toString(), env));
        assertEquals(Optional.empty(), preflight.check(List.of("mytool"), dir.toString(), Map.of("PATH", bin + ":/bin")));
    }

    @Test
    void aFileWithoutExecutePermissionIsPermissionDenied() throws Exception {
        Path script = Files.writeString(dir.resolve("notexec.sh"), "echo hi\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals(Optional.of("permission denied: ./notexec.sh"), preflight.check(List.of("./notexec.sh"), dir.toString(), env));
        assertEquals(Optional.of("permission denied: notexec.sh"),
                preflight.check(List.of("notexec.sh"), dir.toString(), Map.of("PATH", dir.toString())));
    }

    @Test
    void aCwdThatIsNotADirectoryIsOneLine() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertEquals(Optional.of("not a directory: " + dir.resolve("missing")),
                preflight.check(List.of("sh"), dir.resolve("missing").toString(), env));
        assertEquals(Optional.of("not a directory: " + file), preflight.check(List.of("sh"), file.toString(), env));
    }
}
