package dev.agentharness.cli.command;

import dev.agentharness.core.error.UsageException;
import dev.agentharness.service.wire.ControlClient;
import dev.agentharness.service.wire.ControlProtocol;
import dev.agentharness.core.TerminalSize;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "resize", description = "Resize a terminal session's terminal; the agent gets SIGWINCH and sees the new size.")
public final class ResizeCommand implements Callable<Integer> {
    private final CommandContext ctx;

    @Parameters(index = "0", paramLabel = "SESSION")
    String session;

    @Parameters(index = "1", paramLabel = "COLSxROWS")
    String size;

    public ResizeCommand(CommandContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        TerminalSize parsed;
        try {
            parsed = TerminalSize.parse(size);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        try (ControlClient client = DaemonRequired.forSession(ctx, session)) {
            client.call(client.request(ControlProtocol.OP_RESIZE).put("session", session).put("size", parsed.toString()));
        }
        return 0;
    }
}
