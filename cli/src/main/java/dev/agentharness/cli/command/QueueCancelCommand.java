package dev.agentharness.cli.command;

import dev.agentharness.service.wire.ControlClient;
import dev.agentharness.service.wire.ControlProtocol;
import dev.agentharness.core.error.HarnessException;
import dev.agentharness.store.SqliteStores;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * Withdraws a queued start request. With a daemon running, the daemon does it, so that a
 * {@code start --wait} waiting for that request is told at once; without one, the row is deleted
 * from the database directly (nobody can be waiting then).
 */
@Command(name = "cancel", description = "Withdraw a queued start request (its id from harness queue); a start --wait waiting for it exits 1.")
public final class QueueCancelCommand implements Callable<Integer> {
    private final CommandContext ctx;

    @Parameters(index = "0", paramLabel = "ID", converter = Converters.NonNegativeConverter.class,
            description = "The request's id, as harness queue shows it.")
    int id;

    public QueueCancelCommand(CommandContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        Optional<ControlClient> daemon = ctx.tryDaemon();
        if (daemon.isPresent()) {
            try (ControlClient client = daemon.get()) {
                client.call(client.request(ControlProtocol.OP_QUEUE_CANCEL).put("id", id));
            }
        } else {
            ctx.home().requireExisting();
            try (SqliteStores stores = ctx.openStores()) {
                if (!stores.queue().remove(id)) {
                    throw new HarnessException("no queued start request " + id + " (harness queue lists them)");
                }
            }
        }
        ctx.env().out().println("start request " + id + " cancelled");
        return 0;
    }
}
