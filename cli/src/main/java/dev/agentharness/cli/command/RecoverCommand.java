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
                "If start requests are queued and no daemon runs, starts the daemon instead (it reconciles, then runs the queue).",
                "A session found crashed with --restart on-crash is resumed (once): without a daemon, its resume is queued",
                "and a daemon is started to run it."})
public final class RecoverCommand implements Callable<Integer> {
    private final CommandContext ctx;
    private boolean daemonForResumes;

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
        if (daemonForResumes) {
            out.println("sessions with --restart on-crash are resumed by a daemon started now (harness ps)");
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
        ReconcileView report;
        boolean resumes;
        try (SupervisorWiring wiring = SupervisorWiring.create(ctx.home(), config)) {
            // Reconciles and queues the on-crash resumes of what it found crashed; it runs no agent itself.
            report = Reports.view(wiring.supervisor().reconcileOnce(RESUME_DECISION));
            resumes = !wiring.stores().queue().list().isEmpty();
        }
        if (resumes) {
            // Only a daemon can run them (and supervise them afterwards): start one, as start does.
            ctx.daemonOrLaunch().close();
            daemonForResumes = true;
        }
        return report;
    }

    /** How long recover waits for crashed sessions' last output to be parsed before it decides on their resumes. */
    static final Duration RESUME_DECISION = Duration.ofSeconds(35);

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
