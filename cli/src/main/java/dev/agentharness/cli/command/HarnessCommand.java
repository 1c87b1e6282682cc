package dev.agentharness.cli.command;

import dev.agentharness.cli.Version;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

@Command(name = "harness", scope = ScopeType.INHERIT, mixinStandardHelpOptions = true, versionProvider = Version.class,
        sortOptions = false, synopsisSubcommandLabel = "COMMAND",
        description = {"A local supervisor for AI coding-agent sessions: three slots, every byte in SQLite, clean crash recovery."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:ok",
                "1:error",
                "2:usage (bad option, value or command)",
                "3:no free slot",
                "4:no such session (or an ambiguous id prefix)",
                "124:run, wait: the session timed out (--max-runtime), or wait --timeout ran out"})
public final class HarnessCommand implements Callable<Integer> {
    /**
     * Every command, in the order help lists them. Only the one being run is given to picocli
     * (see {@code HarnessCli}): building the model of all of them costs more than the JVM's start.
     */
    public static final Map<String, Class<?>> COMMANDS = commands();
    /** Other names of commands (declared on the command too, for picocli): {@code logs} as pm2 and docker say. */
    public static final Map<String, String> ALIASES = Map.of("logs", "tail");

    private final CommandContext ctx;

    @Spec
    CommandSpec spec;

    public HarnessCommand(CommandContext ctx) {
        this.ctx = ctx;
    }

    @Option(names = "--home", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "Harness home (default: $HARNESS_HOME, else ~/.harness).")
    void home(String dir) {
        ctx.global().home(dir);
    }

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Print stack traces with errors; log to stderr.")
    void debug(boolean on) {
        ctx.global().debug(on);
    }

    private static Map<String, Class<?>> commands() {
        Map<String, Class<?>> m = new LinkedHashMap<>();
        m.put("run", RunCommand.class);
        m.put("start", StartCommand.class);
        m.put("ps", PsCommand.class);
        m.put("show", ShowCommand.class);
        m.put("tail", TailCommand.class);
        m.put("wait", WaitCommand.class);
        m.put("send", SendCommand.class);
        m.put("screen", ScreenCommand.class);
        m.put("attach", AttachCommand.class);
        m.put("resize", ResizeCommand.class);
        m.put("stop", StopCommand.class);
        m.put("pause", PauseCommand.class);
        m.put("resume", ResumeCommand.class);
        m.put("restart", RestartCommand.class);
        m.put("runs", RunsCommand.class);
        m.put("queue", QueueCommand.class);
        m.put("stats", StatsCommand.class);
        m.put("projects", ProjectsCommand.class);
        m.put("notify", NotifyCommand.class);
        m.put("purge", PurgeCommand.class);
        m.put("import-legacy", ImportLegacyCommand.class);
        m.put("recover", RecoverCommand.class);
        m.put("web", WebCommand.class);
        m.put("daemon", DaemonCommand.class);
        m.put("mcp", McpCommand.class);
        m.put("shutdown", ShutdownCommand.class);
        m.put("completion", CompletionCommand.class);
        m.put("hook", HookCommand.class);
        return Collections.unmodifiableMap(m);
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(ctx.env().out());
        return 0;
    }
}
