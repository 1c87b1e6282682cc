package dev.agentharness.cli.command;

import dev.agentharness.cli.hosted.HostedCommands;
import dev.agentharness.core.error.UsageException;
import dev.agentharness.daemon.Daemon;
import dev.agentharness.daemon.Retention;
import dev.agentharness.store.HarnessHome;
import dev.agentharness.supervisor.SupervisorConfig;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "daemon", sortOptions = false,
        description = {"Run the supervisor and its control socket in the foreground (for systemd or tmux); logs to stderr.",
                "SIGTERM or SIGINT shuts down cleanly: agents are stopped gracefully and recorded stopped.",
                "Only one daemon runs per home; a second one is refused, naming the first one's pid."})
public final class DaemonCommand implements Callable<Integer> {
    private final CommandContext ctx;

    @Option(names = "--stop-grace", paramLabel = "DUR", converter = Converters.DurationConverter.class,
            description = "Default time between SIGTERM and SIGKILL when stopping agents (default 10s).")
    Duration stopGrace;

    @Option(names = "--stall-timeout", paramLabel = "DUR", converter = Converters.DurationConverter.class,
            description = "Default silence after which a session counts as stalled (default 5m).")
    Duration stallTimeout;

    @Option(names = "--keep-agents-on-term",
            description = "On SIGTERM (and INT, HUP) leave the agents running under their keepers for the next daemon to reattach, as `harness shutdown --keep-agents` does (default: stop them gracefully).")
    boolean keepAgentsOnTerm;

    @Option(names = "--retention", paramLabel = "DUR", converter = Converters.DurationConverter.class,
            description = "Purge finished sessions that ended longer ago than this (e.g. 30d), at start and then every hour. "
                    + "Default: 'retention' in the home's config file, else keep everything.")
    Duration retention;

    public DaemonCommand(CommandContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        if (retention != null && (retention.isZero() || retention.isNegative())) {
            throw new UsageException("--retention must be longer than 0");
        }
        HarnessHome home = ctx.home();
        Duration keep = retention != null ? retention : Retention.configured(home).orElse(null);
        return new Daemon(home, config(), ctx.env().clock(), keepAgentsOnTerm, keep,
                new HostedCommands(home, ctx.env().clock())).run();
    }

    private SupervisorConfig config() {
        SupervisorConfig d = SupervisorConfig.defaults();
        return new SupervisorConfig(stopGrace != null ? stopGrace : d.stopGrace(),
                stallTimeout != null ? stallTimeout : d.stallTimeout(), d.escalationStop(), d.checkpointQuiet(),
                d.checkpointPatterns(), d.batchWindow(), d.batchMaxBytes(), d.sessionBufferBytes(), d.orphanGrace(),
                d.restartBackoffInitial(), d.restartBackoffMax(), d.restartResetAfter());
    }
}
