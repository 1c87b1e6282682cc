package dev.agentharness.cli.command;

import dev.agentharness.service.wire.ControlProtocol;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "pause", description = "Suspend an agent (SIGSTOP to its process group); the session becomes paused.")
public final class PauseCommand implements Callable<Integer> {
    private final CommandContext ctx;

    @Parameters(index = "0", paramLabel = "SESSION")
    String session;

    public PauseCommand(CommandContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        var s = SimpleControlCommand.call(ctx, ControlProtocol.OP_PAUSE, session);
        ctx.env().out().println("session " + s.label() + " " + s.status());
        return 0;
    }
}
