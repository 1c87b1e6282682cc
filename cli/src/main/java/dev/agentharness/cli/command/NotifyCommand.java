package dev.agentharness.cli.command;

import dev.agentharness.supervisor.notify.NotifyConfig;
import dev.agentharness.supervisor.notify.SinkAddress;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "notify", sortOptions = false, subcommands = {NotifyTestCommand.class},
        description = {"Show the notification sinks configured in the home's config file (URLs masked).",
                "Lines `notify = cmd:PROGRAM` or `notify = https://...` (repeatable), and optionally",
                "`notify.events = waiting, failed, ...`; `harness notify test` sends them a sample."})
public final class NotifyCommand implements Callable<Integer> {
    private final CommandContext ctx;

    public NotifyCommand(CommandContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        NotifyConfig config = NotifyTestCommand.config(ctx);
        PrintWriter out = ctx.env().out();
        if (config.sinks().isEmpty()) {
            out.println("(no notification sinks in " + ctx.home().config() + ")");
            return 0;
        }
        for (SinkAddress s : config.sinks()) {
            out.println(s.masked());
        }
        out.println("events: " + String.join(", ", config.events().stream().sorted().map(Object::toString).toList()));
        return 0;
    }
}
