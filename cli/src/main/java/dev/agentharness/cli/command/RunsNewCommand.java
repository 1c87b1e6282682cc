package dev.agentharness.cli.command;

import dev.agentharness.core.Run;
import dev.agentharness.store.SqliteStores;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "new", description = {"Start a new active run (completing the previous one) and print its id."})
public final class RunsNewCommand implements Callable<Integer> {
    private final CommandContext ctx;

    @Parameters(arity = "0..*", paramLabel = "DESC", description = "What the run is for.")
    List<String> description = List.of();

    public RunsNewCommand(CommandContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        Run run;
        try (SqliteStores stores = ctx.openStores()) {
            run = stores.runs().createRun(description.isEmpty() ? null : String.join(" ", description));
        }
        ctx.env().out().println(run.id());
        return 0;
    }
}
