package dev.agentharness.cli.hosted;

import dev.agentharness.cli.CliEnvironment;
import dev.agentharness.cli.HarnessCli;
import dev.agentharness.cli.command.CommandContext;
import dev.agentharness.core.error.NotHostedException;
import dev.agentharness.daemon.CommandHost;
import dev.agentharness.store.HarnessHome;
import dev.agentharness.supervisor.launch.ThisJvm;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.ParseResult;

/**
 * The daemon's host for the native client's command lines ({@link CommandHost}): runs the CLI's own
 * commands in the daemon's JVM, with the caller's environment and working directory.
 *
 * <p>Only commands that finish promptly and need nothing of the caller but their arguments,
 * environment and working directory are hosted. Everything else is refused before it prints, and
 * the client runs it in a JVM of its own, so it behaves exactly as before:
 * <ul>
 *   <li>{@code attach}, {@code tail}, {@code send}, {@code run}, {@code wait}, {@code mcp}, ... read
 *       the user's terminal or standard input, or stream for as long as the user likes;</li>
 *   <li>{@code start --wait} must withdraw its queued request when its caller goes away, which only
 *       a client of its own can tell; {@code ps --watch} redraws until interrupted;</li>
 *   <li>{@code --debug} and help set up logging and measure the terminal;</li>
 *   <li>a command for another home, which this daemon does not serve;</li>
 *   <li>a client whose launcher runs another jar than this daemon's (a rebuild since it started):
 *       the new CLI code must run, not this daemon's.</li>
 * </ul>
 */
public final class HostedCommands implements CommandHost {
    /** What the daemon runs for the client: short, and nothing read from the caller's terminal. */
    static final Set<String> HOSTED = Set.of("start", "ps", "show", "stop", "pause", "resume", "stats");

    private final HarnessHome home;
    private final Clock clock;
    private final Optional<JarIdentity> jar;

    /** @param home the home this daemon serves */
    public HostedCommands(HarnessHome home, Clock clock) {
        this(home, clock, ThisJvm.jar().flatMap(JarIdentity::of));
    }

    HostedCommands(HarnessHome home, Clock clock, Optional<JarIdentity> jar) {
        this.home = home;
        this.clock = clock;
        this.jar = jar;
    }

    /** A jar as it was when read: the client's must be the very file this daemon runs from. */
    record JarIdentity(Path path, long size, long mtimeMillis) {
        static Optional<JarIdentity> of(Path jar) {
            try {
                return Optional.of(new JarIdentity(jar.toRealPath(), Files.size(jar),
                        Files.getLastModifiedTime(jar).toMillis()));
            } catch (IOException e) {
                return Optional.empty();
            }
        }
    }

    @Override
    public void check(Call call) {
        if (jar.isEmpty()) {
            throw new NotHostedException("this daemon does not run from a jar");
        }
        if (!jar.get().equals(new JarIdentity(call.jar(), call.jarSize(), call.jarMtime()))) {
            throw new NotHostedException("the client's jar is not the one this daemon runs from");
        }
        String[] args = call.args().toArray(String[]::new);
        String command = HarnessCli.commandName(args);
        if (command == null || !HOSTED.contains(command)) {
            throw new NotHostedException("'" + (command == null ? "" : command) + "' runs in the client's own JVM");
        }
        if (HarnessCli.helpRequested(args)) {
            // Before parsing: building help measures the terminal (stty), which the daemon has not.
            throw new NotHostedException("help runs in the client's own JVM");
        }
    }

    @Override
    public int run(Call call, OutputStream out, OutputStream err) {
        CliEnvironment env = new CliEnvironment(call.env(), call.cwd(), InputStream.nullInputStream(),
                new BufferedOutputStream(out, 1 << 16), new PrintStream(err, true, StandardCharsets.UTF_8), clock);
        return new HarnessCli(env).runHosted(call.args().toArray(String[]::new), this::hostable)
                .orElseThrow(() -> new NotHostedException("this command line runs in the client's own JVM"));
    }

    /** The parsed command line's own say: options that wait, watch or debug (exactly, unlike a scan of the arguments), and the home it names. */
    private boolean hostable(ParseResult parsed, CommandContext ctx) {
        ParseResult sub = parsed.subcommand();
        if (sub == null || parsed.isUsageHelpRequested() || parsed.isVersionHelpRequested()
                || sub.isUsageHelpRequested() || sub.isVersionHelpRequested() || sub.subcommand() != null) {
            return false;
        }
        if (ctx.global().debug() || sub.hasMatchedOption("--wait") || sub.hasMatchedOption("--watch")) {
            return false;
        }
        return ctx.home().dir().equals(home.dir());
    }
}
