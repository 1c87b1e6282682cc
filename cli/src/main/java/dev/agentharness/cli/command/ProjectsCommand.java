package dev.agentharness.cli.command;

import dev.agentharness.service.view.Human;
import dev.agentharness.service.view.JsonViews.ProjectView;
import dev.agentharness.cli.format.TableFormatter;
import dev.agentharness.cli.format.TableFormatter.Align;
import dev.agentharness.core.ProjectSummary;
import dev.agentharness.core.Session;
import dev.agentharness.core.SessionStatus;
import dev.agentharness.store.SqliteStores;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "projects", sortOptions = false, subcommands = {ProjectsSetCommand.class},
        description = {"List projects: the directories sessions ran in (a git work tree's root, else the cwd),",
                "most recently run first, with their default command, last session and counts by status."})
public final class ProjectsCommand implements Callable<Integer> {
    private final CommandContext ctx;

    @Mixin
    JsonOption json;

    public ProjectsCommand(CommandContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        List<ProjectSummary> projects;
        try (SqliteStores stores = ctx.openStoresToRead()) {
            projects = stores.projects().summaries();
        }
        if (json.enabled()) {
            ctx.printJson(projects.stream().map(ProjectView::of).toList());
            return 0;
        }
        Instant now = ctx.env().clock().instant();
        PrintWriter out = ctx.env().out();
        boolean costs = projects.stream().anyMatch(p -> p.costUsd() != null);
        TableFormatter table = new TableFormatter()
                .column("PROJECT", Align.LEFT, 48)
                .column("LAST SESSION", Align.LEFT, 24)
                .column("STATUS", Align.LEFT)
                .column("WHEN", Align.RIGHT)
                .column("DONE", Align.RIGHT)
                .column("FAILED", Align.RIGHT)
                .column("CRASHED", Align.RIGHT)
                .column("STOPPED", Align.RIGHT);
        if (costs) {
            table.column("COST", Align.RIGHT);
        }
        table.column("DEFAULT COMMAND", Align.LEFT, 48);
        for (ProjectSummary p : projects) {
            Session last = p.lastSession();
            Object[] row = {
                p.project().dir(),
                last == null ? "-" : last.name() != null ? last.name() : last.id().substring(0, Math.min(10, last.id().length())),
                last == null ? "-" : last.status().wireName(),
                last == null ? "-" : Human.ago(last.createdAt(), now),
                p.count(SessionStatus.COMPLETED), p.count(SessionStatus.FAILED), p.count(SessionStatus.CRASHED),
                p.count(SessionStatus.STOPPED),
            };
            List<Object> cells = new java.util.ArrayList<>(List.of(row));
            if (costs) {
                cells.add(p.costUsd() == null ? "-" : String.format(Locale.ROOT, "$%.2f", p.costUsd()));
            }
            cells.add(defaults(p));
            table.row(cells.toArray());
        }
        table.print(out);
        if (projects.isEmpty()) {
            out.println("(no projects yet: every directory a session runs in becomes one; harness projects set DIR --command '...' configures one)");
        }
        return 0;
    }

    private static String defaults(ProjectSummary p) {
        if (!p.project().hasDefaults()) {
            return "-";
        }
        String s = Human.command(p.project().command());
        if (p.project().prompt() != null) {
            s += " <prompt: " + Human.printable(p.project().prompt()) + ">";
        }
        return p.project().tty() ? s + " (tty)" : s;
    }
}
