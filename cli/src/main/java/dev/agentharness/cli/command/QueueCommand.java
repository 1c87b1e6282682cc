package dev.agentharness.cli.command;

import dev.agentharness.service.view.Human;
import dev.agentharness.service.view.JsonViews.QueuedView;
import dev.agentharness.cli.format.TableFormatter;
import dev.agentharness.cli.format.TableFormatter.Align;
import dev.agentharness.core.QueuedStart;
import dev.agentharness.store.SqliteStores;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "queue", sortOptions = false, subcommands = QueueCancelCommand.class,
        description = {"List the start requests waiting for a free slot (start --wait), first to start first.",
                "Reads the database directly; works while the daemon is down."})
public final class QueueCommand implements Callable<Integer> {
    private final CommandContext ctx;

    @Mixin
    JsonOption json;

    public QueueCommand(CommandContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        List<QueuedStart> queued;
        try (SqliteStores stores = ctx.openStoresToRead()) {
            queued = stores.queue().list();
        }
        List<QueuedView> views = new ArrayList<>();
        for (int i = 0; i < queued.size(); i++) {
            views.add(QueuedView.of(queued.get(i), i + 1));
        }
        if (json.enabled()) {
            ctx.printJson(views);
            return 0;
        }
        Instant now = ctx.env().clock().instant();
        PrintWriter out = ctx.env().out();
        TableFormatter table = new TableFormatter()
                .column("ID", Align.RIGHT)
                .column("#", Align.RIGHT)
                .column("WAITING", Align.RIGHT)
                .column("NAME", Align.LEFT, 24)
                .column("SLOT", Align.RIGHT)
                .column("COMMAND", Align.LEFT, 60);
        for (QueuedStart q : queued) {
            table.row(q.id(), views.get(queued.indexOf(q)).position(), Human.age(q.enqueuedAt(), now), q.spec().name(),
                    q.spec().requestedSlot(), Human.command(q.spec().command()));
        }
        table.print(out);
        if (queued.isEmpty()) {
            out.println("(no start requests queued)");
        }
        return 0;
    }
}
