package dev.agentharness.supervisor.internal.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentharness.agents.profile.ClaudeProfile;
import dev.agentharness.agents.profile.CodexProfile;
import dev.agentharness.store.HarnessHome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentHookSetupTest {
    @TempDir
    Path tmp;

    /** What a POSIX shell makes of the line: each word printed on its own line. */
    private static List<String> throughTheShell(String line) throws Exception {
        Process p = new ProcessBuilder("/bin/sh", "-c", "printf '%s\\n' " + line).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        return out.lines().toList();
    }

    @Test
    void theHookCommandReachesTheHookWordForWordThroughAShell() throws Exception {
        List<String> argv = List.of("/opt/my jdk/bin/java", "-Dx=it's", "$HOME", "`id`", "a\"b", "", "semi;colon", "ünï", "*");
        assertEquals(argv, throughTheShell(AgentHookSetup.shellCommand(argv)));
    }

    @Test
    void theCallbackIsThisJvmRunningTheClisHookCommandForTheHome() throws Exception {
        Path home = tmp.resolve("my home");
        List<String> argv = AgentHookSetup.hookArgv(home);
        assertEquals(Path.of(System.getProperty("java.home"), "bin", "java").toString(), argv.get(0));
        assertEquals(List.of(AgentHookSetup.CLI_MAIN_CLASS, "--home", home.toString(), "hook"),
                argv.subList(argv.size() - 4, argv.size()));
        assertTrue(argv.containsAll(AgentHookSetup.JVM_OPTIONS), argv::toString);
        assertEquals(argv, throughTheShell(AgentHookSetup.shellCommand(argv)));
    }

    @Test
    void theSettingsFileIsWrittenOwnerOnlyInTheHomeAndOnlyWhenItWouldChange() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("home"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        AgentHookSetup setup = new AgentHookSetup(HarnessHome.at(dir));
        Path file = setup.settingsFor(new ClaudeProfile());
        assertEquals(dir.resolve("claude-hooks.json"), file);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        JsonNode settings = new ObjectMapper().readTree(file.toFile());
        String command = settings.path("hooks").path("PreToolUse").get(0).path("hooks").get(0).path("command").asText();
        assertTrue(command.endsWith(" --home " + dir + " hook"), command);

        Object inode = Files.getAttribute(file, "unix:ino");
        assertEquals(file, setup.settingsFor(new ClaudeProfile()));
        assertEquals(inode, Files.getAttribute(file, "unix:ino"), "the same content is not written again");

        Files.writeString(file, "{\"hooks\":{}}");
        setup.settingsFor(new ClaudeProfile());
        assertEquals(settings, new ObjectMapper().readTree(file.toFile()), "another content is replaced");
        List<String> names = new ArrayList<>();
        try (var files = Files.list(dir)) {
            files.forEach(p -> names.add(p.getFileName().toString()));
        }
        assertEquals(List.of("claude-hooks.json"), names, "no temporary file left behind");
    }

    @Test
    void noHooksNoFileAndAnUnwritableHomeMeansNoHooksRatherThanNoStart() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("home"));
        assertNull(new AgentHookSetup(HarnessHome.at(dir)).settingsFor(new CodexProfile()));
        assertNull(new AgentHookSetup(HarnessHome.at(tmp.resolve("gone"))).settingsFor(new ClaudeProfile()));
    }
}
