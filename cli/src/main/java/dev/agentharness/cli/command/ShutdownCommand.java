package dev.agentharness.cli.command;

import dev.agentharness.service.wire.ControlClient;
import dev.agentharness.service.wire.ControlProtocol;
import dev.agentharness.core.error.HarnessException;
import dev.agentharness.daemon.DaemonPid;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "shutdown",
        description = {"Stop the daemon gracefully and wait until it has exited.",
                "Running agents are stopped (recorded stopped) unless --keep-agents; queued start requests stay queued."})
public final class ShutdownCommand implements Callable<Integer> {
    private final CommandContext ctx;

    @Option(names = "--timeout", paramLabel = "DUR", converter = Converters.DurationConverter.class,
            description = "Give up waiting after this long (default 2m).")
    Duration timeout = Duration.ofMinutes(2);

    @Option(names = "--keep-agents",
            description = "Leave the agents running under their keepers; the next daemon (a newer build, say) reattaches them.")
    boolean keepAgents;

    public ShutdownCommand(CommandContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws InterruptedException {
        Optional<ControlClient> daemon = ctx.tryDaemon();
        if (daemon.isEmpty()) {
            ctx.env().err().println("harness: no daemon is running on " + ctx.home());
            return 0;
        }
        long pid;
        try (ControlClient client = daemon.get()) {
            var request = client.request(ControlProtocol.OP_SHUTDOWN);
            if (keepAgents) {
                request.put("keepAgents", true);
            }
            pid = client.call(request).path("pid").asLong();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (DaemonPid.running(pid)) {
            if (System.nanoTime() > deadline) {
                throw new HarnessException("the daemon (pid " + pid + ") is still shutting down after "
                        + timeout.toSeconds() + " s; see " + ctx.home().daemonLog());
            }
            Thread.sleep(50);
        }
        ctx.env().out().println("daemon (pid " + pid + ") stopped");
        return 0;
    }
}
