package dev.agentharness.cli.command;

import dev.agentharness.cli.ExitCodes;
import dev.agentharness.service.wire.ControlClient;
import dev.agentharness.service.view.JsonViews.SessionView;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "start", sortOptions = false,
        description = {"Start an agent session in a free slot and print its id.",
                "Starts a daemon in the background first if none is running.",
                "Exit code 3 when every slot is busy (unless --wait)."})
public final class StartCommand implements Callable<Integer> {
    private final CommandContext ctx;

    @Mixin
    StartOptions options;

    @Mixin
    JsonOption json;

    public StartCommand(CommandContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        var spec = options.toSpec(ctx.env().cwd(), ctx.env().env(), dir -> {
            try (var stores = ctx.openStores()) {
                return stores.projects().get(dir);
            }
        });
        SessionStarter.Started s;
        SessionView view = null;
        try (ControlClient client = ctx.daemonOrLaunch()) {
            s = SessionStarter.start(client, spec, options.waitForSlot(), ctx.env().err());
            if (json.enabled()) {
                view = s.view(client);
            }
        }
        if (view != null) {
            ctx.printJson(view);
        } else {
            ctx.env().out().println(s.id());
        }
        if (s.failedToSpawn()) {
            ctx.env().flush();
            ctx.env().err().println("harness: session " + s.label() + " failed to start: " + s.reason());
            return ExitCodes.ERROR;
        }
        return ExitCodes.OK;
    }
}
