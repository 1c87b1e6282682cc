package dev.agentharness.cli.hosted;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentharness.cli.CliEnvironment;
import dev.agentharness.cli.HarnessCli;
import dev.agentharness.core.error.NotHostedException;
import dev.agentharness.daemon.CommandHost.Call;
import dev.agentharness.store.HarnessHome;
import dev.agentharness.store.SqliteStores;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the daemon runs for the native client, and what it leaves to a JVM of the client's own. */
class HostedCommandsTest {
    @TempDir
    Path tmp;

    private Path jar;
    private HarnessHome home;
    private HostedCommands host;

    @BeforeEach
    void aDaemonsHost() throws Exception {
        jar = Files.writeString(tmp.resolve("harness.jar"), "a jar");
        home = HarnessHome.at(tmp.resolve("home"));
        home.ensureExists();
        try (SqliteStores ignored = SqliteStores.open(home, Clock.systemUTC())) {
            // The schema, as a daemon's first start makes it.
        }
        host = new HostedCommands(home, Clock.systemUTC(), HostedCommands.JarIdentity.of(jar));
    }

    private Call call(String... args) {
        return call(jar, tmp, args);
    }

    private Call call(Path clientJar, Path cwd, String... args) {
        var id = HostedCommands.JarIdentity.of(clientJar).orElseThrow();
        return new Call(List.of(args), cwd, Map.of("HARNESS_HOME", home.dir().toString()), id.path(), id.size(), id.mtimeMillis());
    }

    record Printed(int code, String out, String err) {
    }

    private Printed run(Call call) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        host.check(call);
        int code = host.run(call, out, err);
        return new Printed(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private void assertRefusedBeforePrinting(Call call) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThrows(NotHostedException.class, () -> {
            host.check(call);
            host.run(call, out, err);
        }, call.args()::toString);
        assertEquals(0, out.size() + err.size(), call.args() + " printed before it was refused");
    }

    @Test
    void aHostedCommandPrintsWhatItsOwnJvmWould() {
        Printed hosted = run(call("ps", "--all"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new HarnessCli(new CliEnvironment(Map.of("HARNESS_HOME", home.dir().toString()), tmp, InputStream.nullInputStream(),
                out, new PrintStream(err, true, StandardCharsets.UTF_8), Clock.systemUTC())).run("ps", "--all");
        assertEquals(new Printed(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)), hosted);
        assertTrue(hosted.out().startsWith("ID "), hosted::toString);

        Printed missing = run(call("show", "nosuch"));
        assertEquals(new Printed(4, "", "harness: no such session: nosuch\n"), missing);
        Printed usage = run(call("ps", "--bogus"));
        assertEquals(2, usage.code(), usage::toString);
    }

    @Test
    void commandsThatReadTheTerminalOrStdinOrStreamRunInTheClientsJvm() {
        for (String[] args : List.of(new String[] {"attach", "x"}, new String[] {"tail", "-f", "x"}, new String[] {"send", "x", "-"},
                new String[] {"run", "--", "true"}, new String[] {"wait", "x"}, new String[] {"mcp"}, new String[] {"daemon"},
                new String[] {"--version"}, new String[] {}, new String[] {"ps", "--help"}, new String[] {"--debug", "ps"},
                new String[] {"ps", "--watch"}, new String[] {"start", "--wait", "--", "true"})) {
            assertRefusedBeforePrinting(call(args));
        }
    }

    @Test
    void aStartWithAnAgentWaitOptionIsTheAgentsAndIsHosted() {
        // --wait after the command is the agent's own argument, not harness's: it cannot make the start wait.
        Printed p = run(call("start", "--cwd", tmp.resolve("nowhere").toString(), "--", "sleep", "--wait"));
        assertEquals(new Printed(2, "", "harness: --cwd " + tmp.resolve("nowhere") + " is not a directory\n"), p);
    }

    @Test
    void anotherHomeOrAnotherJarIsNotThisDaemons() throws Exception {
        assertRefusedBeforePrinting(call("ps", "--home", tmp.resolve("elsewhere").toString()));
        // Relative to the caller's directory, the same home is this daemon's.
        assertEquals(0, run(call(jar, home.dir().getParent(), "ps", "--home", "home")).code());
        assertRefusedBeforePrinting(call(jar, tmp, "ps", "--home", "home/.."));

        Path rebuilt = Files.writeString(tmp.resolve("rebuilt.jar"), "another jar");
        assertRefusedBeforePrinting(call(rebuilt, tmp, "ps"));
        HostedCommands fromClasses = new HostedCommands(home, Clock.systemUTC(), Optional.empty());
        assertThrows(NotHostedException.class, () -> fromClasses.check(call("ps")));
    }
}
