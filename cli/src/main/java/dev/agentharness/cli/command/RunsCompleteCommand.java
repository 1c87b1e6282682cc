package dev.agentharness.cli.command;

import dev.agentharness.service.lookup.RunResolver;
import dev.agentharness.core.Run;
import dev.agentharness.store.SqliteStores;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "complete", description = "Complete a run (default: the active one); new sessions then join no run.")
public final class RunsCompleteCommand implements Callable<Integer> {
    private final CommandContext ctx;

    @Parameters(arity = "0..1", paramLabel = "RUN", description = "A run id or unique id prefix.")
    String run;

    public RunsCompleteCommand(CommandContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        Run done;
        try (SqliteStores stores = ctx.openStores()) {
            RunResolver resolver = new RunResolver(stores.runs());
            Run target = run == null ? resolver.active() : resolver.resolve(run);
            done = stores.runs().completeRun(target.id());
        }
        ctx.env().out().println("run " + done.id() + " completed (" + done.sessionCount() + " session"
                + (done.sessionCount() == 1 ? "" : "s") + ")");
        return 0;
    }
}
