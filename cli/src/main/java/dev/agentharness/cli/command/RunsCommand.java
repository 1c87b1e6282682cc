package dev.agentharness.cli.command;

import dev.agentharness.cli.format.JsonViews.RunView;
import dev.agentharness.cli.format.TableFormatter;
import dev.agentharness.cli.format.TableFormatter.Align;
import dev.agentharness.core.Run;
import dev.agentharness.store.SqliteStores;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "runs", sortOptions = false,
        subcommands = {RunsNewCommand.class, RunsCompleteCommand.class},
        description = {"List runs: groups of sessions started for one purpose, most recent first.",
                "New sessions join the active run unless started with --run."})
public final class RunsCommand implements Callable<Integer> {
    private final CommandContext ctx;

    @Option(names = "--limit", paramLabel = "N", converter = Converters.NonNegativeConverter.class,
            description = "At most N runs (default 50).")
    int limit = 50;

    @Mixin
    JsonOption json;

    public RunsCommand(CommandContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        List<Run> runs;
        try (SqliteStores stores = ctx.openStores()) {
            runs = stores.runs().listRuns(limit == 0 ? Integer.MAX_VALUE : limit);
        }
        PrintWriter out = ctx.env().out();
        if (json.enabled()) {
            ctx.printJson(runs.stream().map(RunView::of).toList());
            return 0;
        }
        TableFormatter table = new TableFormatter()
                .column("ID", Align.LEFT)
                .column("STATUS", Align.LEFT)
                .column("STARTED", Align.LEFT)
                .column("COMPLETED", Align.LEFT)
                .column("SESSIONS", Align.RIGHT)
                .column("DESCRIPTION", Align.LEFT, 60);
        for (Run r : runs) {
            table.row(r.id(), r.status().wireName(), r.startedAt(), r.completedAt(), r.sessionCount(), r.description());
        }
        table.print(out);
        if (runs.isEmpty()) {
            out.println("(no runs; harness runs new DESCRIPTION starts one)");
        }
        return 0;
    }
}
