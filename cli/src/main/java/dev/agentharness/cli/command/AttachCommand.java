package dev.agentharness.cli.command;


import dev.agentharness.cli.ExitCodes;
import dev.agentharness.core.error.UsageException;
import dev.agentharness.cli.attach.Attacher;
import dev.agentharness.cli.attach.UserTerminal;
import dev.agentharness.service.lookup.SessionResolver;
import dev.agentharness.core.Session;
import dev.agentharness.store.SqliteStores;
import dev.agentharness.terminal.KeyEncoder;
import dev.agentharness.terminal.Screen;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "attach", sortOptions = false,
        description = {"Connect your terminal to a terminal session: its screen, live output and your keystrokes.",
                "Ctrl-] detaches (see --detach-key); the agent keeps running. Several attaches may be open at once."})
public final class AttachCommand implements Callable<Integer> {
    static final String DEFAULT_DETACH_KEY = "C-]";

    private final CommandContext ctx;

    @Parameters(index = "0", paramLabel = "SESSION")
    String session;

    @Option(names = "--read-only", description = "Watch only: keystrokes (but the detach key) are dropped and the size is left alone.")
    boolean readOnly;

    @Option(names = "--detach-key", paramLabel = "KEY",
            description = "The key that detaches, as a tmux key name that is one byte (default: C-], also $HARNESS_DETACH_KEY).")
    String detachKey;

    public AttachCommand(CommandContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        byte key = detachByte(detachKey != null ? detachKey : ctx.env().env().getOrDefault("HARNESS_DETACH_KEY", DEFAULT_DETACH_KEY));
        Session s;
        try (SqliteStores stores = ctx.openStores()) {
            s = new SessionResolver(stores.sessions()).resolve(session);
        }
        if (!s.spec().tty()) {
            throw new UsageException("session " + s.label() + " runs on pipes, not a terminal; harness tail -f " + s.label() + " follows it");
        }
        if (!s.isActive()) {
            ctx.env().err().println("harness: session " + s.label() + " has ended (" + s.status().wireName()
                    + "); harness screen " + s.label() + " shows its last screen");
            return ExitCodes.ERROR;
        }
        UserTerminal terminal = UserTerminal.open().orElseThrow(() -> new UsageException(
                "attach needs a terminal (standard input and output must be one); harness screen " + s.label() + " prints the screen"));
        return attach(ctx, terminal, s, key, readOnly);
    }

    /** Attaches and reports how it ended; shared with {@code run -t}. */
    static int attach(CommandContext ctx, UserTerminal terminal, Session s, byte key, boolean readOnly) throws Exception {
        Attacher.Result r = new Attacher(ctx::openStores, () -> DaemonRequired.forSession(ctx, s.id()), terminal,
                ctx.env().stdin(), ctx.env().stdout(), key, readOnly).attach(s);
        if (r.end() == Attacher.End.DETACHED) {
            ctx.env().err().println("harness: detached; session " + r.session().label() + " keeps running — harness attach "
                    + r.session().label());
            return ExitCodes.OK;
        }
        ctx.env().err().println("harness: " + EndMessage.of(r.session()));
        return RunCommand.exitCode(r.session());
    }

    static byte detachByte(String name) {
        Optional<String> bytes = new KeyEncoder(Screen.InputModes.NONE).key(name);
        if (bytes.isEmpty() || bytes.get().length() != 1 || bytes.get().charAt(0) > 0x7F) {
            throw new UsageException("invalid detach key '" + name + "' (expected a tmux key name that is one byte, e.g. C-] or C-q)");
        }
        return (byte) bytes.get().charAt(0);
    }
}
