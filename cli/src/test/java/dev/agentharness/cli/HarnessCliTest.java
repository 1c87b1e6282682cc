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

    // ---------------------------------------------------------------- issue 12: what a new user tripped over

    @Test
    void maxRuntimeZeroIsAUsageError() {
        assertUsageError(run("start", "--max-runtime", "0s", "--", "sleep", "3"), "--max-runtime must be longer than 0");
        assertUsageError(run("run", "--max-runtime", "0ms", "--", "sleep", "3"), "--max-runtime must be longer than 0");
    }

    @Test
    void envNameWithASpaceIsAUsageError() {
        assertUsageError(run("start", "--env", "A B=c", "--", "true"), "invalid --env 'A B=c'");
        assertUsageError(run("start", "--env", "1A=c", "--", "true"), "invalid --env '1A=c'");
    }

    @Test
    void envWithoutANameIsOneCleanLine() {
        Outcome o = run("start", "--env", "=v", "--", "true");
        assertUsageError(o, "invalid --env '=v'");
        assertFalse(o.err().contains("option option"), o.err());
    }

    @Test
    void nameThatLooksLikeAnIdIsRefused() {
        assertUsageError(run("start", "--name", "01M94A201DF0", "--", "true"), "looks like a session id");
        assertUsageError(run("run", "--name", "01m94a", "--", "true"), "looks like a session id");
    }

    @Test
    void mistypedCommandSuggestsTheNearestOnes() {
        assertUsageError(run("stauts"), "did you mean 'stats'");
    }

    @Test
    void mistypedOptionSuggestsTheNearestOne() {
        assertUsageError(run("ps", "--al"), "unknown option '--al'; did you mean '--all'?");
    }

    @Test
    void helpCommandPrintsTheCommandsUsage() {
        Outcome o = run("help", "tail");
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().startsWith("Usage: harness tail"), o.out());
    }

    @Test
    void completionBashPrintsAPicocliScript() {
        Outcome bash = run("completion", "bash");
        assertEquals(0, bash.code(), bash.err());
        assertTrue(bash.out().contains("complete -F"), "a bash completion script");
        assertTrue(bash.out().contains("import-legacy") && bash.out().contains("--max-runtime"),
                "it knows every command and their options");
        Outcome zsh = run("completion", "zsh");
        assertEquals(0, zsh.code(), zsh.err());
        assertTrue(zsh.out().contains("bashcompinit"), "zsh loads it through bashcompinit");
        assertUsageError(run("completion", "fish"), "unknown shell 'fish'");
    }

    @Test
    void logsIsAnAliasForTail() {
        Outcome o = run("logs", "--help");
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().startsWith("Usage: harness logs") || o.out().startsWith("Usage: harness tail"), o.out());
        assertEquals("ps", HarnessCli.commandName(new String[] {"ps"}));
        assertEquals("tail", HarnessCli.commandName(new String[] {"logs", "x"}));
    }

    @Test
    void readOnlyCommandNeverCreatesAHome() {
        Path typo = home.resolve("harnes-typo");
        for (String[] args : List.of(new String[] {"ps"}, new String[] {"ps", "--all"}, new String[] {"show", "x"},
                new String[] {"tail", "x"}, new String[] {"wait", "x"}, new String[] {"runs"}, new String[] {"stats"},
                new String[] {"stop", "x"})) {
            String[] withHome = new String[args.length + 2];
            withHome[0] = "--home";
            withHome[1] = typo.toString();
            System.arraycopy(args, 0, withHome, 2, args.length);
            Outcome o = run(withHome);
            assertEquals(ExitCodes.ERROR, o.code(), String.join(" ", args) + ": " + o.err());
            assertEquals(List.of("harness: no harness home at " + typo + " (nothing has run with it; check --home or HARNESS_HOME)"),
                    o.errLines(), String.join(" ", args));
            assertFalse(java.nio.file.Files.exists(typo), String.join(" ", args) + " created the home");
        }
    }

    @Test
    void statsWithNoFinishedSessionShowsNa() {
        Outcome o = run("stats");
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("success rate:      n/a"), o.out());
        assertFalse(o.out().contains("0.0%"), o.out());
        Outcome json = run("stats", "--json");
        assertTrue(json.out().contains("\"successRate\" : null"), json.out());
    }

    @Test
    void psNoTruncShowsFullIdsNamesAndCommands() throws Exception {
        String longName = "a-session-name-that-is-longer-than-the-column";
        String longArg = "x".repeat(80);
        String id;
        try (var stores = dev.agentharness.store.SqliteStores.open(dev.agentharness.store.HarnessHome.at(home), Clock.systemUTC())) {
            var spec = dev.agentharness.core.SessionSpec.builder(List.of("echo", longArg), home.toString()).name(longName).build();
            id = stores.sessions().claimSlot(spec).id();
        }
        Outcome cut = run("ps");
        assertFalse(cut.out().contains(longArg), cut.out());
        assertFalse(cut.out().contains(id), cut.out());
        Outcome full = run("ps", "--no-trunc");
        assertEquals(0, full.code(), full.err());
        assertTrue(full.out().contains(id), full.out());
        assertTrue(full.out().contains(longName), full.out());
        assertTrue(full.out().contains("echo " + longArg), full.out());
    }

    @Test
    void legacyIdStaysFindableAfterImport() throws Exception {
        Path file = home.resolve("sessions.json");
        java.nio.file.Files.writeString(file, "[{\"id\": \"sess-001\", \"status\": \"completed\", \"cwd\": \"/proj\","
                + " \"command\": \"make test\", \"exit_code\": 0}]");
        assertEquals(0, run("import-legacy", file.toString()).code());
        Outcome shown = run("show", "sess-001");
        assertEquals(0, shown.code(), shown.err());
        assertTrue(shown.out().contains("make test"), shown.out());
        assertEquals(0, run("wait", "-q", "sess-001").code(), "every SESSION argument accepts it");
    }
}
