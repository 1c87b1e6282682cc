package dev.agentharness.cli.command;

import dev.agentharness.cli.ExitCodes;
import dev.agentharness.service.wire.ControlClient;
import dev.agentharness.service.wire.ControlProtocol;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "restart",
        description = {"Start a finished session again as a new session with the same command, cwd and environment.",
                "Prints the new session's id."})
public final class RestartCommand implements Callable<Integer> {
    private final CommandContext ctx;

    @Parameters(index = "0", paramLabel = "SESSION")
    String session;

    public RestartCommand(CommandContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        SessionStarter.Started s;
        try (ControlClient client = ctx.daemonOrLaunch()) {
            var request = client.request(ControlProtocol.OP_RESTART).put("session", session);
            // The caller's environment over the stored one, as start does: a key exported since reaches the agent.
            var env = request.putObject("env");
            ctx.env().env().forEach(env::put);
            s = SessionStarter.Started.of(client.call(request));
        }
        ctx.env().out().println(s.id());
        if (s.failedToSpawn()) {
            ctx.env().flush();
            ctx.env().err().println("harness: session " + s.label() + " failed to start: " + s.reason());
            return ExitCodes.ERROR;
        }
        return ExitCodes.OK;
    }
}
