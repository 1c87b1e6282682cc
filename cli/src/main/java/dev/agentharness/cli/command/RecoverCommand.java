package dev.agentharness.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentharness.service.wire.ControlClient;
import dev.agentharness.service.wire.ControlProtocol;
import dev.agentharness.daemon.Reports;
import dev.agentharness.daemon.SupervisorWiring;
import dev.agentharness.service.view.JsonViews.ReconcileItemView;
import dev.agentharness.service.view.JsonViews.ReconcileView;
import dev.agentharness.store.SqliteStores;
import dev.agentharness.supervisor.SupervisorConfig;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "recover",
        description = {"Reconcile stored active sessions with the live processes now and print what was found.",
                "Uses the running daemon; without one, takes the lock and reconciles in this process.",
                "If start requests are queued and no daemon runs, starts the daemon instead (it reconciles, then runs the queue)."})
public final class RecoverCommand implements Callable<Integer> {
    private final CommandContext ctx;

    @Mixin
    JsonOption json;

    public RecoverCommand(CommandContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        ReconcileView report = viaDaemon(ctx.tryDaemon(), false).orElseGet(this::withoutDaemon);
        PrintWriter out = ctx.env().out();
        if (json.enabled()) {
            ctx.printJson(report);
            return 0;
        }
        if (report.items().isEmpty()) {
            out.println("nothing to recover: every active session is accounted for");
        }
        for (ReconcileItemView i : report.items()) {
            out.println(i.sessionId() + " (" + i.label() + "): was " + i.previousStatus() + ", " + i.finding().replace('_', ' ')
                    + " -> " + Reports.outcome(i.finding()) + ": " + i.reason());
        }
        return 0;
    }

    private ReconcileView withoutDaemon() {
        boolean queued;
        try (SqliteStores stores = ctx.openStores()) {
            queued = !stores.queue().list().isEmpty();
        }
        if (queued || dev.agentharness.daemon.KeeperCommand.anyKeeperFiles(ctx.home())) {
            // Sessions whose keepers outlived the daemon are taken over by a daemon, which stays to run them.
            // Reconciling frees slots, and an in-process supervisor would start queued agents only to stop them.
            return viaDaemon(Optional.of(ctx.daemonOrLaunch()), true).orElseThrow();
        }
        SupervisorConfig config = SupervisorConfig.defaults();
        try (SupervisorWiring wiring = SupervisorWiring.create(ctx.home(), config)) {
            ReconcileView report;
            try {
                report = Reports.view(wiring.supervisor().start());
            } finally {
                wiring.supervisor().shutdown(Duration.ofSeconds(1));
            }
            return report;
        }
    }

    /** Asks the daemon to reconcile; for a daemon this command just started, adds what it found at start-up. */
    private Optional<ReconcileView> viaDaemon(Optional<ControlClient> daemon, boolean includeStartup) {
        if (daemon.isEmpty()) {
            return Optional.empty();
        }
        try (ControlClient client = daemon.get()) {
            List<ReconcileItemView> items = new ArrayList<>();
            if (includeStartup) {
                JsonNode ping = client.call(client.request(ControlProtocol.OP_PING));
                items.addAll(client.read(ping, "startupReport", ReconcileView.class).items());
            }
            JsonNode response = client.call(client.request(ControlProtocol.OP_RECOVER));
            items.addAll(client.read(response, "report", ReconcileView.class).items());
            return Optional.of(new ReconcileView(items.size(), items));
        }
    }
}
