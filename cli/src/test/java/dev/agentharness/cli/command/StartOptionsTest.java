package dev.agentharness.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.core.error.UsageException;
import dev.agentharness.core.Project;
import dev.agentharness.core.SessionSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class StartOptionsTest {
    @TempDir
    Path dir;

    private SessionSpec spec(Map<String, String> callerEnv, String... args) {
        StartOptions options = new StartOptions();
        new CommandLine(options).setStopAtPositional(true).parseArgs(args);
        return options.toSpec(dir, callerEnv, project -> java.util.Optional.empty());
    }

    @Test
    void namesThatLookLikeIdsAreTold() {
        assertTrue(StartOptions.looksLikeAnId("01M94A201DF0"));
        assertTrue(StartOptions.looksLikeAnId("01m94a"));
        assertTrue(StartOptions.looksLikeAnId("01JC8Z6Q7W3N2V5R0A9B8C7D6E"));
        assertFalse(StartOptions.looksLikeAnId("api-1"));
        assertFalse(StartOptions.looksLikeAnId("build2"));
        assertFalse(StartOptions.looksLikeAnId("0-fix"));
        assertFalse(StartOptions.looksLikeAnId("1st_try"));
    }

    @Test
    void aBareStartGivesTheProjectsPromptTheWayItsAgentTakesIt() {
        Project claude = new Project(dir.toString(), List.of("claude", "--model", "opus"), "fix the tests", null, false,
                null, null, null);
        Project aider = new Project(dir.toString(), List.of("python3", "-m", "aider", "--yes"), "fix the tests", "aider",
                false, null, null, null);
        assertEquals(List.of("claude", "--model", "opus", "fix the tests"), bare(claude).command());
        assertEquals(List.of("python3", "-m", "aider", "--yes", "--message", "fix the tests"), bare(aider).command(),
                "aider takes its first message as --message; a bare argument would be a file to edit");
    }

    private SessionSpec bare(Project defaults) {
        StartOptions options = new StartOptions();
        new CommandLine(options).setStopAtPositional(true).parseArgs();
        return options.toSpec(dir, Map.of(), project -> java.util.Optional.of(defaults));
    }

    @Test
    void callerEnvironmentIsTheAgentsEnvironmentAndEnvOverridesIt() {
        SessionSpec s = spec(Map.of("ANTHROPIC_API_KEY", "from-shell", "KEEP", "1"), "--env", "KEEP=2", "--", "true");
        assertEquals(Map.of("ANTHROPIC_API_KEY", "from-shell", "KEEP", "2"), s.env());
    }

    @Test
    void envFileInDockersFormat() throws Exception {
        Path file = dir.resolve("agent.env");
        Files.writeString(file, String.join("\n",
                "# a comment",
                "",
                "PLAIN=value",
                "QUOTED=\"kept as is\"",
                "SPACES=a b  c ",
                "  INDENTED=yes",
                "EMPTY=",
                "FROM_CALLER",
                "NOT_SET_IN_CALLER",
                "EQUALS=a=b",
                "OVERRIDDEN=file") + "\n");
        SessionSpec s = spec(Map.of("FROM_CALLER", "c"), "--env-file", "agent.env", "--env", "OVERRIDDEN=flag", "--", "true");
        assertEquals(Map.of("PLAIN", "value", "QUOTED", "\"kept as is\"", "SPACES", "a b  c ", "INDENTED", "yes", "EMPTY", "",
                "FROM_CALLER", "c", "EQUALS", "a=b", "OVERRIDDEN", "flag"), s.env());
    }

    @Test
    void envFileWithABadNameSaysWhichLine() throws Exception {
        Files.writeString(dir.resolve("bad.env"), "GOOD=1\nBAD NAME=2\n");
        UsageException e = assertThrows(UsageException.class, () -> spec(Map.of(), "--env-file", "bad.env", "--", "true"));
        assertTrue(e.getMessage().contains("bad.env line 2: invalid variable name 'BAD NAME'"), e.getMessage());
        UsageException missing = assertThrows(UsageException.class, () -> spec(Map.of(), "--env-file", "nope.env", "--", "true"));
        assertTrue(missing.getMessage().contains("no such file"), missing.getMessage());
    }

    @Test
    void stallTimeoutZeroIsAUsageError() {
        assertThrows(UsageException.class, () -> spec(Map.of(), "--stall-timeout", "0s", "--", "true"));
        assertEquals(List.of("true"), spec(Map.of(), "--", "true").command());
    }
}
