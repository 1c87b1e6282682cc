package dev.agentharness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Command-line parsing and error reporting, in-process: nothing here touches a store or a daemon. */
class HarnessCliTest {
    @TempDir
    Path home;

    record Outcome(int code, String out, String err) {
        List<String> errLines() {
            return err.isEmpty() ? List.of() : List.of(err.split("\n"));
        }
    }

    private Outcome run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CliEnvironment env = new CliEnvironment(Map.of("HARNESS_HOME", home.toString()), home, InputStream.nullInputStream(),
                out, new PrintStream(err, true, StandardCharsets.UTF_8), Clock.systemUTC());
        int code = new HarnessCli(env).run(args);
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private void assertUsageError(Outcome o, String fragment) {
        assertEquals(ExitCodes.USAGE, o.code(), o.err());
        assertEquals(1, o.errLines().size(), "exactly one line on stderr: " + o.err());
        String line = o.errLines().get(0);
        assertTrue(line.startsWith("harness: "), line);
        assertTrue(line.contains(fragment), line);
        assertFalse(o.err().contains("Exception"), o.err());
        assertEquals("", o.out());
    }

    @Test
    void unknownCommandIsAUsageError() {
        assertUsageError(run("bogus"), "unknown command 'bogus'");
    }

    @Test
    void unknownOptionIsAUsageError() {
        assertUsageError(run("ps", "--bogus"), "--bogus");
    }

    @Test
    void badDurationIsAUsageError() {
        assertUsageError(run("start", "--max-runtime", "5x", "--", "true"), "invalid duration '5x'");
    }

    @Test
    void slotOutOfRangeIsAUsageError() {
        assertUsageError(run("start", "--slot", "7", "--", "true"), "invalid slot '7'");
    }

    @Test
    void missingCommandIsAUsageErrorOutsideAConfiguredProject() {
        // A bare start runs the project's defaults (harness projects set); this home has none.
        assertUsageError(run("start", "--"), "no CMD given, and project ");
        assertUsageError(run("run", "--"), "has no default command (harness projects set ");
    }

    @Test
    void badLineCountIsAUsageError() {
        assertUsageError(run("tail", "x", "-n", "lots"), "invalid line count 'lots'");
    }

    @Test
    void sinceAndLinesTogetherAreAUsageError() {
        assertUsageError(run("tail", "x", "-n", "3", "--since", "5m"), "either -n or --since");
    }

    @Test
    void badStatusIsAUsageError() {
        assertUsageError(run("ps", "--status", "sleeping"), "unknown status 'sleeping'");
    }

    @Test
    void purgeWithoutCriteriaIsAUsageError() {
        assertUsageError(run("purge"), "purge needs a status, an age, or all");
    }

    @Test
    void purgeOfActiveStatusIsAUsageError() {
        assertUsageError(run("purge", "--status", "running"), "active");
    }

    @Test
    void cwdThatIsNotADirectoryIsAUsageError() {
        assertUsageError(run("start", "--cwd", "/nonexistent/dir", "--", "true"), "is not a directory");
    }

    @Test
    void maxRestartsWithRestartNoIsAUsageError() {
        assertUsageError(run("start", "--restart", "no", "--max-restarts", "2", "--", "true"), "--max-restarts");
    }

    @Test
    void envWithoutEqualsIsAUsageError() {
        assertUsageError(run("start", "--env", "NOVALUE", "--", "true"), "--env");
    }

    @Test
    void sendWithNothingIsAUsageError() {
        assertUsageError(run("send", "x"), "nothing to send");
    }

    @Test
    void helpAndVersionGoToStdout() {
        Outcome help = run("--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("Usage: harness"));
        assertTrue(help.out().contains("import-legacy"), "help lists every command");
        assertEquals("", help.err());

        Outcome sub = run("tail", "-h");
        assertEquals(0, sub.code());
        assertTrue(sub.out().contains("Usage: harness tail"));

        Outcome version = run("--version");
        assertEquals(0, version.code());
        assertTrue(version.out().startsWith("harness "), version.out());
    }

    @Test
    void globalOptionsWorkBeforeAndAfterTheCommand() {
        Path other = home.resolve("other");
        Outcome before = run("--home", other.toString(), "shutdown");
        Outcome after = run("shutdown", "--home", other.toString());
        assertTrue(before.err().contains(other.toString()), before.err());
        assertTrue(after.err().contains(other.toString()), after.err());
    }

    @Test
    void prefetchFindsTheHomeWhereverItIsGiven() {
        assertEquals("/a", StorePrefetch.homeOption(new String[] {"--home", "/a", "ps"}));
        assertEquals("/b", StorePrefetch.homeOption(new String[] {"tail", "x", "--home=/b"}));
        assertNull(StorePrefetch.homeOption(new String[] {"tail", "x", "--", "--home", "/c"}));
        assertNull(StorePrefetch.homeOption(new String[] {"ps"}));
    }

    @Test
    void debugIsHarnessOptionOnlyBeforeTheAgentCommand() {
        assertTrue(HarnessCli.debugRequested(new String[] {"--debug", "ps"}, "ps"));
        assertTrue(HarnessCli.debugRequested(new String[] {"tail", "x", "--debug"}, "tail"));
        assertFalse(HarnessCli.debugRequested(new String[] {"run", "tool", "--debug"}, "run"));
        assertFalse(HarnessCli.debugRequested(new String[] {"start", "--", "tool", "--debug"}, "start"));
    }

    @Test
    void helpMayBeAskedForByAnyHelpOptionBeforeTheAgentCommandLine() {
        assertTrue(HarnessCli.helpRequested(new String[] {"--help"}));
        assertTrue(HarnessCli.helpRequested(new String[] {"start", "-h"}));
        assertTrue(HarnessCli.helpRequested(new String[] {"run", "-qh"}));
        assertTrue(HarnessCli.helpRequested(new String[] {"--home", "x", "tail", "-n", "5", "-h", "s"}));
        assertFalse(HarnessCli.helpRequested(new String[] {"ps", "--home", "h"}));
        assertFalse(HarnessCli.helpRequested(new String[] {"start", "--name", "help", "--", "tool", "-h", "--help"}));
        assertFalse(HarnessCli.helpRequested(new String[] {"-V"}));
        assertFalse(HarnessCli.helpRequested(new String[] {"tail", "--hours"}));
    }

    @Test
    void commandNameSkipsGlobalOptions() {
        assertEquals("ps", HarnessCli.commandName(new String[] {"--home", "ps", "ps"}));
        assertEquals("tail", HarnessCli.commandName(new String[] {"--debug", "tail", "x"}));
        assertNull(HarnessCli.commandName(new String[] {"--help"}));
        assertNull(HarnessCli.commandName(new String[] {"nope"}));
    }
}
