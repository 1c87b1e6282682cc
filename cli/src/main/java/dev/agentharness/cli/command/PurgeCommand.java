package dev.agentharness.cli.command;

import dev.agentharness.core.error.UsageException;
import dev.agentharness.service.view.Human;
import dev.agentharness.service.view.JsonViews.PurgeView;
import dev.agentharness.core.PurgeCriteria;
import dev.agentharness.core.PurgeResult;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.store.SqliteStores;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "purge", sortOptions = false,
        description = {"Delete finished sessions with their output and events. Active sessions are never deleted.",
                "Needs --older-than, --status or --all, so that a bare purge never deletes everything."})
public final class PurgeCommand implements Callable<Integer> {
    private final CommandContext ctx;

    @Option(names = "--older-than", paramLabel = "DUR", converter = Converters.DurationConverter.class,
            description = "Only sessions that ended longer ago than this (e.g. 7d, 12h).")
    Duration olderThan;

    @Option(names = "--status", paramLabel = "S", split = ",", converter = Converters.StatusConverter.class,
            description = "Only sessions with this finished status (repeatable): completed, failed, stopped, timed_out, crashed.")
    List<SessionStatus> statuses = List.of();

    @Option(names = "--all", description = "Every finished session.")
    boolean all;

    @Option(names = "--dry-run", description = "Only say what would be deleted.")
    boolean dryRun;

    @Mixin
    JsonOption json;

    public PurgeCommand(CommandContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        Instant endedBefore = olderThan == null ? null : ctx.env().clock().instant().minus(olderThan);
        PurgeCriteria criteria;
        try {
            criteria = new PurgeCriteria(statuses.isEmpty() ? null : EnumSet.copyOf(statuses), endedBefore, all, dryRun);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        PurgeResult result;
        try (SqliteStores stores = ctx.openStores()) {
            result = stores.sessions().purge(criteria);
        }
        PrintWriter out = ctx.env().out();
        if (json.enabled()) {
            ctx.printJson(PurgeView.of(result));
            return 0;
        }
        int n = result.sessionIds().size();
        out.println((result.dryRun() ? "would purge " : "purged ") + n + " session" + (n == 1 ? "" : "s") + " ("
                + Human.bytes(result.bytes()) + " of output in " + result.chunks() + " chunks, " + result.events() + " events)");
        for (String id : result.sessionIds()) {
            out.println("  " + id);
        }
        return 0;
    }
}
