package dev.agentharness.cli.command;

import dev.agentharness.cli.Version;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

@Command(name = "harness", scope = ScopeType.INHERIT, mixinStandardHelpOptions = true, versionProvider = Version.class,
        sortOptions = false, synopsisSubcommandLabel = "COMMAND", usageHelpAutoWidth = true,
        description = {"A local supervisor for AI coding-agent sessions: three slots, every byte in SQLite, clean crash recovery."},
        subcommands = {
                RunCommand.class,
                StartCommand.class,
                PsCommand.class,
                ShowCommand.class,
                TailCommand.class,
                SendCommand.class,
                StopCommand.class,
                PauseCommand.class,
                ResumeCommand.class,
                RestartCommand.class,
                RunsCommand.class,
                StatsCommand.class,
                PurgeCommand.class,
                ImportLegacyCommand.class,
                RecoverCommand.class,
                DaemonCommand.class,
                ShutdownCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:ok",
                "1:error",
                "2:usage (bad option, value or command)",
                "3:no free slot",
                "4:no such session (or an ambiguous id prefix)"})
public final class HarnessCommand implements Callable<Integer> {
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

    @Override
    public Integer call() {
        spec.commandLine().usage(ctx.env().out());
        return 0;
    }
}
