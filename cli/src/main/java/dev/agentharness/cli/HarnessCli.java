package dev.agentharness.cli;

import dev.agentharness.cli.command.CommandContext;
import dev.agentharness.cli.command.GlobalOptions;
import dev.agentharness.cli.command.HarnessCommand;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.util.List;
import java.util.OptionalInt;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code harness} command line: parses, runs one command, and turns every failure into one
 * line on stderr ({@code harness: <message>}) and a documented exit code. Stack traces only with
 * {@code --debug}.
 */
public final class HarnessCli {
    /** Commands whose agent command line follows the first positional argument untouched. */
    private static final List<String> AGENT_COMMANDS = List.of("start", "run");
    /** Commands that need the model of every other command: help and the completion script. */
    private static final List<String> WHOLE_MODEL = List.of("completion");

    private final CliEnvironment env;

    public HarnessCli(CliEnvironment env) {
        this.env = env;
    }

    public int run(String... args) {
        String chosen = commandName(args);
        // Before any thread can create a logger (the store prefetch does): slf4j-simple reads its settings once.
        Logging.configure("daemon".equals(chosen), debugRequested(args, chosen),
                "daemon".equals(chosen) ? "info" : "mcp".equals(chosen) ? "warn" : "off");
        StoreOpener opener = new StoreOpener(env.clock());
        GlobalOptions global = new GlobalOptions();
        try (StorePrefetch prefetch = StorePrefetch.startFor(chosen, args, env.env(), opener)) {
            return run(args, chosen, new CommandContext(env, global, opener, prefetch), global);
        }
    }

    /**
     * Runs one command inside the daemon, for the native client: as {@link #run(String...)}, but
     * logging is the daemon's (left alone), no stores are opened ahead, and the command runs only if
     * {@code hostable} accepts its parsed command line; otherwise nothing runs and nothing is
     * printed. A command line that does not parse is answered here, as the CLI's JVM would.
     *
     * @return the exit code, or empty when {@code hostable} refused
     */
    public OptionalInt runHosted(String[] args, Hostable hostable) {
        GlobalOptions global = new GlobalOptions();
        CommandContext ctx = new CommandContext(env, global, new StoreOpener(env.clock()), null);
        boolean[] refused = {false};
        int code = run(args, commandName(args), ctx, global, parsed -> {
            if (!hostable.test(parsed, ctx)) {
                refused[0] = true;
                return ExitCodes.ERROR;
            }
            return new CommandLine.RunLast().execute(parsed);
        });
        return refused[0] ? OptionalInt.empty() : OptionalInt.of(code);
    }

    /** Decides, once a command line is parsed, whether the daemon runs it ({@link #runHosted}). */
    @FunctionalInterface
    public interface Hostable {
        boolean test(CommandLine.ParseResult parsed, CommandContext ctx);
    }

    private int run(String[] args, String chosen, CommandContext ctx, GlobalOptions global) {
        return run(args, chosen, ctx, global, new CommandLine.RunLast());
    }

    private int run(String[] args, String chosen, CommandContext ctx, GlobalOptions global,
                    CommandLine.IExecutionStrategy strategy) {
        ContextFactory factory = new ContextFactory(ctx);
        CommandLine cl = new CommandLine(new HarnessCommand(ctx), factory);
        boolean all = (chosen == null && !versionOnly(args)) || (chosen != null && WHOLE_MODEL.contains(chosen));
        if (all) {
            cl.addSubcommand("help", new CommandLine(new CommandLine.HelpCommand(), factory));
        }
        for (var e : HarnessCommand.COMMANDS.entrySet()) {
            if (all || e.getKey().equals(chosen)) {
                CommandLine sub = new CommandLine(e.getValue(), factory);
                cl.addSubcommand(e.getKey(), sub);
                if (AGENT_COMMANDS.contains(e.getKey())) {
                    sub.setStopAtPositional(true);
                }
            }
        }
        if (chosen == null || helpRequested(args)) {
            // Help as wide as the terminal. Not for every command: picocli measures the terminal while it
            // builds the model, with `stty -a -F /dev/tty` in a subprocess whenever stdout is a terminal.
            cl.setUsageHelpAutoWidth(true);
        }
        PrintWriter err = new PrintWriter(env.err(), true);
        cl.setOut(env.out());
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, arguments) -> usageError(ex, err));
        cl.setExecutionStrategy(strategy);
        cl.setExecutionExceptionHandler((ex, command, parsed) -> {
            env.flush();
            env.err().println("harness: " + Errors.describe(ex));
            if (global.debug()) {
                ex.printStackTrace(env.err());
            }
            return ExitCodes.of(ex);
        });
        int code;
        try {
            code = cl.execute(args);
        } finally {
            env.flush();
        }
        return code;
    }

    /**
     * The command the arguments name, when they name a known one; null otherwise (help, --version,
     * a typo), in which case every command is registered so that help and suggestions are complete.
     */
    public static String commandName(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--home")) {
                i++;
            } else if (arg.equals("--")) {
                return null;
            } else if (!arg.startsWith("-")) {
                String name = HarnessCommand.ALIASES.getOrDefault(arg, arg);
                return HarnessCommand.COMMANDS.containsKey(name) ? name : null;
            }
        }
        return null;
    }

    /** {@code harness --version} needs no command at all. */
    private static boolean versionOnly(String[] args) {
        return args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"));
    }

    /**
     * Whether {@code --debug} is among harness's own options: before {@code --}, and for start and
     * run before the agent's command line begins.
     */
    static boolean debugRequested(String[] args, String chosen) {
        boolean afterCommand = false;
        for (String arg : args) {
            if (arg.equals("--")) {
                return false;
            }
            if (arg.equals("--debug")) {
                return true;
            }
            if (!arg.startsWith("-")) {
                if (afterCommand && AGENT_COMMANDS.contains(chosen)) {
                    return false;
                }
                afterCommand = afterCommand || arg.equals(chosen);
            }
        }
        return false;
    }

    /**
     * Whether the arguments may ask for help: {@code --help}, or {@code -h} alone or among clustered
     * short options, before {@code --}. Errs on the side of yes (an agent's own {@code -h} counts).
     */
    public static boolean helpRequested(String[] args) {
        for (String arg : args) {
            if (arg.equals("--")) {
                return false;
            }
            if (arg.equals("--help") || (arg.startsWith("-") && !arg.startsWith("--") && arg.indexOf('h') > 0)) {
                return true;
            }
        }
        return false;
    }

    private static int usageError(ParameterException ex, PrintWriter err) {
        CommandLine cmd = ex.getCommandLine();
        String message = ex.getMessage();
        String hint = "";
        if (ex instanceof UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
            String first = unmatched.getUnmatched().get(0);
            if (cmd.getParent() == null && !first.startsWith("-")) {
                message = "unknown command '" + first + "'";
            } else if (first.startsWith("-")) {
                message = "unknown option '" + first + "'";
            }
            hint = didYouMean(unmatched.getSuggestions());
        }
        err.println("harness: " + Errors.oneLine(message) + hint + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
        return ExitCodes.USAGE;
    }

    /** "; did you mean 'stats'?" from picocli's suggestions (up to three), or nothing. */
    static String didYouMean(List<String> suggestions) {
        List<String> shown = suggestions.stream().filter(x -> !x.isBlank()).distinct().limit(3).toList();
        if (shown.isEmpty()) {
            return "";
        }
        return "; did you mean " + String.join(" or ", shown.stream().map(x -> "'" + x + "'").toList()) + "?";
    }

    /** Builds commands with the {@link CommandContext} they take, and anything else the default way. */
    private static final class ContextFactory implements CommandLine.IFactory {
        private final CommandContext ctx;

        ContextFactory(CommandContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public <K> K create(Class<K> cls) throws Exception {
            Constructor<K> constructor;
            try {
                constructor = cls.getDeclaredConstructor(CommandContext.class);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(cls);
            }
            return constructor.newInstance(ctx);
        }
    }
}
