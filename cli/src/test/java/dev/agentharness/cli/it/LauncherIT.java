package dev.agentharness.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The real {@code ./harness} launcher script, and the README's quick start run through it verbatim. */
class LauncherIT extends HarnessIT {

    private ProcessBuilder shell(Path dir, String line) {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", line).directory(dir.toFile());
        pb.environment().put("HARNESS_HOME", harness.home.toString());
        pb.environment().put("HARNESS_DAEMON_JAVA_OPTS", "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx256m");
        return pb;
    }

    private Result launcher(String line) {
        return launcherInBackground(line).await(FUNCTIONAL);
    }

    private HarnessProcesses.Background launcherInBackground(String line) {
        ProcessBuilder pb = shell(HarnessProcesses.repoRoot(), line);
        // The jar was built moments ago by this very build; never start a nested one.
        pb.environment().put("HARNESS_NO_BUILD", "1");
        return harness.startCommand(List.of(line), pb, null);
    }

    /** The shell lines of the README's quick start, in order. */
    private static List<String> quickStartLines() throws IOException {
        List<String> lines = new ArrayList<>();
        boolean inSection = false;
        boolean inCode = false;
        for (String line : Files.readAllLines(HarnessProcesses.repoRoot().resolve("README.md"))) {
            if (line.startsWith("## ")) {
                inSection = line.equals("## Quick start");
            } else if (inSection && line.startsWith("```")) {
                inCode = !inCode;
            } else if (inSection && inCode && line.startsWith("./harness ")) {
                lines.add(line);
            }
        }
        return lines;
    }

    @Test
    void readmeQuickStartVerbatim() throws Exception {
        List<String> lines = quickStartLines();
        assertEquals(3, lines.size(), "the quick start: one run, then a named run and a tail -f of it: " + lines);
        assertTrue(lines.get(0).startsWith("./harness run -- "), lines.get(0));

        Result first = launcher(lines.get(0)).ok();
        assertEquals("hello from an agent\ndone\n", first.out());
        assertTrue(first.stderr().contains("completed (exit 0)"), first.stderr());

        HarnessProcesses.Background demo = launcherInBackground(lines.get(1));
        HarnessProcesses.awaitTrue("the demo session to exist", FUNCTIONAL,
                () -> harness.run("show", "demo").code() == 0);
        Result tail = launcher(lines.get(2)).ok();
        assertTrue(tail.out().endsWith("step 5\n"), tail::toString);
        assertTrue(tail.stderr().contains("harness: session demo completed (exit 0)"), tail.stderr());
        Result run = demo.await(FUNCTIONAL).ok();
        assertEquals("step 1\nstep 2\nstep 3\nstep 4\nstep 5\n", run.out());

        assertTrue(launcher("./harness ps --all").ok().out().contains("demo"));
    }

    @Test
    void launcherBuildsOnFirstUseAndWhenSourcesChangeWithBuildOutputOnStderr() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("repo"));
        Files.copy(HarnessProcesses.repoRoot().resolve("harness"), root.resolve("harness"));
        Files.writeString(root.resolve("pom.xml"), "<project/>\n");
        Files.createDirectories(root.resolve("cli/src/main/java"));
        Files.writeString(root.resolve("cli/pom.xml"), "<project/>\n");
        Path source = root.resolve("cli/src/main/java/A.java");
        Files.writeString(source, "class A {}\n");
        Path realJar = Path.of(System.getProperty("harness.jar")).toAbsolutePath();
        Path mvnw = root.resolve("mvnw");
        Files.writeString(mvnw, "#!/bin/sh\necho \"FAKE BUILD $*\"\nmkdir -p cli/target && cp '" + realJar + "' cli/target/harness.jar\n");
        Files.setPosixFilePermissions(mvnw, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(root.resolve("harness"), PosixFilePermissions.fromString("rwxr-xr-x"));

        Result first = harness.startCommand(List.of("./harness --version"), shell(root, "./harness --version"), null).await(FUNCTIONAL).ok();
        assertTrue(first.out().matches("harness \\S+ \\(Java \\d+\\)\n"), first::toString);
        assertTrue(first.stderr().contains("FAKE BUILD"), first.stderr());
        assertTrue(first.stderr().contains("-DskipTests"), first.stderr());
        assertTrue(Files.exists(root.resolve("cli/target/harness.jsa")), "an AppCDS archive is made after a build");

        Result second = harness.startCommand(List.of("./harness --version"), shell(root, "./harness --version"), null).await(FUNCTIONAL).ok();
        assertFalse(second.stderr().contains("FAKE BUILD"), "nothing changed, nothing built: " + second.stderr());
        assertEquals(first.out(), second.out());

        Files.setLastModifiedTime(source, FileTime.from(Instant.now().plusSeconds(5)));
        Files.createDirectories(harness.home); // ps reads a home; it never makes one
        Result third = harness.startCommand(List.of("./harness ps"), shell(root, "./harness ps"), null).await(FUNCTIONAL).ok();
        assertTrue(third.stderr().contains("FAKE BUILD"), "a changed source rebuilds: " + third.stderr());
        assertTrue(third.out().startsWith("ID "), third::toString);
    }
}
