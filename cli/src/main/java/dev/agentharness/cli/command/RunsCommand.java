package dev.agentharness.cli.command;

import dev.agentharness.service.view.JsonViews.RunView;
import dev.agentharness.cli.format.TableFormatter;
import dev.agentharness.cli.format.TableFormatter.Align;
import dev.agentharness.service.view.Human;
import dev.agentharness.core.AgentCostTotals;
import dev.agentharness.core.Run;
import dev.agentharness.core.SessionQuery;
import java.util.Map;
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

    /** The known cost, marked with {@code +?} when some sessions' cost is unknown. */
    static String costCell(AgentCostTotals t) {
        String known = Human.cost(t.costUsd(), t.unpricedSessions() > 0);
        return t.costUsd() != null && t.unpricedSessions() > 0 ? known + "+?" : known;
    }

    @Override
    public Integer call() throws Exception {
        List<Run> runs;
        Map<String, AgentCostTotals> totals;
        AgentCostTotals overall;
        try (SqliteStores stores = ctx.openStoresToRead()) {
            runs = stores.runs().listRuns(limit == 0 ? Integer.MAX_VALUE : limit);
            totals = stores.sessions().costTotalsByRun();
            overall = stores.sessions().costTotals(SessionQuery.ALL);
        }
        PrintWriter out = ctx.env().out();
        if (json.enabled()) {
            ctx.printJson(runs.stream().map(r -> RunView.of(r, totals.get(r.id()))).toList());
            return 0;
        }
        TableFormatter table = new TableFormatter()
                .column("ID", Align.LEFT)
                .column("STATUS", Align.LEFT)
                .column("STARTED", Align.LEFT)
                .column("COMPLETED", Align.LEFT)
                .column("SESSIONS", Align.RIGHT)
                .column("COST", Align.RIGHT)
                .column("TOKENS", Align.RIGHT)
                .column("DESCRIPTION", Align.LEFT, 60);
        for (Run r : runs) {
            AgentCostTotals t = totals.getOrDefault(r.id(), AgentCostTotals.EMPTY);
            table.row(r.id(), r.status().wireName(), r.startedAt(), r.completedAt(), r.sessionCount(),
                    costCell(t), Human.tokens(t.totalTokens()), r.description());
        }
        table.print(out);
        if (runs.isEmpty()) {
            out.println("(no runs; harness runs new DESCRIPTION starts one)");
        } else {
            out.println("all sessions: cost " + costCell(overall) + ", tokens " + Human.tokens(overall.totalTokens()));
        }
        return 0;
    }
}
