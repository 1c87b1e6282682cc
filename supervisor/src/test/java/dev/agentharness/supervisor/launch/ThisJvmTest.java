package dev.agentharness.supervisor.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The command line of a JVM this one starts (a daemon, a keeper, a hook): options, extras, archive. */
class ThisJvmTest {
    private static final Optional<Path> ARCHIVE = Optional.of(Path.of("/opt/harness/harness.jsa"));

    private static long archiveOptions(List<String> command) {
        return command.stream().filter(o -> o.startsWith("-XX:SharedArchiveFile=") || o.startsWith("-XX:ArchiveClassesAtExit=")).count();
    }

    @Test
    void theLaunchersArchiveIsUsedAfterTheOptionsAndTheExtras() {
        List<String> command = ThisJvm.javaCommand(List.of("-Xmx96m"), "EXTRA", Map.of("EXTRA", " -Dx=1  -Dy=2 "), ARCHIVE);
        int archive = command.indexOf("-XX:SharedArchiveFile=/opt/harness/harness.jsa");
        assertTrue(archive > command.indexOf("-Dy=2") && command.indexOf("-Dy=2") > command.indexOf("-Xmx96m"), command.toString());
        assertEquals("-cp", command.get(command.size() - 2));
        // Quietly, and where the extras can still say otherwise.
        assertTrue(command.indexOf("-Xlog:cds=off") > command.indexOf("-Xmx96m") && command.indexOf("-Xlog:cds=off") < command.indexOf("-Dx=1"),
                command.toString());
        assertTrue(command.containsAll(ThisJvm.QUIET_ARCHIVE), command.toString());
    }

    @Test
    void withoutAnArchiveNothingAboutOneIsSaid() {
        List<String> command = ThisJvm.javaCommand(List.of("-Xmx96m"), "EXTRA", Map.of(), Optional.empty());
        assertEquals(0, archiveOptions(command));
        assertTrue(command.stream().noneMatch(ThisJvm.QUIET_ARCHIVE::contains), command.toString());
    }

    /** The tests' daemons bring an archive of their own (and record one with ArchiveClassesAtExit): theirs wins. */
    @Test
    void anArchiveNamedInTheExtrasReplacesTheLaunchersOne() {
        List<String> own = ThisJvm.javaCommand(List.of(), "EXTRA", Map.of("EXTRA", "-XX:SharedArchiveFile=/tmp/daemon.jsa"), ARCHIVE);
        assertEquals(1, archiveOptions(own));
        assertTrue(own.contains("-XX:SharedArchiveFile=/tmp/daemon.jsa"));
        List<String> recording = ThisJvm.javaCommand(List.of(), "EXTRA", Map.of("EXTRA", "-XX:ArchiveClassesAtExit=/tmp/new.jsa"), ARCHIVE);
        assertEquals(1, archiveOptions(recording));
        assertEquals(0, archiveOptions(ThisJvm.javaCommand(List.of(), "EXTRA", Map.of(), Optional.empty())));
    }
}
