package dev.agentharness.cli.command;

import dev.agentharness.service.view.Human;
import dev.agentharness.service.view.JsonViews.StatsView;
import dev.agentharness.core.AgentCostTotals;
import dev.agentharness.core.SessionQuery;
import dev.agentharness.core.SessionStats;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.store.SqliteStores;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "stats", description = "Totals over every stored session (or one project's): by status, success rate, "
        + "average duration, bytes captured, agent cost and tokens.")
public final class StatsCommand implements Callable<Integer> {
    private final CommandContext ctx;

    @Option(names = "--project", paramLabel = "DIR",
            description = "Only sessions of this project (DIR or the git work tree that holds it).")
    String project;

    @Mixin
    JsonOption json;

    public StatsCommand(CommandContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        SessionStats stats;
        AgentCostTotals totals;
        try (SqliteStores stores = ctx.openStoresToRead()) {
            stats = stores.sessions().stats(project == null ? null : ProjectOption.resolve(project, ctx.env().cwd()));
            totals = stores.sessions().costTotals(project == null ? SessionQuery.ALL
                    : SessionQuery.ALL.withProject(ProjectOption.resolve(project, ctx.env().cwd())));
        }
        PrintWriter out = ctx.env().out();
        StatsView view = StatsView.of(stats, totals);
        if (json.enabled()) {
            ctx.printJson(view);
            return 0;
        }
        out.printf("sessions:          %d%n", stats.total());
        for (SessionStatus s : SessionStatus.values()) {
            long n = stats.byStatus().get(s);
            if (n > 0) {
                out.printf("  %-18s %d%n", s.wireName(), n);
            }
        }
        if (view.successRate() == null) {
            out.printf("success rate:      n/a (no session has finished)%n");
        } else {
            out.printf(Locale.ROOT, "success rate:      %.1f%% (completed of finished)%n", view.successRate() * 100);
        }
        out.printf("average duration:  %s%n", view.averageDuration());
        out.printf("output captured:   %s in %d chunks%n", Human.bytes(stats.bytesCaptured()), stats.chunksCaptured());
        out.printf("agent cost:        %s%s%n", Human.cost(totals.costUsd(), totals.unpricedSessions() > 0),
                totals.unpricedSessions() > 0 ? " (+ " + totals.unpricedSessions() + " session"
                        + (totals.unpricedSessions() == 1 ? "" : "s") + " at an unknown price)" : "");
        out.printf("agent tokens:      %s (input %s, output %s, cache read %s, cache write %s)%n",
                Human.tokens(totals.totalTokens()), Human.tokens(totals.inputTokens()), Human.tokens(totals.outputTokens()),
                Human.tokens(totals.cacheReadTokens()), Human.tokens(totals.cacheWriteTokens()));
        return 0;
    }
}
