package dev.agentharness.cli.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentharness.service.wire.ControlClient;
import dev.agentharness.service.wire.ControlProtocol;
import dev.agentharness.service.view.JsonViews.SessionView;
import dev.agentharness.core.DurationFormat;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "stop", sortOptions = false,
        description = {"Stop an agent: SIGTERM to its process group, SIGKILL after the grace period.",
                "Waits until it has ended; the session ends stopped."})
public final class StopCommand implements Callable<Integer> {
    private final CommandContext ctx;

    @Parameters(index = "0", paramLabel = "SESSION")
    String session;

    @Option(names = "--grace", paramLabel = "DUR", converter = Converters.DurationConverter.class,
            description = "Time between SIGTERM and SIGKILL (default: the daemon's, 10s).")
    Duration grace;

    @Option(names = "--force", description = "SIGKILL at once.")
    boolean force;

    public StopCommand(CommandContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        try (ControlClient client = DaemonRequired.forSession(ctx, session)) {
            ObjectNode request = client.request(ControlProtocol.OP_STOP).put("session", session).put("force", force);
            if (grace != null) {
                request.put("grace", DurationFormat.format(grace));
            }
            SessionView s = client.read(client.call(request), "session", SessionView.class);
            ctx.env().out().println("session " + s.label() + " " + s.status() + (s.exitCode() != null ? " (exit " + s.exitCode() + ")" : ""));
        }
        return 0;
    }
}
