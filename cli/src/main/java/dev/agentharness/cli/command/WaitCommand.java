package dev.agentharness.cli.command;

import dev.agentharness.cli.ExitCodes;
import dev.agentharness.service.view.JsonViews.SessionView;
import dev.agentharness.service.lookup.SessionResolver;
import dev.agentharness.core.DurationFormat;
import dev.agentharness.core.Session;
import dev.agentharness.core.error.HarnessException;
import dev.agentharness.core.store.SessionStore;
import dev.agentharness.store.SqliteStores;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Blocks until a session ends and exits with its exit code, so a script can start an agent and
 * later collect its result the way a shell's {@code wait} does.
 *
 * <p>It reads the session row straight from SQLite, like {@code tail}, so it works with the daemon
 * down and from any process. The supervisor writes the terminal status only after the session's
 * last output is committed, so when {@code wait} returns every byte is readable.
 */
@Command(name = "wait", sortOptions = false,
        description = {"Wait until a session ends; exit with its exit code (as harness run does).",
                "Exit 124 when --timeout passes first; the session keeps running."})
public final class WaitCommand implements Callable<Integer> {
    /** A primary-key read of one row: cheap enough to do often, so the wait ends promptly. */
    private static final Duration POLL = Duration.ofMillis(10);
    static final int TIMED_OUT = ExitCodes.TIMED_OUT;

    private final CommandContext ctx;

    @Parameters(index = "0", paramLabel = "SESSION")
    String session;

    @Option(names = "--timeout", paramLabel = "DUR", converter = Converters.DurationConverter.class,
            description = "Give up after this long (exit 124). Default: wait as long as it takes.")
    Duration timeout;

    @Option(names = {"-q", "--quiet"}, description = "Do not print the ended line on stderr.")
    boolean quiet;

    @Mixin
    JsonOption json;

    public WaitCommand(CommandContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        Session s;
        try (SqliteStores stores = ctx.openStoresToRead()) {
            SessionStore sessions = stores.sessions();
            s = new SessionResolver(sessions).resolve(session);
            while (s.isActive()) {
                if (System.nanoTime() >= deadline) {
                    ctx.env().err().println("harness: session " + s.label() + " is still " + s.status().wireName()
                            + " after " + DurationFormat.format(timeout));
                    return TIMED_OUT;
                }
                Thread.sleep(POLL.toMillis());
                String id = s.id();
                s = sessions.get(id).orElseThrow(() -> new HarnessException("session " + id + " was deleted while waiting"));
            }
        }
        if (json.enabled()) {
            ctx.printJson(SessionView.of(s, ctx.env().clock().instant()));
        } else if (!quiet) {
            ctx.env().err().println("harness: " + EndMessage.of(s));
        }
        return RunCommand.exitCode(s);
    }
}
