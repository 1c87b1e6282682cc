package dev.agentharness.cli.daemon;

import dev.agentharness.cli.format.JsonViews.ReconcileItemView;
import dev.agentharness.cli.format.JsonViews.ReconcileView;
import dev.agentharness.supervisor.ReconcileReport;
import java.util.Locale;

/** Reconcile reports as the CLI shows and sends them. */
public final class Reports {
    private Reports() {
    }

    public static ReconcileView view(ReconcileReport report) {
        var items = report.items().stream()
                .map(i -> new ReconcileItemView(i.sessionId(), i.label(), i.previousStatus(),
                        i.finding().name().toLowerCase(Locale.ROOT), i.reason()))
                .toList();
        return new ReconcileView(items.size(), items);
    }
}
