package dev.agentharness.cli.command;

import dev.agentharness.cli.control.ControlProtocol;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "resume", description = "Continue a paused agent (SIGCONT to its process group).")
public final class ResumeCommand implements Callable<Integer> {
    private final CommandContext ctx;

    @Parameters(index = "0", paramLabel = "SESSION")
    String session;

    public ResumeCommand(CommandContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        var s = SimpleControlCommand.call(ctx, ControlProtocol.OP_RESUME, session);
        ctx.env().out().println("session " + s.label() + " " + s.status());
        return 0;
    }
}
